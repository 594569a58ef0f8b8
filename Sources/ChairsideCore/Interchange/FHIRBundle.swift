import Foundation

/// One session as the FHIR export needs it: the record, the patient, and the patient's
/// session history (for the next-visit window in Procedure.followUp).
public struct FHIRSessionInput: Sendable {
    public var state: SessionState
    public var patient: Patient?
    public var history: [SessionRef]

    public init(state: SessionState, patient: Patient?, history: [SessionRef]) {
        self.state = state
        self.patient = patient
        self.history = history
    }
}

/// Sessions as a FHIR R4 Bundle of type `collection`: a Patient per patient, a Practitioner per
/// technician, a Location per room, a Procedure per session, an Observation per treated zone
/// for its needle depth, and the Medication and Device entries a Procedure used (with lots).
/// Pure: the export time comes in as a value. Every entry has a stable `urn:uuid:` fullUrl and
/// every reference points at one of them, so the bundle stands alone.
/// Voided events are left out entirely (the state is already folded without them, and notes
/// skip them); amendments and notes become Procedure.note.
public enum FHIRBundle {
    /// Our own code systems: there is no SNOMED CT concept for microneedling with PRP, and the
    /// zones are the clinic's own list. Documented in docs/DECISIONS.md (issue 19).
    public static let procedureSystem = "https://chairside.invalid/fhir/CodeSystem/procedure"
    public static let zoneSystem = "https://chairside.invalid/fhir/CodeSystem/zone"
    public static let observationSystem = "https://chairside.invalid/fhir/CodeSystem/observation"
    public static let patientIDSystem = "https://chairside.invalid/fhir/NamingSystem/patient-id"
    public static let chartNumberSystem = "https://chairside.invalid/fhir/NamingSystem/chart-number"
    public static let sessionIDSystem = "https://chairside.invalid/fhir/NamingSystem/session-id"
    public static let procedureCode = "microneedling-prp"
    public static let procedureDisplay = "Microneedling with platelet-rich plasma (PRP)"
    public static let ucum = "http://unitsofmeasure.org"

    public static func make(
        _ sessions: [FHIRSessionInput], config: ClinicConfig, generatedAt: Date,
        timeZone: TimeZone, lots: LotRegister = LotRegister()
    ) -> JSONValue {
        var builder = Builder(config: config, timeZone: timeZone, lots: lots)
        for input in sessions where input.state.start != nil { builder.add(input) }
        var bundle: [String: JSONValue] = [
            "resourceType": .string("Bundle"),
            "id": .string(StableUUID.make("bundle", Timestamp.format(generatedAt))),
            "type": .string("collection"),
            "timestamp": .string(Timestamp.format(generatedAt)),
        ]
        // FHIR JSON has no empty arrays: a range without sessions is a bundle without entries.
        if !builder.entries.isEmpty {
            bundle["entry"] = .array(
                builder.entries.map { .object(["fullUrl": .string($0.fullUrl), "resource": $0.resource]) })
        }
        return .object(bundle)
    }

    /// FHIR strings may not hold control characters; bidi overrides are shown, as everywhere else.
    static func text(_ s: String) -> JSONValue { .string(Visible.text(s)) }

    private struct Entry {
        var fullUrl: String
        var resource: JSONValue
    }

    private struct Builder {
        let config: ClinicConfig
        let timeZone: TimeZone
        /// The lot register: where a used lot is registered, its expiry date goes with it.
        let lots: LotRegister
        var entries: [Entry] = []
        var seen: Set<String> = []

        init(config: ClinicConfig, timeZone: TimeZone, lots: LotRegister) {
            self.config = config
            self.timeZone = timeZone
            self.lots = lots
        }

        var proto: ClinicProtocol { config.protocolSettings }

