import Foundation

/// What a lot is of: the products a microneedling-with-PRP room records a lot number for.
public enum LotKind: String, Codable, CaseIterable, Sendable {
    case anaesthetic
    case needleCartridge = "needle-cartridge"
    case prpKit = "prp-kit"
    case bloodTubes = "blood-tubes"
    case growthFactors = "growth-factors"
    case serum
    case sunscreen
    case other

    public var label: String {
        switch self {
        case .anaesthetic: "anaesthetic"
        case .needleCartridge: "needle cartridge"
        case .prpKit: "PRP kit"
        case .bloodTubes: "blood tubes"
        case .growthFactors: "growth factors"
        case .serum: "serum"
        case .sunscreen: "sunscreen"
        case .other: "other"
        }
    }

    /// Accepts the raw value (`needle-cartridge`) or the label (`needle cartridge`), any case.
    public init?(word: String) {
        let w = word.trimmingCharacters(in: .whitespaces).lowercased()
        guard let kind = Self.allCases.first(where: { $0.rawValue == w || $0.label.lowercased() == w }) else {
            return nil
        }
        self = kind
    }

    public static var wordList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where a lot is in its life: received (in stock), opened, finished (used up), or withdrawn
/// (recalled by the maker or taken out by the clinic). A withdrawn lot stays withdrawn.
public enum LotStatus: Equatable, Sendable {
    case inStock
    case open
    case finished
    case withdrawn(reason: String)

    public var label: String {
        switch self {
        case .inStock: "in stock"
        case .open: "open"
        case .finished: "finished"
        case .withdrawn: "withdrawn"
        }
    }
}

/// One lot as the register knows it.
public struct Lot: Equatable, Sendable {
    public var number: String
    public var kind: LotKind
    public var product: String
    /// The last day the lot may be used (see `LotRegister.usability`). Nil for a lot typed new in
    /// a session without its expiry: recorded rather than block the room, and flagged until known.
    public var expires: ClinicDay?
    public var status: LotStatus
    public var addedAt: Date

    /// Soonest expiry first, unknown expiry last, then by number.
    public static func byExpiry(_ a: Lot, _ b: Lot) -> Bool {
        let far = ClinicDay(year: 9999, month: 12, day: 31)
        return (a.expires ?? far, a.number) < (b.expires ?? far, b.number)
    }

    /// The day after which it may no longer be used: a lot is usable ON its expiry date.
    public func isExpired(on day: ClinicDay) -> Bool { expires.map { day > $0 } ?? false }

    /// The expiry as a table shows it.
    public var expiryText: String { expires?.description ?? "not recorded" }
}

/// What can happen to a lot; appended to `lots/journal.jsonl`, never changed.
public enum LotEventKind: Codable, Equatable, Sendable {
    case added(lot: String, kind: LotKind, product: String, expires: ClinicDay?)
    case opened(lot: String)
    case finished(lot: String)
    case withdrawn(lot: String, reason: String)

    public var lot: String {
        switch self {
        case .added(let lot, _, _, _), .opened(let lot), .finished(let lot), .withdrawn(let lot, _): lot
        }
    }
}

/// One line of the lot journal: what happened to a lot, when, and who recorded it.
public struct LotEvent: Codable, Equatable, Sendable {
    public var seq: Int
    public var at: Date
    public var by: String
    public var kind: LotEventKind

    public init(seq: Int, at: Date, by: String, kind: LotEventKind) {
        self.seq = seq
        self.at = at
        self.by = by
        self.kind = kind
    }
}

/// What the front desk or a technician asks of the register.
public enum LotCommand: Equatable, Sendable {
    case add(lot: String, kind: LotKind, product: String, expires: ClinicDay?)
    case open(lot: String)
    case finish(lot: String)
    case withdraw(lot: String, reason: String)
}

/// Why the register said no, in words that say what to do.
public enum LotRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case lotNumberMissing
    case productMissing
    case reasonMissing
    case alreadyRegistered(lot: String, kind: LotKind)
    case unknownLot(String)
    case alreadyOpen(String)
    case notUsable(lot: String, status: String)
    case alreadyWithdrawn(String)

