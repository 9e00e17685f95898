import CGSL

/// Special functions from GSL (`gsl_sf_*`), with domain checks that throw.
public enum SpecialFunctions {
    /// The normalised hydrogenic radial function `R_{nl}(r)` for nuclear charge `Z`
    /// (`gsl_sf_hydrogenicR`), with `∫₀^∞ R² r² dr = 1`; the Bohr radius is 1.
    ///
    /// `R_{10}(r) = 2 Z^{3/2} e^{−Zr}`. Requires `n ≥ 1`, `0 ≤ l < n`, `Z > 0`, `r ≥ 0`.
    public static func hydrogenicRadial(n: Int, l: Int, charge z: Double = 1, r: Double) throws -> Double {
        GSLRuntime.ensureReady()
        let routine = "SpecialFunctions.hydrogenicRadial"
        guard n >= 1, l >= 0, l < n else {
            throw GSLError.invalidArgument(routine, "need n ≥ 1 and 0 ≤ l < n (got n = \(n), l = \(l))")
        }
        guard z > 0, z.isFinite, r >= 0, r.isFinite else {
            throw GSLError.invalidArgument(routine, "need Z > 0 and r ≥ 0, finite (got Z = \(z), r = \(r))")
        }
        var result = gsl_sf_result(val: 0, err: 0)
        try check(gsl_sf_hydrogenicR_e(Int32(n), Int32(l), z, r, &result), "gsl_sf_hydrogenicR_e")
        return result.val
    }

    /// The error function.
    public static func erf(_ x: Double) -> Double {
        GSLRuntime.ensureReady()
        return gsl_sf_erf(x)
    }

    /// The complementary error function, accurate for large `x`.
    public static func erfc(_ x: Double) -> Double {
        GSLRuntime.ensureReady()
        return gsl_sf_erfc(x)
    }

    /// `log Γ(x)` for `x > 0`.
    public static func logGamma(_ x: Double) throws -> Double {
        GSLRuntime.ensureReady()
        var result = gsl_sf_result(val: 0, err: 0)
        try check(gsl_sf_lngamma_e(x, &result), "gsl_sf_lngamma_e")
        return result.val
    }
}
