import Foundation

/// One line of plain text per event, for the timeline, `chairside show` and exports.
/// Stored text is passed through `Visible.text` by whoever draws or prints the line.
public enum EventDescription {
    public static func line(_ kind: EventKind, proto: ClinicProtocol) -> String {
        func zones(_ ids: [String]) -> String { ids.map(proto.zoneName).joined(separator: ", ") }
        func ml(_ v: Double) -> String { String(format: "%.1f mL", v) }
        switch kind {
        case .started(_, let name, let tech, let room, let planned):
            return "Started: \(name) with \(tech) in \(room); planned \(zones(planned))"
        case .screeningRecorded(let answers):
            // A dated answer carries its date, so the record shows what the rule was decided from.
            let yes = answers.filter(\.present).map { a in
                (proto.contraindications.first { $0.id == a.item }?.label ?? a.item)
                    + (a.lastDate.map { " (\($0))" } ?? "")
            }
            return yes.isEmpty
                ? "Screening recorded: nothing to report" : "Screening recorded: " + yes.joined(separator: "; ")
        case .consentRecorded(let by): return "Consent signed by \(by)"
        case .overridden(let provider, let reason, let items):
            return "Override by \(provider) (\(items.joined(separator: ", "))): \(reason)"
        case .bloodDrawn(let v, let t, let lot):
            return "Blood drawn: \(ml(v)) in \(t) tube\(t == 1 ? "" : "s"), lot \(lot)"
        case .centrifugeStarted(let p): return "Centrifuge started: \(p.summary)"
        case .centrifugeStopped: return "Centrifuge stopped"
        case .prpPrepared(let v): return "PRP prepared: \(ml(v))"
        case .growthFactorsOpened(let product, let lot): return "Growth factors opened: \(product), lot \(lot)"
        case .numbingApplied(let agent, let lot, let z, let target):
            return "Numbing applied: \(agent), lot \(lot), on \(zones(z)); target \(target) min"
        case .numbingRemoved(let s): return "Numbing removed after \(Clock.mmss(s))"
        case .numbingSkipped(let reason): return "Numbing skipped: \(reason)"
        case .skinCleansed: return "Skin cleansed"
        case .passLogged(let p, let above):
            return
                "Pass: \(proto.zoneName(p.zone)) \(Depth.text(p.depth)) ×\(p.count) \(p.pattern.rawValue), \(p.endpoint.label)"
                + (above ? " (above protocol, confirmed)" : "")
        case .depthChanged(let zone, let from, let to, let above):
            let line = "Depth \(proto.zoneName(zone)): \(Depth.text(from)) → \(Depth.text(to))"
            let max = proto.zone(zone)?.maxDepth
            if DepthChangeRecord.confirmed(from: from, to: to, recorded: above, zoneMax: max) {
                return line + " (above the protocol maximum, confirmed)"
            }
            if let max, Depth.exceeds(to, max) { return line + " (still above the zone's protocol maximum)" }
            return line
        case .prpApplied(let zone, let v, let method):
            return "PRP applied: \(ml(v)) on \(zone.map(proto.zoneName) ?? "all zones"), \(method.label)"
        case .postCareApplied(let product, let lot): return "Post-care: \(product), lot \(lot)"
        case .aftercareGiven(let d): return "Aftercare: \(d.summary)"
        case .aftercareReissued(let d): return "Aftercare copy: \(d.summary)"
        case .note(let text): return "Note: \(text)"
        case .adverseEvent(let d): return "ADVERSE EVENT: \(d)"
        case .paused: return "Paused"
        case .resumed: return "Resumed"
        case .voided(let seq, let reason): return "Voided #\(seq): \(reason)"
        case .completed: return "Completed"
        case .aborted(let reason): return "Aborted: \(reason)"
        case .amended(let text, let ref): return "Amendment\(ref.map { " to #\($0)" } ?? ""): \(text)"
        case .warning(_, let message): return "Warning: \(message)"
        case .paperRecord(let list, let source):
            let treated = list.map { z in
                proto.zoneName(z.zone) + " " + (z.depth.map(Depth.text) ?? "(depth not on the chart)")
            }
            return "From paper records (\(source)): " + treated.joined(separator: ", ")
        case .needleCartridgeRecorded(let c): return "Needle cartridge: \(c.summary)"
        case .lotOverridden(let lot, let problem, let reason):
            return "Lot \(lot) used despite: \(problem) Reason: \(reason)"
        case .continuedAfterUnreadableEnd(let after):
            return "Continued after an unreadable last line (the last event read was #\(after)): "
                + "an earlier completion or void may be in the unreadable part"
        }
    }
}

extension EventDescription {
    /// "late entry, written 2026-11-21 15:40" for an event charted after the fact; nil otherwise.
    public static func lateNote(_ event: SessionEvent, timeZone: TimeZone) -> String? {
        guard let written = event.recordedAt else { return nil }
        return
            "late entry, written \(ClinicDay(written, timeZone: timeZone)) \(Clock.hhmm(written, timeZone: timeZone))"
    }
}