        /// Adds a resource once (by kind and key) and returns its reference.
        mutating func add(_ type: String, key: String, _ fields: () -> [String: JSONValue]) -> JSONValue {
            let id = StableUUID.make(type, key)
            let url = "urn:uuid:" + id
            if !seen.contains(url) {
                seen.insert(url)
                var resource = fields()
                resource["resourceType"] = .string(type)
                resource["id"] = .string(id)
                entries.append(Entry(fullUrl: url, resource: .object(resource)))
            }
            return .object(["reference": .string(url)])
        }

        mutating func add(_ input: FHIRSessionInput) {
            let state = input.state
            guard let start = state.start else { return }
            let patientRef = addPatient(id: start.patientID, name: start.patientName, record: input.patient)
            let practitioner = add("Practitioner", key: start.technician) {
                ["name": .array([.object(["text": FHIRBundle.text(start.technician)])])]
            }
            let location = add("Location", key: start.room) { ["name": FHIRBundle.text(start.room)] }
            let used = addUsed(state)
            let procedureKey = state.id
            let procedureURL = "urn:uuid:" + StableUUID.make("Procedure", procedureKey)
            // A session from paper records has zones (a depth where the chart gave one) but no passes.
            let zones = ZoneDepths.of(state.passes.map(\.pass)) + ZoneDepths.of(paper: state.paperZones)
            var procedure = procedureFields(
                input, subject: patientRef, performer: practitioner, location: location,
                used: used, zones: zones)
            procedure["resourceType"] = .string("Procedure")
            procedure["id"] = .string(StableUUID.make("Procedure", procedureKey))
            if !seen.contains(procedureURL) {
                seen.insert(procedureURL)
                entries.append(Entry(fullUrl: procedureURL, resource: .object(procedure)))
            }
            // A depth Observation only where a depth is known (a paper chart may list a zone without one).
            for zone in zones where zone.depthKnown {
                addDepthObservation(zone, state: state, subject: patientRef, procedure: procedureURL)
            }
        }

        mutating func addPatient(id: String, name: String, record: Patient?) -> JSONValue {
            add("Patient", key: id) {
                var identifiers: [JSONValue] = [
                    .object(["system": .string(FHIRBundle.patientIDSystem), "value": FHIRBundle.text(id)])
                ]
                if let chart = record?.chartNumber, !chart.isEmpty {
                    identifiers.append(
                        .object(["system": .string(FHIRBundle.chartNumberSystem), "value": FHIRBundle.text(chart)]))
                }
                var fields: [String: JSONValue] = [
                    "identifier": .array(identifiers),
                    "name": .array([.object(["text": FHIRBundle.text(record?.name ?? name)])]),
                ]
                if let born = record?.dateOfBirth { fields["birthDate"] = .string(born.description) }
                return fields
            }
        }

        /// The products and supplies a session used, each with its lot: blood collection tubes,
        /// the numbing agent, opened growth factors, post-care products. A lot in the register carries
        /// its expiry date (Device.expirationDate, Medication.batch.expirationDate); an unregistered
        /// lot, or one registered without a date, has none.
        mutating func addUsed(_ state: SessionState) -> [JSONValue] {
            var refs: [JSONValue] = []
            if let blood = state.blood {
                let expires = expiry(blood.lot)
                refs.append(
                    add("Device", key: "tube\u{0}" + blood.lot) {
                        var fields: [String: JSONValue] = [
                            "lotNumber": FHIRBundle.text(blood.lot),
                            "type": .object(["text": .string("PRP blood collection tube")]),
                            "status": .string("active"),
                        ]
                        if let expires { fields["expirationDate"] = expires }
                        return fields
                    })
            }
            if let numbing = state.numbing {
                refs.append(medication(numbing.agent, lot: numbing.lot))
            }
            if case .growthFactors(let product, let lot)? = state.prp?.kind {
                refs.append(medication(product, lot: lot))
            }
            for product in state.postCare { refs.append(medication(product.product, lot: product.lot)) }
            return refs
        }

