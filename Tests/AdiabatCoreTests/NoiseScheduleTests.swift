import AdiabatCore
import Foundation
import Testing

@Suite("Diffusion noise schedules and the cross-domain correspondence")
struct NoiseScheduleTests {
    /// DDPM's λ at v = i/N is −log Π_{j≤i}(1 − β_j), computed here as a plain product.
    /// Tolerance: the product and the log1p sum each carry ≈ i·ε_mach relative rounding, so
    /// 1e-11 in λ (≤ 10) is ~10× the worst case.
    @Test("DDPM linear β: the discrete ᾱ product, and its distance to the VP-SDE integral")
    func ddpm() throws {
        let n = 1000
        let (b0, b1) = (1e-4, 0.02)
        let ddpm = NoiseSchedule.ddpm
        #expect(ddpm == (try NoiseSchedule.ddpmLinear(betaStart: b0, betaEnd: b1, steps: n)))
        let vp = try NoiseSchedule.vpSDE(betaMin: Double(n) * b0, betaMax: Double(n) * b1)
        var product = 1.0
        var sumSquares = 0.0
        var sumSquaresUpper = 0.0
        for i in 0...n {
            if i > 0 {
                let beta = b0 + Double(i - 1) / Double(n - 1) * (b1 - b0)
                product *= 1 - beta
                sumSquares += beta * beta / 2
                sumSquaresUpper += beta * beta / (2 * (1 - beta))
            }
            let v = Double(i) / Double(n)
            #expect(abs(ddpm.noiseLevel(at: v) - -log(product)) < 1e-11, "λ at i = \(i)")
            #expect(abs(ddpm.alphaBar(at: v) / product - 1) < 1e-11)
            // −log(1 − β) = β + β²/2 + …, between β + β²/2 and β + β²/(2(1 − β)); the sum of
            // the β's differs from the VP integral ∫β by the exact linear term below.
            let linear = (b1 - b0) * (Double(i * (i - 1)) / (2 * Double(n - 1)) - Double(i * i) / (2 * Double(n)))
            let excess = ddpm.noiseLevel(at: v) - vp.noiseLevel(at: v) - linear
            #expect(excess >= sumSquares - 1e-11 && excess <= sumSquaresUpper + 1e-11, "i = \(i): \(excess)")
        }
        // The noise end: ᾱ_1000 ≈ 4.0e-5, t = −½ log ᾱ ≈ 5.06 on the OU clock.
        #expect(abs(ddpm.time(at: 1, clock: .ou) - -0.5 * log(product)) < 1e-11)
    }

    @Test("cosine: ᾱ(v) = f(v)/f(0) with f = cos²(((v + s)/(1 + s))π/2)")
    func cosine() throws {
        let s = 0.008
        let c = NoiseSchedule.nicholDhariwal
        func f(_ v: Double) -> Double { pow(cos((v + s) / (1 + s) * Double.pi / 2), 2) }
        for i in 0..<1000 {
            let v = Double(i) / 1000
            let alphaBar = f(v) / f(0)
            // Relative rounding of cos² near π/2 grows like ε/cos: ≤ 1e-12 for v ≤ 0.999.
            #expect(abs(c.alphaBar(at: v) / alphaBar - 1) < 1e-12, "v = \(v)")
            #expect(abs(c.time(at: v, clock: .ou) - -0.5 * log(alphaBar)) < 1e-12 * max(1, -log(alphaBar)))
        }
        #expect(c.noiseLevel(at: 1) == .infinity)
        #expect(c.noiseLevel(at: 0) == 0)
    }

    @Test("VP-SDE: √ᾱ = exp(−¼v²(β_max − β_min) − ½vβ_min) (Song et al.'s mean coefficient)")
    func vpSDE() {
        let vp = NoiseSchedule.songVP
        for i in 0...100 {
            let v = Double(i) / 100
            let mean = exp(-0.25 * v * v * (20 - 0.1) - 0.5 * v * 0.1)
            #expect(abs(vp.alphaBar(at: v).squareRoot() / mean - 1) < 1e-13)
            #expect(abs(vp.noiseLevelDerivative(at: v) - (0.1 + v * 19.9)) < 1e-12)
        }
    }

    @Test("Karras σᵢ = (σ_max^{1/ρ} + i/(N−1)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ; VE t = σ²/2, OU t = ½log(1+σ²)")
    func karras() {
        let k = NoiseSchedule.karrasEDM
        let (sMin, sMax, rho) = (0.002, 80.0, 7.0)
        let steps = 18
        for i in 0..<steps {
            let sigma = pow(pow(sMax, 1 / rho) + Double(i) / Double(steps - 1) * (pow(sMin, 1 / rho) - pow(sMax, 1 / rho)), rho)
            let v = 1 - Double(i) / Double(steps - 1)
            #expect(abs(k.sigma(at: v) / sigma - 1) < 1e-13, "i = \(i)")
            #expect(abs(k.time(at: v, clock: .ve) / (sigma * sigma / 2) - 1) < 1e-12)
            #expect(abs(k.time(at: v, clock: .ou) / (0.5 * log1p(sigma * sigma)) - 1) < 1e-12)
            // On OU the marginal at that t has ᾱ = 1/(1 + σ²): the VE law scaled by √ᾱ.
            #expect(abs(exp(-2 * k.time(at: v, clock: .ou)) * (1 + sigma * sigma) - 1) < 1e-12)
        }
    }

