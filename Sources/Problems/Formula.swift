import AdiabatCore
import Foundation

/// A real-valued formula of the coordinates, as problem files write potentials, energies and
/// densities: `"x^4/4 - x^2"`, `"0.5*(x^2 + y^2) + 0.3*sin(2*x)*cos(y)"`, `"1 - 2/r"`.
///
/// Grammar (usual precedence; `^` binds tighter than unary minus and is right-associative,
/// so `-x^2 = −(x²)` and `2^3^2 = 2⁹`):
///
///     expr   = term (("+" | "-") term)*
///     term   = unary (("*" | "/") unary)*
///     unary  = ("-" | "+") unary | power
///     power  = atom ("^" unary)?
///     atom   = number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
///
/// Names: the coordinates `x`, `y`, `z` (as many as the grid has axes), `r` = |x|, and the
/// constants `pi`, `e`. Functions: `exp log sqrt abs sin cos tan sinh cosh tanh atan` (one
/// argument), `min max atan2 pow` (two). Unknown names and malformed text are errors that
/// name the column.
public struct Formula: Sendable, CustomStringConvertible {
    public let text: String
    public let dimension: Int
    private let root: Node

    indirect enum Node: Sendable {
        case number(Double)
        case coordinate(Int)
        case radius
        case negate(Node)
        case binary(Character, Node, Node)
        case call1(String, Node)
        case call2(String, Node, Node)
    }

    /// Parses `text` for a `dimension`-D grid; `location` (e.g. `file:line`) prefixes errors.
    public init(_ text: String, dimension: Int, location: String = "formula") throws {
        var parser = Parser(characters: Array(text), dimension: dimension, location: location, text: text)
        let node = try parser.expression()
        parser.skipSpaces()
        if parser.position < parser.characters.count {
            throw parser.error("unexpected '\(parser.characters[parser.position])'")
        }
        self.text = text
        self.dimension = dimension
        self.root = node
    }

    public var description: String { text }

    /// The value at the point `x` (length ``dimension``).
    public func evaluate(_ x: [Double]) -> Double {
        var r2 = 0.0
        for v in x { r2 += v * v }
        return Self.evaluate(root, x, r2.squareRoot())
    }

