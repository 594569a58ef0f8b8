import ChairsideCore
import Foundation
import PropertyBased
import TestSupport
import Testing

/// Property-based tests of the decider (issue 6, point 4): long random command sequences, most of
/// them refused, some nonsense. Whatever the sequence: no crash, and the invariants below hold
/// after every step. A failure prints the shrunk sequence and the seed to replay it.
@Suite struct DeciderPropertyTests {
    /// Each number picks a command and its values, so shrinking the list shrinks the session.
    static let sequences = Gen.int(in: 0...Int(Int32.max)).array(of: 50...400)

    @Test func randomSessionsKeepTheJournalsInvariants() async {
        // How far the random sessions got, so a generator that never reaches needling or
        // completion (and so tests nothing there) fails instead of passing quietly.
        var reached: [String: Int] = [:]
        await propertyCheck(count: 300, input: Self.sequences) { picks in
            var state = SessionState(id: "20261121-090000-beef")
            var clock = Fixture.t0
            var completedSummary: SessionSummary?
            for pick in picks {
                var rng = SplitMix(pick)
                clock = clock.addingTimeInterval(Double(rng.next(600)))
                let command = Self.command(&rng, state: state)
                guard let events = try? Decider.decide(command, state: state, context: Fixture.context(), now: clock)
                else { continue }
                let before = state
                state = events.reduce(state) { $0.evolve($1) }
                Self.check(events: events, before: before, after: state, completed: completedSummary)
                if state.status == .completed && completedSummary == nil {
                    completedSummary = SessionSummary(state: state, journalBytes: 0)
                }
                for e in events { reached[Self.kindName(e.kind), default: 0] += 1 }
            }
        }
        print(
            "decider property run, events by kind: "
                + reached.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for kind in [
            "passLogged", "voided", "prpApplied", "completed", "amended", "aborted", "depthChanged", "warning",
        ] {
            #expect(reached[kind, default: 0] > 0, "no random session ever reached \(kind)")
        }
    }

    static func kindName(_ kind: EventKind) -> String {
        String(String(describing: kind).prefix { $0 != "(" })
    }

    static func check(events: [SessionEvent], before: SessionState, after: SessionState, completed: SessionSummary?) {
        // Sequence numbers follow the journal, strictly increasing by one.
        var expected = (before.events.last?.seq ?? 0) + 1
        for e in events {
            #expect(e.seq == expected)
            expected += 1
        }
        // Voided events never count: passes and PRP are what was logged less what was voided.
        let voided = Set(
            after.events.compactMap { e -> Int? in if case .voided(let seq, _) = e.kind { seq } else { nil } })
        let passes = after.events.filter { e in if case .passLogged = e.kind { !voided.contains(e.seq) } else { false }
        }
        #expect(after.passes.count == passes.count)
        let prp = after.events.reduce(0.0) { sum, e in
            if case .prpApplied(_, let ml, _) = e.kind, !voided.contains(e.seq) { sum + ml } else { sum }
        }
        #expect(abs(after.totalPRPAppliedML - prp) < 1e-9)
        // Depth never above the device maximum, confirmed or not.
        for e in events {
            if case .passLogged(let pass, _) = e.kind { #expect(pass.depth <= Fixture.proto.deviceMaxDepth + 1e-9) }
            if case .depthChanged(_, _, let to, _) = e.kind { #expect(to <= Fixture.proto.deviceMaxDepth + 1e-9) }
        }
        // A completed session changes only by amendment (and records of reprinted aftercare):
        // its clinical summary stays as it was at completion.
        if let completed {
            for e in events {
                switch e.kind {
                case .amended, .aftercareReissued: break
                default: Issue.record("a completed session grew by \(e.kind)")
                }
            }
            if var now = SessionSummary(state: after, journalBytes: 0) {
                now.amendments = completed.amendments
                now.lastSeq = completed.lastSeq
                now.aftercare = completed.aftercare
                #expect(now == completed)
            }
        }
    }

    static let zones = ["forehead", "cheeks", "chin", "nose", "no-such-zone", ""]
    static let texts = [
        "", "  ", "ok", "Patient comfortable", "\u{1B}[2J\u{202E}", String(repeating: "x", count: 3000),
    ]

    /// Any command, with values from sensible to absurd (negative, zero, huge, NaN, unknown).
    static func command(_ rng: inout SplitMix, state: SessionState) -> SessionCommand {
        // Mostly sensible values, so sessions get far; one in four is absurd.
        func number(_ rng: inout SplitMix) -> Double {
            rng.next(4) == 0
                ? [0, -1, 2.5, 3.0, 1e9, .nan, .infinity][Int(rng.next(7))]
                : [0.25, 0.5, 1.0, 1.5, 2.0, 4][Int(rng.next(6))]
        }
        let zone = zones[Int(rng.next(UInt64(zones.count)))]
        let text = texts[Int(rng.next(UInt64(texts.count)))]
        let lastSeq = state.events.last?.seq ?? 0
        switch rng.next(24) {
        case 0:
            return .start(
                patient: Fixture.patient(), technician: "Alex Rivera", room: "Room 1",
                plannedZones: rng.next(5) == 0 ? [] : ["forehead", "cheeks"])
        case 1:
            return .recordScreening(
                answers: Fixture.noScreeningFlags().map { a in
                    var a = a
                    a.present = rng.next(60) == 0
                    return a
                })
        case 2: return .recordConsent(signedBy: text)
        case 3: return .override(provider: text, reason: text)
        case 4: return .drawBlood(volumeML: number(&rng), tubes: Int(rng.next(5)) - 1, lot: text)
        case 5:
            return .startCentrifuge(
                CentrifugeProgram(
                    unit: .g, value: [0, -5, 1500, 1500, 1500, Int.max][Int(rng.next(6))], minutes: Int(rng.next(20))))
        case 6: return .stopCentrifuge
        case 7: return .preparePRP(volumeML: number(&rng))
        case 8: return .applyNumbing(agent: text, lot: "N-1", zones: [zone], dwellTargetMinutes: Int(rng.next(90)) - 5)
        case 9: return .removeNumbing
        case 10: return .skipNumbing(reason: text)
        case 11: return .cleanseSkin
        case 12, 13, 14:
            let pass = Pass(
                zone: zone, depth: number(&rng), count: Int(rng.next(6)), pattern: .horizontal, endpoint: .erythema)
            return .logPass(pass, confirmAboveProtocol: rng.next(2) == 0)
        case 15: return .changeDepth(zone: zone, to: number(&rng), confirmAboveProtocol: rng.next(2) == 0)
        case 16: return .applyPRP(zone: rng.next(2) == 0 ? nil : zone, volumeML: number(&rng), method: .after)
        case 17: return .applyPostCare(product: text, lot: "L-1")
        case 18: return .recordAftercare(rng.next(2) == 0 ? .handedPrePrinted : .declined(reason: text))
        case 19: return .void(seq: Int(rng.next(UInt64(lastSeq + 3))), reason: text)
        case 20: return [.pause, .resume, .note(text), .adverseEvent(text)][Int(rng.next(4))]
        case 21: return rng.next(12) == 0 ? .abort(reason: text) : .complete
        case 22: return .amend(text: text, refersTo: rng.next(2) == 0 ? nil : Int(rng.next(UInt64(lastSeq + 3))))
        default: return .reissueAftercare(.printed(printer: "front-desk", jobID: "front-desk-\(rng.next(99))"))
        }
    }
}

/// SplitMix64 from one picked number: the command and all its values come from it.
struct SplitMix {
    var state: UInt64
    init(_ seed: Int) { state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next(_ bound: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % max(1, bound)
    }
}
