import GSLKit

/// An error a user can act on: bad input, a numerical failure, a work limit reached.
///
/// Every module's user-facing error conforms, so a front end (the command line) handles them
/// all through this one protocol: it prints ``describe(naming:)`` as one line. An error that
/// belongs to a parameter names it by its field path (`evolve.total_time`, `sample.cells`);
/// the front end decides how a parameter is spelt to its user (a flag, a TOML key).
public protocol AdiabatError: Error, CustomStringConvertible, Sendable {
    /// The parameter path the error belongs to, if any.
    var parameter: String? { get }
    /// The error as one line, with every parameter path it mentions spelt by `name` (which
    /// returns nil for a path it does not know).
    func describe(naming name: (String) -> String?) -> String
}

extension AdiabatError {
    public var parameter: String? { nil }
    public func describe(naming name: (String) -> String?) -> String { description }
}

extension InputError: AdiabatError {
    /// The location, when it is a parameter path (lower-case words joined by dots).
    public var parameter: String? { Self.isParameterPath(location) ? location : nil }

    static func isParameterPath(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0 == "_" || $0.isNumber } }
    }

    /// The location becomes `SPELLING (path)`; paths inside the message and the hint become
    /// their spelling.
    public func describe(naming name: (String) -> String?) -> String {
        var named = self
        if let p = parameter, let spelt = name(p) { named.location = "\(spelt) (\(p))" }
        named.message = Self.spell(message, name)
        named.hint = Self.spell(hint, name)
        return named.description
    }

    /// `text` with every word that is a known parameter path replaced by its spelling.
    static func spell(_ text: String, _ name: (String) -> String?) -> String {
        var out = ""
        var rest = Substring(text)
        while let match = rest.firstMatch(of: /[a-z][a-z_0-9]*(\.[a-z_0-9]+)+/) {
            out += rest[..<match.range.lowerBound]
            let token = String(rest[match.range])
            out += name(token) ?? token
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }
}

extension GSLError: AdiabatError {}
extension LanczosWorkLimitReached: AdiabatError {}
