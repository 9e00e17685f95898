/// `split4`, the default: Blanes & Moan's symmetric 6-stage method (S6 of J. Comput. Appl.
/// Math. 142, 2002), 4th order, with error constants far below the classical compositions.
struct BlanesMoanSplitting: SplittingMethod {
    static let members = [BlanesMoanSplitting()]
    let name = "split4"
    let summary = "Blanes–Moan 6-stage splitting, order 4"
    let order = 4
    let scheme: SplittingScheme = {
        let a1 = 0.0792036964311957
        let a2 = 0.353172906049774
        let a3 = -0.0420650803577195
        let a4 = 1 - 2 * (a1 + a2 + a3)
        let b1 = 0.209515106613362
        let b2 = -0.143851773179818
        let b3 = 0.5 - (b1 + b2)
        return SplittingScheme(a: [a1, a2, a3, a4, a3, a2, a1], b: [b1, b2, b3, b3, b2, b1])
    }()
}

extension EvolutionMethod {
    public static let split4 = EvolutionMethod(BlanesMoanSplitting())
}