    public var description: String {
        switch self {
        case .lotNumberMissing: "Enter the lot number as printed on the package."
        case .productMissing: "Enter the product's name."
        case .reasonMissing: "Give the reason (the maker's recall notice, damage, …); it is recorded."
        case .alreadyRegistered(let lot, let kind):
            "Lot \(Visible.text(lot)) is already in the register (\(kind.label)); check the number on the package."
        case .unknownLot(let lot):
            "Lot \(Visible.text(lot)) is not in the register; add it first (lots add)."
        case .alreadyOpen(let lot): "Lot \(Visible.text(lot)) is already open."
        case .notUsable(let lot, let status): "Lot \(Visible.text(lot)) is \(status); it cannot be opened again."
        case .alreadyWithdrawn(let lot): "Lot \(Visible.text(lot)) is already withdrawn."
        }
    }
}

/// Why a lot should not be used on a session day. Each can be overridden with a reason, which the
/// session records.
public enum LotProblem: Equatable, Sendable, CustomStringConvertible {
    case expired(lot: String, on: ClinicDay)
    case withdrawn(lot: String, reason: String)
    case finished(lot: String)
    case otherKind(lot: String, registered: LotKind, wanted: [LotKind])
    /// A line of the lot journal that names this lot is unreadable (issue 14): its status (a
    /// withdrawal, a recall) may be missing from the register.
    case statusUnknown(lot: String)

    public var description: String {
        switch self {
        case .expired(let lot, let day): "Lot \(Visible.text(lot)) expired on \(day)."
        case .withdrawn(let lot, let reason): "Lot \(Visible.text(lot)) is withdrawn (\(Visible.text(reason)))."
        case .finished(let lot): "Lot \(Visible.text(lot)) is recorded as finished."
        case .otherKind(let lot, let registered, let wanted):
            "Lot \(Visible.text(lot)) is registered as \(registered.label), not \(wanted.map(\.label).joined(separator: " or "))."
        case .statusUnknown(let lot):
            "Lot \(Visible.text(lot))'s status is unknown: a line about it in the lot register is unreadable "
                + "(it may have been withdrawn; run `chairside check`)."
        }
    }

    /// A short code for the session's record and exports.
    public var code: String {
        switch self {
        case .expired: "lot-expired"
        case .withdrawn: "lot-withdrawn"
        case .finished: "lot-finished"
        case .otherKind: "lot-other-kind"
        case .statusUnknown: "lot-status-unknown"
        }
    }
}

/// What the register says about using a lot on a day.
public enum LotUsability: Equatable, Sendable {
    /// Registered, and nothing against it (`opens` when it is still in stock: using it opens it).
    case usable(Lot, opens: Bool)
    /// Not in the register: the front end adds it (typing a new lot adds it).
    case unregistered
    /// Registered, but refused unless overridden with a reason.
    case refused([LotProblem])
}

/// The fold of the lot journal, and the decisions over it. Pure: no I/O, no clock.
///
/// Lot numbers are matched without regard to case or surrounding spaces (`nb-2611` is `NB-2611`),
/// so one lot cannot be registered twice under two spellings and a recall finds every use.
public struct LotRegister: Equatable, Sendable {
    public private(set) var lots: [String: Lot] = [:]
    /// Keys in the order lots were added.
    public private(set) var order: [String] = []
    public private(set) var lastSeq = 0

    public init() {}

    public init(events: [LotEvent]) {
        for e in events { evolve(e) }
    }

    /// The key a lot number is matched by.
    public static func key(_ number: String) -> String {
        number.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }

    public func lot(_ number: String) -> Lot? { lots[Self.key(number)] }

    /// Every lot, in the order added.
    public var all: [Lot] { order.compactMap { lots[$0] } }

    /// Numbers up to `seq` are taken, by lines that could not be read or are lost: never reused.
    public mutating func numbersTaken(through seq: Int) { lastSeq = max(lastSeq, seq) }

    public mutating func evolve(_ e: LotEvent) {
        lastSeq = max(lastSeq, e.seq)
        let key = Self.key(e.kind.lot)
        switch e.kind {
        case .added(let lot, let kind, let product, let expires):
            guard lots[key] == nil else { return }
            lots[key] = Lot(
                number: lot, kind: kind, product: product, expires: expires, status: .inStock, addedAt: e.at)
            order.append(key)
        case .opened: lots[key]?.status = .open
        case .finished: lots[key]?.status = .finished
        case .withdrawn(_, let reason): lots[key]?.status = .withdrawn(reason: reason)
        }
    }