        mutating func medication(_ name: String, lot: String) -> JSONValue {
            let expires = expiry(lot)
            return add("Medication", key: name + "\u{0}" + lot) {
                var batch: [String: JSONValue] = ["lotNumber": FHIRBundle.text(lot)]
                if let expires { batch["expirationDate"] = expires }
                return ["code": .object(["text": FHIRBundle.text(name)]), "batch": .object(batch)]
            }
        }

        /// The registered expiry date of a lot (a FHIR date, valid as dateTime), if any.
        func expiry(_ lot: String) -> JSONValue? {
            lots.lot(lot)?.expires.map { .string($0.description) }
        }

        func zoneConcept(_ id: String) -> JSONValue {
            let name = proto.zoneName(id)
            return .object([
                "coding": .array([
                    .object([
                        "system": .string(FHIRBundle.zoneSystem), "code": FHIRBundle.text(id),
                        "display": FHIRBundle.text(name),
                    ])
                ]),
                "text": FHIRBundle.text(name),
            ])
        }

        func procedureFields(
            _ input: FHIRSessionInput, subject: JSONValue, performer: JSONValue, location: JSONValue,
            used: [JSONValue], zones: [ZoneDepths]
        ) -> [String: JSONValue] {
            let state = input.state
            let start = state.start!
            var fields: [String: JSONValue] = [
                "identifier": .array([
                    .object(["system": .string(FHIRBundle.sessionIDSystem), "value": .string(state.id)])
                ]),
                // A journal whose end is unreadable may hold a completion or a void: FHIR's "unknown".
                "status": .string(state.endUnreadable ? "unknown" : Self.status(state.status)),
                "code": .object([
                    "coding": .array([
                        .object([
                            "system": .string(FHIRBundle.procedureSystem),
                            "code": .string(FHIRBundle.procedureCode),
                            "display": .string(FHIRBundle.procedureDisplay),
                        ])
                    ]),
                    "text": .string(FHIRBundle.procedureDisplay),
                ]),
                "subject": subject,
                "performer": .array([.object(["actor": performer])]),
                "location": location,
            ]
            var period: [String: JSONValue] = ["start": .string(Timestamp.format(start.at))]
            if let end = state.endedAt { period["end"] = .string(Timestamp.format(end)) }
            fields["performedPeriod"] = .object(period)
            var sites: [String] = []
            for zone in zones.map(\.zone) + state.paperZones.map(\.zone) where !sites.contains(zone) {
                sites.append(zone)
            }
            if !sites.isEmpty { fields["bodySite"] = .array(sites.map(zoneConcept)) }
            if !used.isEmpty { fields["usedReference"] = .array(used) }
            if let reason = state.abortReason { fields["statusReason"] = .object(["text": FHIRBundle.text(reason)]) }
            if !state.adverseEvents.isEmpty {
                fields["complication"] = .array(state.adverseEvents.map { .object(["text": FHIRBundle.text($0)]) })
            }
            var notes = Self.notes(state)
            // R4's Procedure has no "recorded" element: a late entry says when it was charted in a note.
            if state.isLateEntry, let written = state.events.first?.recordedAt {
                notes.insert(
                    .object([
                        "time": .string(Timestamp.format(written)),
                        "text": FHIRBundle.text(
                            "Late entry: charted after the fact at \(Timestamp.format(written)); "
                                + "the performed period is when it happened."),
                    ]), at: 0)
            }
            if !notes.isEmpty { fields["note"] = .array(notes) }
            if state.status == .completed {
                let series = SeriesPosition(
                    sessionID: state.id, startedAt: start.at, history: input.history,
                    settings: config.aftercare)
                let window = NextVisitWindow(
                    sessionDay: ClinicDay(start.at, timeZone: timeZone), series: series,
                    proto: proto, settings: config.aftercare)
                fields["followUp"] = .array([.object(["text": .string(window.clinicalText)])])
            }
            return fields
        }

        static func status(_ s: SessionStatus) -> String {
            switch s {
            case .notStarted: "preparation"
            case .inProgress: "in-progress"
            case .completed: "completed"
            case .aborted: "stopped"
            }
        }

