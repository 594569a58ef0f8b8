import ChairsideCore
import Foundation

/// Recording a step that names a lot (issue 17): the register learns of the lot first (added or
/// opened), then the override of a refused lot and the step go into the session as one batch, so
/// the reason is never recorded without the step or the step without its reason.
enum LotRecording {
    static func record(_ command: SessionCommand, _ use: LotUse, _ m: inout AppModel, now: Date) throws(Refusal)
        -> [Effect]
    {
        guard let s = m.session else { return [] }
        var state = s.state
        var events: [SessionEvent] = []
        var commands: [SessionCommand] = []
        if let o = use.override { commands.append(.overrideLot(lot: o.lot, problem: o.problem, reason: o.reason)) }
        commands.append(command)
        for c in commands {
            let decided = try Decider.decide(c, state: state, context: s.context(m), now: now)
            for e in decided { state.record(e) }
            events += decided
        }
        m.session?.pendingRecord = .entry
        let by = s.state.start?.technician ?? m.config.technicians.first ?? "Technician"
        return use.register.map { Effect.recordLot($0, by: by) } + [.append(sessionID: s.state.id, events: events)]
    }
}
