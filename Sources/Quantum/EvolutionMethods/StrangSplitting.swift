/// `split2`: Strang's splitting `P(h/2) Q(h) P(h/2)`, 2nd order; for loose tolerances.
struct StrangSplitting: SplittingMethod {
    static let members = [StrangSplitting()]
    let name = "split2"
    let summary = "Strang splitting, order 2"
    let order = 2
    let scheme = SplittingScheme.composition([1])
}

extension EvolutionMethod {
    public static let split2 = EvolutionMethod(StrangSplitting())
}