    /// Validates a command against the register; the events to append (numbered after `lastSeq`).
    public func decide(_ command: LotCommand, by: String, now: Date) throws(LotRefusal) -> [LotEvent] {
        let at = Timestamp.truncated(now)
        func event(_ kind: LotEventKind) -> [LotEvent] { [LotEvent(seq: lastSeq + 1, at: at, by: by, kind: kind)] }
        switch command {
        case .add(let number, let kind, let product, let expires):
            let lot = number.trimmingCharacters(in: .whitespacesAndNewlines)
            let name = product.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !lot.isEmpty else { throw .lotNumberMissing }
            guard !name.isEmpty else { throw .productMissing }
            if let known = self.lot(lot) { throw .alreadyRegistered(lot: known.number, kind: known.kind) }
            return event(.added(lot: lot, kind: kind, product: name, expires: expires))
        case .open(let number):
            let lot = try known(number)
            switch lot.status {
            case .inStock: return event(.opened(lot: lot.number))
            case .open: throw .alreadyOpen(lot.number)
            case .finished, .withdrawn: throw .notUsable(lot: lot.number, status: lot.status.label)
            }
        case .finish(let number):
            let lot = try known(number)
            switch lot.status {
            case .inStock, .open: return event(.finished(lot: lot.number))
            case .finished, .withdrawn: throw .notUsable(lot: lot.number, status: lot.status.label)
            }
        case .withdraw(let number, let reason):
            let lot = try known(number)
            let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !why.isEmpty else { throw .reasonMissing }
            if case .withdrawn = lot.status { throw .alreadyWithdrawn(lot.number) }
            return event(.withdrawn(lot: lot.number, reason: why))
        }
    }

    private func known(_ number: String) throws(LotRefusal) -> Lot {
        let trimmed = number.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .lotNumberMissing }
        guard let lot = lot(trimmed) else { throw .unknownLot(trimmed) }
        return lot
    }

    /// Whether a lot may be used for `kind` on the session day `day`. A lot is usable through its
    /// expiry date and refused from the day after (docs/DECISIONS.md, issue 17).
    public func usability(of number: String, kind: LotKind, on day: ClinicDay) -> LotUsability {
        guard let lot = lot(number) else { return .unregistered }
        var problems: [LotProblem] = []
        if case .withdrawn(let reason) = lot.status { problems.append(.withdrawn(lot: lot.number, reason: reason)) }
        if let expires = lot.expires, day > expires { problems.append(.expired(lot: lot.number, on: expires)) }
        if lot.status == .finished { problems.append(.finished(lot: lot.number)) }
        if lot.kind != kind && kind != .other {
            problems.append(.otherKind(lot: lot.number, registered: lot.kind, wanted: [kind]))
        }
        return problems.isEmpty ? .usable(lot, opens: lot.status == .inStock) : .refused(problems)
    }

    /// The lots a form offers for `kind` on `day`: open ones first, then in stock; never withdrawn,
    /// finished or expired ones.
    public func offered(kind: LotKind, on day: ClinicDay) -> [Lot] { offered(kinds: [kind], on: day) }

    /// The lots a form offers for any of `kinds`: every open one first (the one in use is the first
    /// to finish), soonest expiry first, then those in stock by expiry; never withdrawn, finished or
    /// expired ones.
    public func offered(kinds: [LotKind], on day: ClinicDay) -> [Lot] {
        let candidates = all.filter { kinds.contains($0.kind) && !$0.isExpired(on: day) }.sorted(by: Lot.byExpiry)
        return candidates.filter { $0.status == .open } + candidates.filter { $0.status == .inStock }
    }

    /// Lots still in use (in stock or open) that expire within `days` days of `day` (or already
    /// have), soonest first; those whose expiry was never recorded come last (they need looking at too).
    public func expiring(within days: Int, on day: ClinicDay) -> [Lot] {
        let limit = day.adding(days: days)
        return all.filter { ($0.status == .inStock || $0.status == .open) && ($0.expires.map { $0 <= limit } ?? true) }
            .sorted(by: Lot.byExpiry)
    }
}
