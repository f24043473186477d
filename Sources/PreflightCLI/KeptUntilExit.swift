import PreflightCore

/// What a command built and no longer needs, kept until the process ends instead of
/// freed piece by piece: `preflight` leaves with `_exit` (`Preflight.leave`), and the
/// system takes the memory back at once. A run's scenarios and results are trees of many
/// small values; freeing them one by one, as the command's scope ended, cost about 3,500
/// instructions per operation of a long file, a tenth of what Preflight adds to each.
enum KeptUntilExit {
    private static let kept = Guarded<[Any]>([])

    static func keep(_ values: Any...) {
        kept.mutate { $0.append(contentsOf: values) }
    }
}
