extension String {
    /// The string with every scalar that `table` lists replaced by its entry: the one loop
    /// behind JSON strings (``JSONText``) and XML text (`Reports.escapeXML`).
    public func escaped(by table: [Unicode.Scalar: String]) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if let replacement = table[scalar] {
                out += replacement
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
