/// Whether a recorded depth change was really confirmed by the technician.
///
/// Journals written before the decider recorded only true confirmations set `aboveProtocolConfirmed`
/// for any change that ended above the zone's protocol maximum, including steps that started above it
/// and so asked nothing. Reading those journals must not claim a confirmation nobody gave.
public enum DepthChangeRecord {
    /// `zoneMax` is the zone's protocol maximum when known; without it only the certain case is corrected
    /// (going shallower never asks).
    public static func confirmed(from: Double, to: Double, recorded: Bool, zoneMax: Double?) -> Bool {
        guard recorded, to > from else { return false }
        if let zoneMax, Depth.exceeds(from, zoneMax) { return false }
        return true
    }
}
