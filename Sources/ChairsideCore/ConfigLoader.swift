import Foundation

/// A config problem that names the file, the line and the key, and says what to do.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String?
    public var message: String

    public init(file: String, line: Int, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = key.map { "\(file):\(line): \($0): " } ?? "\(file):\(line): "
        return place + message
    }
}

/// Turns the text of `config.toml` into a complete `ClinicConfig`, or refuses with a
/// `ConfigError`. Missing keys take the built-in defaults; unknown keys are errors,
/// because a misspelt setting silently ignored is a protocol nobody meant.
public enum ConfigLoader {
    public static func load(text: String, file: String) throws(ConfigError) -> ClinicConfig {
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: text)
        } catch let error as TOMLDocument.ParseError {
            throw ConfigError(file: file, line: error.line, key: nil, message: error.message)
        } catch {
            throw ConfigError(file: file, line: 0, key: nil, message: "\(error)")
        }
        let reader = Reader(file: file)
        do {
            return try reader.config(document.root)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(file: file, line: 0, key: nil, message: "\(error)")
        }
    }

    private struct Reader {
        let file: String

        func fail(_ line: Int, _ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: line, key: key, message: message)
        }

        func config(_ root: TOMLDocument.Table) throws -> ClinicConfig {
            var config = ClinicConfig.standard
            try rejectUnknown(
                root, values: [], tables: ["clinic", "protocol", "aftercare", "replica", "lots"], arrays: [], prefix: ""
            )
            if let clinic = root.table("clinic") {
                try rejectUnknown(
                    clinic,
                    values: [
                        "name", "phone", "technicians", "rooms", "printer", "theme", "privacy_after_min", "time_zone",
                    ],
                    tables: [], arrays: [], prefix: "clinic.")
                config.clinicName = try string(clinic, "name", prefix: "clinic.") ?? config.clinicName
                config.clinicPhone = try string(clinic, "phone", prefix: "clinic.") ?? config.clinicPhone
                config.technicians = try strings(clinic, "technicians", prefix: "clinic.") ?? config.technicians
                config.rooms = try strings(clinic, "rooms", prefix: "clinic.") ?? config.rooms
                config.printer = try string(clinic, "printer", prefix: "clinic.") ?? config.printer
                config.theme = try string(clinic, "theme", prefix: "clinic.") ?? config.theme
                config.privacyAfterMinutes =
                    try integer(clinic, "privacy_after_min", prefix: "clinic.", range: 0...240)
                    ?? config.privacyAfterMinutes
                if let zone = try string(clinic, "time_zone", prefix: "clinic.") {
                    guard TimeZone(identifier: zone) != nil else {
                        throw fail(
                            line(clinic, "time_zone"), "clinic.time_zone",
                            "\"\(Visible.text(zone))\" is not a time zone; use a name like \"Europe/London\" or"
                                + " \"America/New_York\" (see /usr/share/zoneinfo), or remove it for the machine's zone"
                        )
                    }
                    config.timeZoneID = zone
                }
            }
            if let proto = root.table("protocol") {
                config.protocolSettings = try protocolSettings(proto)
            }
            if let aftercare = root.table("aftercare") {
                config.aftercare = try aftercareSettings(aftercare, protocolSettings: config.protocolSettings)
            }
            if let replica = root.table("replica") {
                config.replica = try replicaSettings(replica)
            }
            if let lots = root.table("lots") {
                try rejectUnknown(lots, values: ["expiry_warning_days"], tables: [], arrays: [], prefix: "lots.")
                config.lotExpiryWarningDays =
                    try integer(lots, "expiry_warning_days", prefix: "lots.", range: 0...365)
                    ?? config.lotExpiryWarningDays
            }
            return config
        }

        func replicaSettings(_ t: TOMLDocument.Table) throws -> ReplicaSettings {
            try rejectUnknown(t, values: ["url", "password_file"], tables: [], arrays: [], prefix: "replica.")
            let url = try required(try string(t, "url", prefix: "replica."), t, "replica.url")
            switch ReplicaSettings.parse(url: url) {
            case .failure(let error): throw fail(line(t, "url"), "replica.url", error.description)
            case .success(var settings):
                settings.passwordFile = try string(t, "password_file", prefix: "replica.")
                return settings
            }
        }

        func protocolSettings(_ t: TOMLDocument.Table) throws -> ClinicProtocol {
            var p = ClinicProtocol.standard
            let pre = "protocol."
            try rejectUnknown(
                t,
                values: [
                    "depth_step_mm", "device_max_depth_mm", "numbing_dwell_target_min", "numbing_dwell_max_min",
                    "prp_age_limit_min", "min_interval_days", "require_prp_applied", "require_post_care",
                    "warn_short_spin",
                ],
                tables: [], arrays: ["zone", "contraindication"], prefix: pre)
            p.depthStep = try number(t, "depth_step_mm", prefix: pre, range: 0.01...1.0) ?? p.depthStep
            p.deviceMaxDepth = try number(t, "device_max_depth_mm", prefix: pre, range: 0.1...5.0) ?? p.deviceMaxDepth
            p.numbingDwellTargetMinutes =
                try integer(t, "numbing_dwell_target_min", prefix: pre, range: 1...180) ?? p.numbingDwellTargetMinutes
            p.numbingDwellMaxMinutes =
                try integer(t, "numbing_dwell_max_min", prefix: pre, range: 1...240) ?? p.numbingDwellMaxMinutes
            p.prpAgeLimitMinutes =
                try integer(t, "prp_age_limit_min", prefix: pre, range: 1...1440) ?? p.prpAgeLimitMinutes
            p.minimumIntervalDays =
                try integer(t, "min_interval_days", prefix: pre, range: 0...365) ?? p.minimumIntervalDays
            p.completionNeedsPRPApplied = try bool(t, "require_prp_applied", prefix: pre) ?? p.completionNeedsPRPApplied
            p.completionNeedsPostCare = try bool(t, "require_post_care", prefix: pre) ?? p.completionNeedsPostCare
            p.warnShortSpin = try bool(t, "warn_short_spin", prefix: pre) ?? p.warnShortSpin
            if p.numbingDwellMaxMinutes < p.numbingDwellTargetMinutes {
                let line = t.values.first { $0.key == "numbing_dwell_max_min" }?.line ?? t.line
                throw fail(
                    line, pre + "numbing_dwell_max_min",
                    "must be at least numbing_dwell_target_min (\(p.numbingDwellTargetMinutes))")
            }
            if let zones = t.array("zone") {
                p.zones = try zones.map { try zone($0, protocolSettings: p) }
                var seen = Set<String>()
                for (z, table) in zip(p.zones, zones) where !seen.insert(z.id).inserted {
                    throw fail(table.line, pre + "zone.id", "zone id \"\(z.id)\" is used twice")
                }
                if p.zones.isEmpty { throw fail(t.line, pre + "zone", "at least one zone is needed") }
            } else if let over = p.zones.first(where: { $0.maxDepth > p.deviceMaxDepth }) {
                let line = t.values.first { $0.key == "device_max_depth_mm" }?.line ?? t.line
                throw fail(
                    line, pre + "device_max_depth_mm",
                    "is below the built-in maximum for \(over.name) (\(over.maxDepth) mm); raise it or list your own [[protocol.zone]] entries"
                )
            }
            if let items = t.array("contraindication") {
                p.contraindications = try items.map(contraindication)
            }
            return p
        }

        func aftercareSettings(_ t: TOMLDocument.Table, protocolSettings p: ClinicProtocol) throws -> AftercareSettings
        {
            var a = AftercareSettings.standard
            let pre = "aftercare."
            try rejectUnknown(
                t,
                values: [
                    "paper", "makeup_free_hours", "sun_avoid_days", "exercise_free_hours", "actives_after_days",
                    "toner_free_days", "next_visit_max_days", "series_min", "series_max", "series_gap_days",
                    "maintenance_min_days", "maintenance_max_days", "rest_hours",
                ],
                tables: [], arrays: ["downtime"], prefix: pre)
            if let paper = try string(t, "paper", prefix: pre) {
                guard let value = Paper(rawValue: paper.lowercased()) else {
                    throw fail(line(t, "paper"), pre + "paper", "must be \"a4\" or \"letter\", not \"\(paper)\"")
                }
                a.paper = value
            }
            a.makeupFreeHours = try integer(t, "makeup_free_hours", prefix: pre, range: 0...168) ?? a.makeupFreeHours
            a.sunAvoidDays = try integer(t, "sun_avoid_days", prefix: pre, range: 0...60) ?? a.sunAvoidDays
            a.exerciseFreeHours =
                try integer(t, "exercise_free_hours", prefix: pre, range: 0...168) ?? a.exerciseFreeHours
            a.restHours = try integer(t, "rest_hours", prefix: pre, range: 0...168) ?? a.restHours
            a.activesAfterDays = try integer(t, "actives_after_days", prefix: pre, range: 0...60) ?? a.activesAfterDays
            a.tonerFreeDays = try integer(t, "toner_free_days", prefix: pre, range: 0...60) ?? a.tonerFreeDays
            a.nextVisitMaxDays =
                try integer(t, "next_visit_max_days", prefix: pre, range: 1...365) ?? a.nextVisitMaxDays
            a.seriesMin = try integer(t, "series_min", prefix: pre, range: 1...20) ?? a.seriesMin
            a.seriesMax = try integer(t, "series_max", prefix: pre, range: 1...20) ?? a.seriesMax
            a.seriesGapDays = try integer(t, "series_gap_days", prefix: pre, range: 1...3650) ?? a.seriesGapDays
            a.maintenanceMinDays =
                try integer(t, "maintenance_min_days", prefix: pre, range: 1...730) ?? a.maintenanceMinDays
            a.maintenanceMaxDays =
                try integer(t, "maintenance_max_days", prefix: pre, range: 1...730) ?? a.maintenanceMaxDays
            if a.seriesMax < a.seriesMin {
                throw fail(line(t, "series_max"), pre + "series_max", "must be at least series_min (\(a.seriesMin))")
            }
            if a.nextVisitMaxDays < p.minimumIntervalDays {
                throw fail(
                    line(t, "next_visit_max_days"), pre + "next_visit_max_days",
                    "must be at least protocol.min_interval_days (\(p.minimumIntervalDays))")
            }
            if a.maintenanceMaxDays < a.maintenanceMinDays {
                throw fail(
                    line(t, "maintenance_max_days"), pre + "maintenance_max_days",
                    "must be at least maintenance_min_days (\(a.maintenanceMinDays))")
            }
            if let bands = t.array("downtime") {
                a.downtime = try bands.map(downtimeBand)
                if bands.isEmpty { throw fail(t.line, pre + "downtime", "at least one band is needed") }
                for (band, table) in zip(a.downtime.dropFirst(), bands.dropFirst()) {
                    let previous = a.downtime[a.downtime.firstIndex(of: band)! - 1]
                    if band.upToDepth <= previous.upToDepth {
                        throw fail(
                            self.line(table, "up_to_mm"), pre + "downtime.up_to_mm", "list the bands shallowest first")
                    }
                }
            }
            return a
        }

        func downtimeBand(_ t: TOMLDocument.Table) throws -> DowntimeBand {
            let pre = "aftercare.downtime."
            try rejectUnknown(t, values: ["up_to_mm", "min_days", "max_days"], tables: [], arrays: [], prefix: pre)
            let depth = try required(number(t, "up_to_mm", prefix: pre, range: 0.01...5.0), t, pre + "up_to_mm")
            let lo = try required(integer(t, "min_days", prefix: pre, range: 0...60), t, pre + "min_days")
            let hi = try required(integer(t, "max_days", prefix: pre, range: 0...60), t, pre + "max_days")
            if hi < lo { throw fail(line(t, "max_days"), pre + "max_days", "must be at least min_days (\(lo))") }
            return DowntimeBand(upToDepth: depth, minDays: lo, maxDays: hi)
        }

        func zone(_ t: TOMLDocument.Table, protocolSettings p: ClinicProtocol) throws -> ZoneSetting {
            let pre = "protocol.zone."
            try rejectUnknown(
                t, values: ["id", "name", "default_depth_mm", "max_depth_mm"], tables: [], arrays: [], prefix: pre)
            let id = try required(string(t, "id", prefix: pre), t, pre + "id")
            guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw fail(line(t, "id"), pre + "id", "use letters, digits, - or _ only")
            }
            let name = try string(t, "name", prefix: pre) ?? id
            let def = try required(
                number(t, "default_depth_mm", prefix: pre, range: 0.01...5.0), t, pre + "default_depth_mm")
            let max = try required(number(t, "max_depth_mm", prefix: pre, range: 0.01...5.0), t, pre + "max_depth_mm")
            if def > max {
                throw fail(
                    line(t, "default_depth_mm"), pre + "default_depth_mm",
                    "is deeper than max_depth_mm (\(max)) for zone \(id)")
            }
            if max > p.deviceMaxDepth {
                throw fail(
                    line(t, "max_depth_mm"), pre + "max_depth_mm",
                    "is deeper than the device maximum (\(p.deviceMaxDepth) mm)")
            }
            return ZoneSetting(id: id, name: name, defaultDepth: def, maxDepth: max)
        }

        func contraindication(_ t: TOMLDocument.Table) throws -> Contraindication {
            let pre = "protocol.contraindication."
            try rejectUnknown(
                t, values: ["id", "label", "severity", "within_days"], tables: [], arrays: [], prefix: pre)
            let id = try required(string(t, "id", prefix: pre), t, pre + "id")
            let label = try string(t, "label", prefix: pre) ?? id
            let severityText = try string(t, "severity", prefix: pre) ?? "block"
            guard let severity = Severity(rawValue: severityText) else {
                throw fail(
                    line(t, "severity"), pre + "severity", "must be \"block\" or \"warn\", not \"\(severityText)\"")
            }
            let within = try integer(t, "within_days", prefix: pre, range: 1...3650)
            return Contraindication(id: id, label: label, severity: severity, withinDays: within)
        }

        func line(_ t: TOMLDocument.Table, _ key: String) -> Int { t.values.first { $0.key == key }?.line ?? t.line }

        func required<T>(_ value: T?, _ t: TOMLDocument.Table, _ key: String) throws -> T {
            guard let value else { throw fail(t.line, key, "is required here") }
            return value
        }

        func rejectUnknown(
            _ t: TOMLDocument.Table, values: Set<String>, tables: Set<String>, arrays: Set<String>, prefix: String
        ) throws {
            for v in t.values where !values.contains(v.key) {
                throw fail(
                    v.line, prefix + v.key, "is not a setting Chairside knows; check the spelling against the README")
            }
            for tb in t.tables where !tables.contains(tb.key) {
                throw fail(tb.table.line, prefix + tb.key, "is not a section Chairside knows")
            }
            for a in t.arrays where !arrays.contains(a.key) {
                throw fail(a.tables.first?.line ?? t.line, prefix + a.key, "is not a list Chairside knows")
            }
        }

        func entry(_ t: TOMLDocument.Table, _ key: String) -> (value: TOMLDocument.Value, line: Int)? {
            t.values.first { $0.key == key }.map { ($0.value, $0.line) }
        }

        func string(_ t: TOMLDocument.Table, _ key: String, prefix: String) throws -> String? {
            guard let (value, line) = entry(t, key) else { return nil }
            guard case .string(let s) = value else {
                throw fail(line, prefix + key, "must be text in quotes, not \(value.typeName)")
            }
            return s
        }

        func strings(_ t: TOMLDocument.Table, _ key: String, prefix: String) throws -> [String]? {
            guard let (value, line) = entry(t, key) else { return nil }
            guard case .array(let items) = value else {
                throw fail(line, prefix + key, "must be a list of text, like [\"A\", \"B\"]")
            }
            let texts: [String] = try items.map {
                guard case .string(let s) = $0, !s.isEmpty else {
                    throw fail(line, prefix + key, "must hold only non-empty text")
                }
                return s
            }
            guard !texts.isEmpty else { throw fail(line, prefix + key, "needs at least one entry") }
            return texts
        }

        func number(_ t: TOMLDocument.Table, _ key: String, prefix: String, range: ClosedRange<Double>) throws
            -> Double?
        {
            guard let (value, line) = entry(t, key) else { return nil }
            let d: Double
            switch value {
            case .integer(let i): d = Double(i)
            case .float(let f): d = f
            default: throw fail(line, prefix + key, "must be a number, not \(value.typeName)")
            }
            guard range.contains(d) else {
                throw fail(line, prefix + key, "must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return d
        }

        func bool(_ t: TOMLDocument.Table, _ key: String, prefix: String) throws -> Bool? {
            guard let (value, line) = entry(t, key) else { return nil }
            guard case .bool(let b) = value else {
                throw fail(line, prefix + key, "must be true or false, not \(value.typeName)")
            }
            return b
        }

        func integer(_ t: TOMLDocument.Table, _ key: String, prefix: String, range: ClosedRange<Int>) throws -> Int? {
            guard let (value, line) = entry(t, key) else { return nil }
            guard case .integer(let i) = value else {
                throw fail(line, prefix + key, "must be a whole number, not \(value.typeName)")
            }
            guard range.contains(i) else {
                throw fail(line, prefix + key, "must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return i
        }
    }
}
