/// The symmetric 4th-order compositions of Strang steps
/// (``SplittingScheme/symmetricComposition(copies:)``): `m` steps of weight
/// `w = 1/(2m − (2m)^{1/3})` on each side of one of weight `1 − 2m·w`. One member per `m`:
/// - `suzuki4` (`m = 2`): Suzuki's 5-stage fractal composition, weights `p, p, 1 − 4p, p, p`;
/// - `yoshida4` (`m = 1`): Yoshida's triple jump, weights `w₁, 1 − 2w₁, w₁` (one backward stage,
///   a larger error constant).
struct SymmetricComposition: SplittingMethod {
    let name: String
    let summary: String
    /// Strang steps of the outer weight on each side of the middle one.
    let copies: Int
    let order = 4
    var scheme: SplittingScheme { .symmetricComposition(copies: copies) }

    init(name: String, summary: String, copies: Int) {
        self.name = name
        self.summary = summary
        self.copies = copies
    }

    static let suzuki = SymmetricComposition(
        name: "suzuki4", summary: "Suzuki's 5-stage composition of Strang steps, order 4", copies: 2)
    static let yoshida = SymmetricComposition(name: "yoshida4", summary: "Yoshida's 3-stage composition, order 4", copies: 1)

    static var members: [SymmetricComposition] { [suzuki, yoshida] }
}

extension EvolutionMethod {
    public static let suzuki4 = EvolutionMethod(SymmetricComposition.suzuki)
    public static let yoshida4 = EvolutionMethod(SymmetricComposition.yoshida)
}
