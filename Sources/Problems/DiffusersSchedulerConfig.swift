import AdiabatCore
import Foundation

/// A diffusers `scheduler_config.json` read as a noise schedule (docs/data-out.md#schedules):
///
/// - `beta_schedule` `linear` → DDPM linear β (`beta_start`, `beta_end`, `num_train_timesteps`);
/// - `scaled_linear` → β linear in √β (Stable Diffusion);
/// - `squaredcos_cap_v2` → Nichol–Dhariwal's cosine (s = 0.008);
/// - Karras σ: `sigma_min`, `sigma_max` (and `rho`, default 7) as EDM schedulers give them, or
///   `use_karras_sigmas: true`, whose σ range diffusers takes from the trained β schedule
///   (`σ = √((1 − ᾱ)/ᾱ)` at the first and last training step).
public enum DiffusersSchedulerConfig {
    public static func read(_ url: URL) throws -> NoiseSchedule {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw InputError(url.path, "cannot read the scheduler config (\(error.localizedDescription))", hint: "check the path")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InputError(url.path, "is not a JSON object (a diffusers scheduler_config.json)")
        }
        let file = url.path
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let raw = root[key], !(raw is NSNull) else { return fallback }
            guard let n = raw as? NSNumber, n.doubleValue.isFinite else {
                throw InputError(file, "\(key) is not a finite number")
            }
            return n.doubleValue
        }
        let steps = Int(try number("num_train_timesteps", 1000))
        let betaStart = try number("beta_start", 1e-4)
        let betaEnd = try number("beta_end", 0.02)
        let betaSchedule = root["beta_schedule"] as? String ?? "linear"
        if root["sigma_min"] != nil || root["sigma_max"] != nil {
            return try NoiseSchedule.karras(
                sigmaMin: try number("sigma_min", 0.002), sigmaMax: try number("sigma_max", 80), rho: try number("rho", 7))
        }
        let trained: NoiseSchedule
        do {
            switch betaSchedule {
            case "linear": trained = try .ddpmLinear(betaStart: betaStart, betaEnd: betaEnd, steps: steps)
            case "scaled_linear": trained = try .ddpmScaledLinear(betaStart: betaStart, betaEnd: betaEnd, steps: steps)
            case "squaredcos_cap_v2": trained = try .cosine(offset: 0.008)
            default:
                throw InputError(
                    file, "beta_schedule '\(betaSchedule)' is not supported",
                    hint: "linear, scaled_linear, squaredcos_cap_v2, or Karras σ (sigma_min, sigma_max)")
            }
        } catch let e as InputError where e.location != file {
            throw InputError(file, "\(e.location): \(e.message)", hint: e.hint)
        }
        guard (root["use_karras_sigmas"] as? Bool) == true else { return trained }
        // diffusers: sigmas = √((1 − ᾱ)/ᾱ) over the training steps; Karras between the ends.
        let lambdaFirst = trained.noiseLevel(at: 1 / Double(max(steps, 1)))
        let lambdaLast = trained.noiseLevel(at: min(1, 1 - 1e-9))
        let sigmaMin = expm1(lambdaFirst).squareRoot()
        let sigmaMax = expm1(lambdaLast).squareRoot()
        guard sigmaMin.isFinite, sigmaMax.isFinite, sigmaMin < sigmaMax else {
            throw InputError(file, "use_karras_sigmas: the β schedule gives no finite σ range")
        }
        return try NoiseSchedule.karras(sigmaMin: sigmaMin, sigmaMax: sigmaMax, rho: try number("rho", 7))
    }
}
