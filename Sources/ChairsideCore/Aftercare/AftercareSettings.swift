import Foundation

/// How many days of downtime to expect up to a given needle depth.
public struct DowntimeBand: Codable, Equatable, Sendable {
    /// The band covers passes up to and including this depth (mm).
    public var upToDepth: Double
    public var minDays: Int
    public var maxDays: Int

    public init(upToDepth: Double, minDays: Int, maxDays: Int) {
        self.upToDepth = upToDepth
        self.minDays = minDays
        self.maxDays = maxDays
    }
}

public enum Paper: String, Codable, CaseIterable, Sendable {
    case a4, letter

    /// The CUPS media name.
    public var media: String { self == .a4 ? "A4" : "Letter" }
}

/// The numbers on the aftercare sheet. Every one is a clinic setting; the defaults come from CLINICAL.md.
public struct AftercareSettings: Codable, Equatable, Sendable {
    /// Downtime by deepest depth, shallowest band first; deeper than the last band uses the last band.
    public var downtime: [DowntimeBand]
    public var makeupFreeHours: Int
    public var sunAvoidDays: Int
    public var exerciseFreeHours: Int
    public var activesAfterDays: Int
    public var tonerFreeDays: Int
    /// The next visit is booked this many days after the session, at the latest (the earliest is the protocol's minimum interval).
    public var nextVisitMaxDays: Int
    public var seriesMin: Int
    public var seriesMax: Int
    /// A gap longer than this between two completed sessions starts a new series.
    public var seriesGapDays: Int
    /// After a full series, the maintenance visit window (days after the session).
    public var maintenanceMinDays: Int
    public var maintenanceMaxDays: Int
    public var paper: Paper
    /// How long the sheet tells the patient to rest after the session.
    public var restHours = 24

    public func downtime(forDepth depth: Double) -> DowntimeBand? {
        downtime.first { depth <= $0.upToDepth + 1e-9 } ?? downtime.last
    }

    /// Defaults from CLINICAL.md ("Aftercare facts", "Series and intervals", the depth/downtime note).
    public static let standard = AftercareSettings(
        downtime: [
            DowntimeBand(upToDepth: 0.5, minDays: 2, maxDays: 3),
            DowntimeBand(upToDepth: 1.5, minDays: 4, maxDays: 5),
            DowntimeBand(upToDepth: 3.0, minDays: 6, maxDays: 7),
        ],
        makeupFreeHours: 12,
        sunAvoidDays: 10,
        exerciseFreeHours: 48,
        activesAfterDays: 3,
        tonerFreeDays: 14,
        nextVisitMaxDays: 42,
        seriesMin: 4,
        seriesMax: 6,
        seriesGapDays: 120,
        maintenanceMinDays: 120,
        maintenanceMaxDays: 150,
        paper: .a4
    )
}