    @Test("derivatives and inverses of every kind")
    func derivativesAndInverses() throws {
        let all: [NoiseSchedule] = [.ddpm, .nicholDhariwal, .songVP, .karrasEDM, try .ddpmLinear(steps: 50)]
        for noise in all {
            for j in 0..<40 {
                // Mid-segment points, so DDPM's piecewise-linear λ is smooth around them.
                let v = (Double(j) + 0.5) / 40
                let h = 1e-6
                let fd = (noise.noiseLevel(at: v + h) - noise.noiseLevel(at: v - h)) / (2 * h)
                #expect(abs(fd / noise.noiseLevelDerivative(at: v) - 1) < 1e-6, "\(noise) dλ/dv at \(v)")
                for clock in DiffusionClock.allCases {
                    let fdt = (noise.time(at: v + h, clock: clock) - noise.time(at: v - h, clock: clock)) / (2 * h)
                    #expect(abs(fdt / noise.timeDerivative(at: v, clock: clock) - 1) < 1e-6)
                    let t = noise.time(at: v, clock: clock)
                    let back = try #require(noise.parameter(atTime: t, clock: clock))
                    #expect(abs(back - v) < 1e-10, "\(noise) inverse at \(v) on \(clock)")
                }
            }
        }
        #expect(NoiseSchedule.ddpm.parameter(atTime: 6, clock: .ou) == nil)
        #expect(throws: InputError.self) { _ = try NoiseSchedule.ddpmLinear(betaStart: 0.1, betaEnd: 0.01) }
        #expect(throws: InputError.self) { _ = try NoiseSchedule.karras(sigmaMin: 1, sigmaMax: 0.5) }
        #expect(throws: InputError.self) { _ = try NoiseSchedule.vpSDE(betaMin: .nan) }
    }

