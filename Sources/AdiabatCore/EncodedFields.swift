extension KeyedEncodingContainer {
    /// Encodes each value under its key, in order, and leaves out the absent ones (nil): a flat
    /// JSON object in one call rather than a line per key.
    public mutating func encodeFields(_ fields: KeyValuePairs<Key, (any Encodable)?>) throws {
        for (key, value) in fields {
            if let value { try encode(value, forKey: key) }
        }
    }
}