        /// Notes, amendments, an override and warnings, each with its real time and author; voided
        /// events (and the voids themselves) are left out.
        static func notes(_ state: SessionState) -> [JSONValue] {
            // A line of the journal that could not be read: the receiver must know the record has a gap.
            var gaps = state.unreadable.map { u -> JSONValue in
                .object(["text": .string("Record incomplete: \(u.text)")])
            }
            // An edited, deleted or reordered line and an unreadable end are gaps a receiver must know too.
            gaps += state.chainBreaks.map { seq -> JSONValue in
                .object([
                    "text": .string(
                        "Record altered: the hash chain breaks before event #\(seq): "
                            + "a line before it was edited, deleted or reordered")
                ])
            }
            if let end = state.endUnreadableText {
                gaps.append(.object(["text": .string("Record incomplete: " + end)]))
            }
            return gaps
                + state.events.compactMap { e -> JSONValue? in
                    guard state.voided[e.seq] == nil else { return nil }
                    let text: String
                    switch e.kind {
                    case .note(let t): text = t
                    case .amended(let t, let ref):
                        // A reference to a voided event would point at something the bundle left out.
                        let target = ref.flatMap { state.voided[$0] == nil ? $0 : nil }
                        text = "Amendment" + (target.map { " to entry #\($0)" } ?? "") + ": " + t
                    case .overridden(let provider, let reason, let items):
                        text = "Screening override by \(provider) (\(items.joined(separator: ", "))): \(reason)"
                    case .warning(_, let message): text = "Warning: " + message
                    case .lotOverridden(let lot, let problem, let reason):
                        text = "Lot \(lot) used despite: \(problem) Reason: \(reason)"
                    case .continuedAfterUnreadableEnd(let after):
                        text = "Continued after an unreadable last line (last event read #\(after))"
                    default: return nil
                    }
                    return .object([
                        "authorString": FHIRBundle.text(e.by), "time": .string(Timestamp.format(e.at)),
                        "text": FHIRBundle.text(text),
                    ])
                }
        }

        mutating func addDepthObservation(
            _ zone: ZoneDepths, state: SessionState, subject: JSONValue, procedure: String
        ) {
            let passes = state.passes.filter { $0.pass.zone == zone.zone }
            let firstAt = passes.map(\.at).min() ?? state.start!.at
            let proto = self.proto
            let site = zoneConcept(zone.zone)
            _ = add("Observation", key: state.id + "\u{0}" + zone.zone) {
                let count =
                    zone.passes == 0
                    ? "from the paper record" : zone.passes == 1 ? "over 1 pass" : "over \(zone.passes) passes"
                return [
                    "status": .string(state.isClosed ? "final" : "preliminary"),
                    "code": .object([
                        "coding": .array([
                            .object([
                                "system": .string(FHIRBundle.observationSystem),
                                "code": .string("needle-depth"), "display": .string("Needle depth"),
                            ])
                        ]),
                        "text": .string("Needle depth"),
                    ]),
                    "subject": subject,
                    "partOf": .array([.object(["reference": .string(procedure)])]),
                    "effectiveDateTime": .string(Timestamp.format(firstAt)),
                    "bodySite": site,
                    // The deepest depth used in the zone is what decides downtime; the range is in the note.
                    "valueQuantity": .object([
                        "value": .number(zone.max), "unit": .string("mm"),
                        "system": .string(FHIRBundle.ucum), "code": .string("mm"),
                    ]),
                    "note": .array([
                        .object([
                            "text": .string(
                                "\(FHIRBundle.visibleName(proto, zone.zone)): "
                                    + "\(zone.range) mm \(count)")
                        ])
                    ]),
                ]
            }
        }
    }

    static func visibleName(_ proto: ClinicProtocol, _ zone: String) -> String { Visible.text(proto.zoneName(zone)) }
}
