import AdiabatCore

/// The error text of `body`, or nil if it did not throw an `InputError` (one copy for every
/// test target).
public func inputError(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let e as InputError {
        return "\(e)"
    } catch {
        return "unexpected \(error)"
    }
}
