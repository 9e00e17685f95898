import GSLKit

/// The random numbers samplers draw: GSLKit's seeded ``RandomStream``.
public typealias RandomSource = RandomStream