    /// The value at every node of `grid` (flat, last axis fastest); non-finite values are an
    /// error naming the node.
    public func sample(on grid: UniformGrid, field: String) throws -> [Double] {
        var values = [Double](repeating: 0, count: grid.count)
        var x = [Double](repeating: 0, count: grid.dimension)
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            values[k] = evaluate(x)
            if !values[k].isFinite {
                throw InputError(
                    field, "\"\(text)\" is \(values[k]) at x = \(x)", hint: "the formula must be finite at every grid node")
            }
        }
        return values
    }

    /// The value at each radius of a radial grid (`r` is the radius; `x` is `r` too).
    public func sample(on grid: RadialGrid, field: String) throws -> [Double] {
        try grid.radii.map { r in
            let v = Self.evaluate(root, [r, 0, 0], r)
            if !v.isFinite {
                throw InputError(field, "\"\(text)\" is \(v) at r = \(r)", hint: "the formula must be finite at every radius")
            }
            return v
        }
    }

    private static func evaluate(_ node: Node, _ x: [Double], _ r: Double) -> Double {
        switch node {
        case .number(let v): return v
        case .coordinate(let a): return x[a]
        case .radius: return r
        case .negate(let n): return -evaluate(n, x, r)
        case let .binary(op, a, b):
            let u = evaluate(a, x, r)
            let v = evaluate(b, x, r)
            switch op {
            case "+": return u + v
            case "-": return u - v
            case "*": return u * v
            case "/": return u / v
            default: return Self.power(u, v)
            }
        case let .call1(name, a):
            let u = evaluate(a, x, r)
            switch name {
            case "exp": return exp(u)
            case "log": return log(u)
            case "sqrt": return u.squareRoot()
            case "abs": return abs(u)
            case "sin": return sin(u)
            case "cos": return cos(u)
            case "tan": return tan(u)
            case "sinh": return sinh(u)
            case "cosh": return cosh(u)
            case "tanh": return tanh(u)
            default: return atan(u)
            }
        case let .call2(name, a, b):
            let u = evaluate(a, x, r)
            let v = evaluate(b, x, r)
            switch name {
            case "min": return min(u, v)
            case "max": return max(u, v)
            case "atan2": return atan2(u, v)
            default: return Self.power(u, v)
            }
        }
    }

    /// `u^v`, exact for small integer exponents (so `x^2` of a negative x is fine).
    private static func power(_ u: Double, _ v: Double) -> Double {
        if v == v.rounded(), abs(v) <= 16 {
            var p = 1.0
            for _ in 0..<Int(abs(v)) { p *= u }
            return v < 0 ? 1 / p : p
        }
        return pow(u, v)
    }

    static let unary: Set<String> = ["exp", "log", "sqrt", "abs", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan"]
    static let binaryFunctions: Set<String> = ["min", "max", "atan2", "pow"]

    struct Parser {
        let characters: [Character]
        let dimension: Int
        let location: String
        let text: String
        var position = 0

        init(characters: [Character], dimension: Int, location: String, text: String) {
            self.characters = characters
            self.dimension = dimension
            self.location = location
            self.text = text
        }

        func error(_ message: String) -> InputError {
            InputError(location, "in formula \"\(text)\" at column \(position + 1): \(message)")
        }

        mutating func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        mutating func peek() -> Character? {
            skipSpaces()
            return position < characters.count ? characters[position] : nil
        }

        mutating func expression() throws -> Node { try leftAssociative("+-") { try $0.term() } }

        mutating func term() throws -> Node { try leftAssociative("*/") { try $0.unaryExpression() } }

        /// `operand (op operand)*` for the binary operators `operators` of one precedence
        /// level, grouped from the left (`a − b − c` is `(a − b) − c`).
        mutating func leftAssociative(_ operators: String, _ operand: (inout Parser) throws -> Node) throws -> Node {
            var node = try operand(&self)
            while let c = peek(), operators.contains(c) {
                position += 1
                node = .binary(c, node, try operand(&self))
            }
            return node
        }

        mutating func unaryExpression() throws -> Node {
            if let c = peek(), c == "-" || c == "+" {
                position += 1
                let operand = try unaryExpression()
                return c == "-" ? .negate(operand) : operand
            }
            return try powerExpression()
        }

        mutating func powerExpression() throws -> Node {
            let base = try atom()
            if peek() == "^" {
                position += 1
                return .binary("^", base, try unaryExpression())
            }
            return base
        }

        mutating func atom() throws -> Node {
            guard let c = peek() else { throw error("the formula ends too early") }
            if c == "(" {
                position += 1
                let inner = try expression()
                guard peek() == ")" else { throw error("expected ')'") }
                position += 1
                return inner
            }
            if c.isNumber || c == "." {
                let start = position
                while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
                if position < characters.count, characters[position] == "e" || characters[position] == "E" {
                    var look = position + 1
                    if look < characters.count, characters[look] == "+" || characters[look] == "-" { look += 1 }
                    if look < characters.count, characters[look].isNumber {
                        position = look
                        while position < characters.count, characters[position].isNumber { position += 1 }
                    }
                }
                let literal = String(characters[start..<position])
                guard let value = Double(literal), value.isFinite else {
                    position = start
                    throw error("'\(literal)' is not a number")
                }
                return .number(value)
            }
            if c.isLetter || c == "_" {
                let start = position
                while position < characters.count,
                    characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
                {
                    position += 1
                }
                let name = String(characters[start..<position])
                if peek() == "(" {
                    position += 1
                    var arguments = [try expression()]
                    while peek() == "," {
                        position += 1
                        arguments.append(try expression())
                    }
                    guard peek() == ")" else { throw error("expected ')' after the arguments of \(name)") }
                    position += 1
                    if Formula.unary.contains(name) {
                        guard arguments.count == 1 else { throw error("\(name) takes one argument (got \(arguments.count))") }
                        return .call1(name, arguments[0])
                    }
                    if Formula.binaryFunctions.contains(name) {
                        guard arguments.count == 2 else { throw error("\(name) takes two arguments (got \(arguments.count))") }
                        return .call2(name, arguments[0], arguments[1])
                    }
                    position = start
                    throw error(
                        "unknown function '\(name)' (known: \((Formula.unary.union(Formula.binaryFunctions)).sorted().joined(separator: ", ")))"
                    )
                }
                switch name {
                case "x": return .coordinate(0)
                case "y" where dimension >= 2: return .coordinate(1)
                case "z" where dimension >= 3: return .coordinate(2)
                case "r": return .radius
                case "pi": return .number(Double.pi)
                case "e": return .number(M_E)
                default:
                    position = start
                    let names = ["x", "y", "z"].prefix(dimension).joined(separator: ", ")
                    throw error("unknown name '\(name)' (a \(dimension)-D formula may use \(names), r, pi, e)")
                }
            }
            throw error("unexpected '\(c)'")
        }
    }
}
