/// Small problems on which a comparison runs every kind of cell in seconds (shared by the
/// compare command's tests and the metric-inequality tests).
public enum ComparisonProblems {
    /// ½N(−1.5, 0.6²) + ½N(1.5, 0.6²) on a coarse 1-D grid (OU, t_max 2.5).
    public static func mixture(name: String, description: String) -> String {
        """
        name = "\(name)"
        kind = "landscape"
        description = "\(description)"

        [landscape]
        type = "gaussian-mixture"
        weights = [0.5, 0.5]
        means = [[-1.5], [1.5]]
        stddevs = [0.6, 0.6]

        [grid]
        lower = [-7.0]
        upper = [7.0]
        points = [255]

        [diffusion]
        process = "ou"
        t_max = 2.5
        """
    }

    /// Three spins, fields and one coupling, on a linear schedule (`extra`: more `[schedule]` lines).
    public static func spins(name: String, description: String, extra: String = "") -> String {
        """
        name = "\(name)"
        kind = "annealing"
        description = "\(description)"

        [problem]
        h = [0.5, -0.3, 0.2]
        J = [[0, 1, -0.8]]

        [schedule]
        type = "linear"
        \(extra)
        """
    }
}
