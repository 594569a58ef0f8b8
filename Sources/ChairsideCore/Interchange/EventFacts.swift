/// An event's type name and facts in the published JSON's words (snake_case), independent of
/// how the journal encodes it, so the store's format can change without breaking readers.
enum EventFacts {
    typealias Facts = (type: String, details: [String: JSONValue])

    static func zones(_ ids: [String]) -> JSONValue { .array(ids.map(JSONValue.string)) }

    static func delivery(_ d: AftercareDelivery) -> [String: JSONValue] {
        var out: [String: JSONValue] = ["delivery": .string(d.kindLabel)]
        switch d {
        case .printed(let printer, let job):
            out["printer"] = .string(printer)
            out["job_id"] = .string(job)
        case .saved(let file): out["file"] = .string(file)
        case .handedPrePrinted: break
        case .declined(let reason): out["reason"] = .string(reason)
        }
        return out
    }

    static func of(_ kind: EventKind) -> Facts {
        switch kind {
        case .started(let patientID, let name, let technician, let room, let planned):
            return (
                "started",
                [
                    "patient_id": .string(patientID), "patient_name": .string(name),
                    "technician": .string(technician), "room": .string(room), "planned_zones": zones(planned),
                ]
            )
        case .screeningRecorded(let answers):
            return (
                "screening_recorded",
                [
                    "answers": .array(
                        answers.map { a in
                            .object([
                                "item": .string(a.item), "present": .bool(a.present),
                                "last_date": .optional(a.lastDate?.description),
                            ])
                        })
                ]
            )
        case .consentRecorded(let by): return ("consent_recorded", ["signed_by": .string(by)])
        case .overridden(let provider, let reason, let items):
            return ("overridden", ["provider": .string(provider), "reason": .string(reason), "items": zones(items)])
        case .bloodDrawn(let volume, let tubes, let lot):
            return ("blood_drawn", ["volume_ml": .number(volume), "tubes": .integer(tubes), "lot": .string(lot)])
        case .centrifugeStarted(let p):
            return (
                "centrifuge_started",
                [
                    "unit": .string(p.unit.rawValue), "value": .integer(p.value),
                    "minutes": .integer(p.minutes),
                ]
            )
        case .centrifugeStopped: return ("centrifuge_stopped", [:])
        case .prpPrepared(let volume): return ("prp_prepared", ["volume_ml": .number(volume)])
        case .growthFactorsOpened(let product, let lot):
            return ("growth_factors_opened", ["product": .string(product), "lot": .string(lot)])
        case .numbingApplied(let agent, let lot, let z, let target):
            return (
                "numbing_applied",
                [
                    "agent": .string(agent), "lot": .string(lot), "zones": zones(z),
                    "dwell_target_min": .integer(target),
                ]
            )
        case .numbingRemoved(let seconds): return ("numbing_removed", ["dwell_seconds": .integer(seconds)])
        case .numbingSkipped(let reason): return ("numbing_skipped", ["reason": .string(reason)])
        case .skinCleansed: return ("skin_cleansed", [:])
        case .passLogged(let pass, let above):
            return (
                "pass_logged",
                [
                    "zone": .string(pass.zone), "depth_mm": .number(pass.depth), "count": .integer(pass.count),
                    "pattern": .string(pass.pattern.rawValue), "endpoint": .string(pass.endpoint.rawValue),
                    "above_protocol_confirmed": .bool(above),
                ]
            )
        case .depthChanged(let zone, let from, let to, let above):
            return (
                "depth_changed",
                [
                    "zone": .string(zone), "from_mm": .number(from), "to_mm": .number(to),
                    "above_protocol_confirmed": .bool(
                        DepthChangeRecord.confirmed(from: from, to: to, recorded: above, zoneMax: nil)),
                ]
            )
        case .prpApplied(let zone, let volume, let method):
            return (
                "prp_applied",
                ["zone": .optional(zone), "volume_ml": .number(volume), "method": .string(method.rawValue)]
            )
        case .postCareApplied(let product, let lot):
            return ("post_care_applied", ["product": .string(product), "lot": .string(lot)])
        case .aftercareGiven(let d): return ("aftercare_given", delivery(d))
        case .aftercareReissued(let d): return ("aftercare_reissued", delivery(d))
        case .note(let text): return ("note", ["text": .string(text)])
        case .adverseEvent(let description): return ("adverse_event", ["description": .string(description)])
        case .paused: return ("paused", [:])
        case .resumed: return ("resumed", [:])
        case .voided(let seq, let reason): return ("voided", ["voided_seq": .integer(seq), "reason": .string(reason)])
        case .completed: return ("completed", [:])
        case .aborted(let reason): return ("aborted", ["reason": .string(reason)])
        case .amended(let text, let ref):
            return ("amended", ["text": .string(text), "refers_to_seq": ref.map(JSONValue.integer) ?? .null])
        case .warning(let code, let message): return ("warning", ["code": .string(code), "message": .string(message)])
        case .paperRecord(let zones, let source):
            let list = zones.map { z -> JSONValue in
                .object(["zone": .string(z.zone), "depth_mm": z.depth.map(JSONValue.number) ?? .null])
            }
            return ("paper_record", ["zones": .array(list), "source": .string(source)])
        case .needleCartridgeRecorded(let c):
            return (
                "needle_cartridge_recorded",
                [
                    "lot": .string(c.lot), "configuration": .string(c.configuration),
                    "needle_length_mm": .number(c.needleLengthMM),
                    "punctures_per_second": c.puncturesPerSecond.map(JSONValue.integer) ?? .null,
                ]
            )
        case .lotOverridden(let lot, let problem, let reason):
            return ("lot_overridden", ["lot": .string(lot), "problem": .string(problem), "reason": .string(reason)])
        case .continuedAfterUnreadableEnd(let after):
            return ("continued_after_unreadable_end", ["after_seq": .integer(after)])
        }
    }
}