    @Test("diffusion schedules: endpoints, monotone, rate, native spacing kept and truncated at t_max")
    func truncation() throws {
        for noise in [NoiseSchedule.ddpm, .nicholDhariwal, .songVP, .karrasEDM] {
            for (clock, tMax) in [(DiffusionClock.ou, 3.0), (.ou, 0.7), (.ve, 50.0)] {
                let s = try Schedule.diffusion(noise, tMax: tMax, clock: clock)
                #expect(s.name == noise.name)
                #expect(s.progress(at: 0) == 0 && s.progress(at: 1) == 1)
                #expect(s.diffusionTime(at: 0, tMax: tMax) == tMax)
                let vStar = try #require(noise.parameter(atTime: tMax, clock: clock))
                #expect(abs(noise.time(at: vStar, clock: clock) / tMax - 1) < 1e-12)
                var previous = -1.0
                for j in 0...400 {
                    let r = Double(j) / 400
                    let u = s.progress(at: r)
                    #expect(u > previous || (u == previous && u == 1), "\(noise) not increasing at r = \(r)")
                    previous = u
                    // Native spacing: t(r) = t_native(v*(1 − r)) (Karras: up to its σ_min end,
                    // t(0) ≈ 2e-6, closed by the affine map).
                    let native = noise.time(at: vStar * (1 - r), clock: clock)
                    let t0 = noise.time(at: 0, clock: clock)
                    let expected = tMax * (native - t0) / (tMax - t0)
                    #expect(abs(s.diffusionTime(at: r, tMax: tMax) - expected) < 1e-12 * tMax, "\(noise) t at r = \(r)")
                    if case .karras = noise.kind {} else { #expect(abs(expected - native) < 1e-12 * tMax) }
                    if j > 0 && j < 400 {
                        let h = 1e-7
                        let fd = (s.progress(at: r + h) - s.progress(at: r - h)) / (2 * h)
                        #expect(abs(fd - s.rate(at: r)) < 1e-5 * max(1, abs(fd)), "\(noise) rate at \(r)")
                    }
                }
            }
        }
        // Where the cosine schedule is cut for t_max = 3 (closed form, independent of the code):
        // cos a* = cos a₀·e^{−3}, v* = a*·2(1 + s)/π − s ≈ 0.968.
        let a0 = Double.pi / 2 * 0.008 / 1.008
        let vStar = acos(cos(a0) * exp(-3)) * 2 * 1.008 / Double.pi - 0.008
        let cos3 = try Schedule.diffusion(.nicholDhariwal, tMax: 3, clock: .ou)
        #expect(abs(try #require(cos3.noiseParameter(at: 0)) - vStar) < 1e-12)
        #expect(abs(vStar - 0.968) < 1e-3)
        // Beyond the noise end: DDPM stops at t ≈ 5.06 (OU), Karras at σ_max²/2 = 3200 (VE).
        #expect(throws: InputError.self) { _ = try Schedule.diffusion(.ddpm, tMax: 6, clock: .ou) }
        #expect(throws: InputError.self) { _ = try Schedule.diffusion(.karrasEDM, tMax: 4000, clock: .ve) }
        _ = try Schedule.diffusion(.karrasEDM, tMax: 3000, clock: .ve)
        _ = try Schedule.diffusion(.nicholDhariwal, tMax: 40, clock: .ou)
    }

    @Test("flip-diffusion correspondence: t ↔ s inverse, derivatives, ends")
    func correspondence() throws {
        for (eps, beta, gamma) in [(0.7, nil as Double?, 1.0), (2.0, 1.3, 0.5), (0.3, 4.0, 2.0)] {
            let map = try FlipDiffusionCorrespondence(fieldScale: eps, beta: beta, rate: gamma)
            let p = beta.map { tanh($0 * eps) } ?? 1
            #expect(abs(map.finalAnnealFraction - p / (p + eps * (1 - p * p).squareRoot())) < 1e-15)
            #expect(map.annealFraction(atTime: 60) < 1e-20)
            for t in [0.01, 0.1, 0.5, 1, 2, 5] {
                let s = map.annealFraction(atTime: t)
                #expect(abs(map.time(atAnnealFraction: s) / t - 1) < 1e-10)
                // R = B/A = sinh(β_t ε)/ε with tanh(β_t ε) = P e^{−2γt}.
                let betaT = atanh(p * exp(-2 * gamma * t)) / eps
                #expect(abs(map.fieldRatio(atTime: t) / (sinh(betaT * eps) / eps) - 1) < 1e-12)
                #expect(abs(s / (map.fieldRatio(atTime: t) / (1 + map.fieldRatio(atTime: t))) - 1) < 1e-12)
                let h = 1e-6 * t
                let fd = (map.annealFraction(atTime: t + h) - map.annealFraction(atTime: t - h)) / (2 * h)
                #expect(abs(fd / map.annealFractionDerivative(atTime: t) - 1) < 1e-6)
                let hs = 1e-7 * s
                let fds = (map.time(atAnnealFraction: s + hs) - map.time(atAnnealFraction: s - hs)) / (2 * hs)
                #expect(abs(fds / map.timeDerivative(atAnnealFraction: s) - 1) < 1e-6)
            }
        }
        let ground = try FlipDiffusionCorrespondence(fieldScale: 1)
        #expect(ground.annealFraction(atTime: 0) == 1)
        #expect(ground.time(atAnnealFraction: 1) == 0)
        #expect(ground.time(atAnnealFraction: 0) == .infinity)
        // Carried schedules: a linear diffusion mapped to the annealing path runs from
        // s(t_max) to 1; back again it is the linear diffusion (held at t_max nowhere).
        let tMax = 4.0
        let toAnnealing = try Schedule.mapped(.linear, through: ground, direction: .toAnnealing, tMax: tMax)
        #expect(toAnnealing.name == "flip:linear")
        #expect(abs(toAnnealing.progress(at: 0) - ground.annealFraction(atTime: tMax)) < 1e-15)
        #expect(toAnnealing.progress(at: 1) == 1)
        #expect(toAnnealing.rate(at: 1).isFinite)
        let back = try Schedule.mapped(toAnnealing, through: ground, direction: .toDiffusion, tMax: tMax)
        for r in stride(from: 0.0, through: 1, by: 0.05) {
            #expect(abs(back.progress(at: r) - r) < 1e-9, "round trip at \(r)")
            if r > 0.01 && r < 0.99 {
                let h = 1e-7
                let fd = (toAnnealing.progress(at: r + h) - toAnnealing.progress(at: r - h)) / (2 * h)
                #expect(abs(fd / toAnnealing.rate(at: r) - 1) < 1e-5)
            }
        }
        // A linear anneal carried to the diffusion waits at t_max until s reaches s(t_max).
        let wait = try Schedule.mapped(.linear, through: ground, direction: .toDiffusion, tMax: tMax)
        let sStart = ground.annealFraction(atTime: tMax)
        #expect(wait.progress(at: sStart * 0.5) == 0)
        #expect(wait.rate(at: sStart * 0.5) == 0)
        #expect(wait.progress(at: 1) == 1)
        #expect(throws: InputError.self) { _ = try FlipDiffusionCorrespondence(fieldScale: 0) }
    }
}
