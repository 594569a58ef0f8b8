import ChairsideCore
import Foundation

/// The session console: header with live timers, step strip, the current panel, the timeline.
enum SessionView {
    static func draw(_ m: AppModel, now: Date, in area: Rect, into c: inout Canvas) {
        guard let s = m.session, let start = s.state.start else { return }
        let (x0, y0) = (area.x + 1, area.y)
        let proto = m.config.protocolSettings
        let st = s.state
        let who = [
            Visible.text(start.patientName), s.patient.map { Visible.text($0.chartNumber) }, Visible.text(start.room),
            Visible.text(start.technician),
        ]
        .compactMap { $0 }.joined(separator: " · ")
        // The session's date too when it is not today (the wall clock of the last key), or a charting
        // days later would read as today's.
        let late =
            s.stepTime.map { at in
                let day = ClinicDay(at, timeZone: m.timeZone)
                let date = day == ClinicDay(m.lastKeyAt, timeZone: m.timeZone) ? "" : "\(day) "
                return "LATE ENTRY · next step \(date)\(Clock.hhmm(at, timeZone: m.timeZone)) (W) · "
            } ?? ""
        AppView.header(
            who,
            right: late + "Total \(st.uncountedStretches.isEmpty ? "" : "≥")\(Clock.mmss(st.elapsedSeconds(now: now)))",
            in: area, into: &c)
        if s.detail {
            SessionDetailView.draw(m, s, now: now, in: area, into: &c)
            return
        }
        drawTimers(st, proto: proto, now: now, x: x0, y: y0 + 1, into: &c)
        if let replica = m.replica, area.width >= 110 {
            // The replica's state sits at the right of the timers line, out of their way (Today shows it
            // at any width).
            c.put(replica, x: area.x + area.width - DisplayWidth.of(replica) - 1, y: y0 + 1, role: .muted)
        }
        drawStrip(s, proto: proto, today: ClinicDay(now, timeZone: m.timeZone), x: x0, y: y0 + 2, into: &c)
        c.hline(y: y0 + 3, x: area.x, width: area.width)
        let panelWidth = area.width >= 120 ? 60 : 44
        let top = y0 + 4
        let bottom = area.maxY
        for y in top...bottom { c.put("│", x: area.x + panelWidth, y: y, role: .border) }
        var panel = PanelWriter(x: x0, y: top, width: panelWidth - 2, maxY: bottom)
        drawPanel(m, s, proto: proto, now: now, into: &c, &panel)
        drawTimeline(
            st, proto: proto, timeZone: m.timeZone, back: s.timelineBack,
            x: area.x + panelWidth + 2, y: top, width: area.width - panelWidth - 3, maxY: bottom, into: &c)
    }

    static func drawTimers(
        _ st: SessionState, proto: ClinicProtocol, now: Date, x x0: Int, y: Int, into c: inout Canvas
    ) {
        var x = x0
        func item(_ text: String, _ role: StyleRole) {
            x += c.put(text, x: x, y: y, role: role) + 3
        }
        if st.pausedAt != nil { item("PAUSED", .warning) }
        if let n = st.numbing, n.removedAt == nil, let dwell = st.numbingDwellSeconds(now: now) {
            let target = n.dwellTargetMinutes * 60
            if dwell < target {
                item("Numbing \(Clock.mmss(dwell)) · target in \(Clock.mmss(target - dwell))", .timer)
            } else if dwell <= proto.numbingDwellMaxMinutes * 60 {
                item("NUMBING TARGET REACHED · \(Clock.mmss(dwell - target)) past", .timerDone)
            } else {
                item("NUMBING PAST MAXIMUM · \(Clock.mmss(dwell - target)) past target", .danger)
            }
        }
        if let started = st.centrifugeStartedAt, !st.centrifugeDone, let program = st.centrifugeProgram {
            let spun = Int(now.timeIntervalSince(started))
            let total = program.minutes * 60
            item(
                spun < total ? "Spin \(Clock.mmss(spun)) of \(Clock.mmss(total))" : "Spin done: stop it (x)",
                spun < total ? .timer : .timerDone)
        }
        if let age = st.prpAgeSeconds(now: now) {
            item("PRP age \(Clock.mmss(age))", age > proto.prpAgeLimitMinutes * 60 ? .danger : .timer)
        }
        if x == x0 { item(st.isClosed ? "Session \(st.statusLabel)" : "No timers running", .muted) }
    }

    enum Mark { case done, active, blocked, pending }

    static func mark(_ t: Track, _ st: SessionState, proto: ClinicProtocol, today: ClinicDay) -> Mark {
        switch t {
        case .screening:
            if !st.blockingItems(in: proto, today: today).isEmpty { return .blocked }
            return st.screeningDone && st.consentBy != nil ? .done : (st.screeningDone ? .active : .pending)
        case .prp:
            if st.prp != nil { return .done }
            return st.blood != nil ? .active : .pending
        case .numbing:
            if st.numbingCleared && st.cleansedAt != nil { return .done }
            return st.numbing != nil || st.numbingSkipReason != nil ? .active : .pending
        case .needling: return st.passes.isEmpty ? .pending : .done
        case .prpApplied: return st.prpApplications.isEmpty ? .pending : .done
        case .postCare: return st.postCare.isEmpty ? .pending : .done
        case .aftercare: return st.aftercare == nil ? .pending : .done
        }
    }

    static func drawStrip(
        _ s: SessionScreen, proto: ClinicProtocol, today: ClinicDay, x x0: Int, y: Int, into c: inout Canvas
    ) {
        let short = c.width < 110
        var x = x0
        for t in Track.allCases {
            let name = short ? ["", "Screen", "PRP", "Numb", "Needle", "PRP on", "Post", "After"][t.rawValue] : t.title
            let m = mark(t, s.state, proto: proto, today: today)
            let sym =
                switch m {
                case .done: "✓"
                case .active: "●"
                case .blocked: "!"
                case .pending: "·"
                }
            let role: StyleRole = t == s.panel ? .selected : (m == .blocked ? .danger : (m == .done ? .ok : .normal))
            x += c.put(" \(t.rawValue) \(name) \(sym) ", x: x, y: y, role: role)
        }
    }

    /// Writes panel lines top to bottom, clipped to the panel. A line wider than the panel wraps onto the
    /// next rows (indented under its first word when it starts with spaces) rather than being cut.
    struct PanelWriter {
        var x: Int, y: Int, width: Int, maxY: Int

        mutating func line(_ text: String, _ role: StyleRole = .normal, into c: inout Canvas) {
            for row in Self.rows(text, width: width) {
                guard y <= maxY else { return }
                c.put(row, x: x, y: y, role: role)
                y += 1
            }
        }

        /// `text` as the rows it takes at `width`; continuation rows keep the first row's indent.
        static func rows(_ text: String, width: Int, indent: Int? = nil) -> [String] {
            guard DisplayWidth.of(text) > width else { return [text] }
            let lead = indent ?? text.prefix { $0 == " " }.count
            let pad = String(repeating: " ", count: min(lead, width / 2))
            let first = DisplayWidth.wrap(text, width: width)
            guard first.count > 1 else { return first }
            let rest = remainder(of: text, after: first[0])
            return [first[0]] + DisplayWidth.wrap(rest, width: width - pad.count).map { pad + $0 }
        }

        /// What is left of `text` after its first wrapped row, as it was written: a long word cut at the
        /// edge (a file path, a session ID) goes on without a space put into it.
        static func remainder(of text: String, after row: String) -> String {
            var rest = Substring(text)
            for ch in row {
                if ch == " " {
                    if rest.first == " " { rest = rest.dropFirst() }
                    continue
                }
                rest = rest.drop { $0 == " " }
                guard rest.first == ch else { break }
                rest = rest.dropFirst()
            }
            return String(rest.drop { $0 == " " })
        }

        mutating func gap() { y += 1 }
    }

    // Long by design: one flat case per panel, each a handful of lines that say what that track shows.
    static func drawPanel(
        _ m: AppModel, _ s: SessionScreen, proto: ClinicProtocol, now: Date, into c: inout Canvas,
        _ p: inout PanelWriter
    ) {
        let st = s.state
        let tz = m.timeZone
        func ml(_ v: Double) -> String { String(format: "%.1f mL", v) }
        p.line(s.panel.title.uppercased(), .header, into: &c)
        switch s.panel {
        case .screening:
            let today = ClinicDay(now, timeZone: tz)
            if let answers = st.answers {
                let present = Screening.present(answers, in: proto, today: today)
                p.line("Recorded.", .ok, into: &c)
                if present.isEmpty { p.line("Nothing to report.", into: &c) }
                for item in present {
                    p.line(
                        "\(item.severity == .block ? "BLOCK" : "warn ") \(item.label)",
                        item.severity == .block ? .danger : .warning, into: &c)
                    if let day = answers.first(where: { $0.item == item.id })?.lastDate {
                        p.line(
                            "      last: " + ScreeningWhen.describe(day, today: today),
                            item.severity == .block ? .danger : .warning, into: &c)
                    }
                }
                // Dated answers outside their window count for nothing, and the panel says so.
                for item in proto.contraindications where !present.contains(item) {
                    guard let a = answers.first(where: { $0.item == item.id }), a.present, let day = a.lastDate else {
                        continue
                    }
                    p.line("ok    \(item.label): " + ScreeningWhen.describe(day, today: today), .muted, into: &c)
                }
                p.gap()
                p.line(
                    st.consentBy.map { "Consent signed by \(Visible.text($0))" } ?? "Consent: not yet recorded (c)",
                    st.consentBy == nil ? .warning : .ok, into: &c)
                if let by = st.overrideBy { p.line("Override by \(Visible.text(by))", .warning, into: &c) }
                if !st.blockingItems(in: proto, today: today).isEmpty {
                    p.line("Treatment blocked: a provider override (o)", .danger, into: &c)
                    p.line("with a reason is needed, or abort (A).", .danger, into: &c)
                }
            } else {
                ScreeningChecklistView.draw(s, proto: proto, today: today, into: &c, &p)
            }
        case .prp:
            if let b = st.blood {
                p.line("Blood: \(ml(b.volumeML)), \(b.tubes) tubes, lot \(Visible.text(b.lot))", into: &c)
            } else {
                p.line("Blood: not drawn yet (b)", .muted, into: &c)
            }
            if let program = st.centrifugeProgram, let at = st.centrifugeStartedAt {
                p.line("Centrifuge: \(program.summary)", into: &c)
                p.line(
                    st.centrifugeDone
                        ? "  spun, started \(Clock.hhmm(at, timeZone: tz))"
                        : "  running since \(Clock.hhmm(at, timeZone: tz))", st.centrifugeDone ? .ok : .timer, into: &c)
            } else {
                p.line("Centrifuge: not started (g)", .muted, into: &c)
            }
            switch st.prp?.kind {
            case .autologous(let v)?:
                p.line("PRP: \(ml(v)) ready at \(Clock.hhmm(st.prp!.readyAt, timeZone: tz))", .ok, into: &c)
            case .growthFactors(let product, let lot)?:
                p.line("Growth factors: \(Visible.text(product)), lot \(Visible.text(lot))", .ok, into: &c)
            case nil: p.line("PRP: not ready (r), or growth factors (f)", .muted, into: &c)
            }
            if let age = st.prpAgeSeconds(now: now) {
                p.line(
                    "Age \(Clock.mmss(age)) · limit \(proto.prpAgeLimitMinutes) min",
                    age > proto.prpAgeLimitMinutes * 60 ? .danger : .normal, into: &c)
            }
        case .numbing:
            if let n = st.numbing {
                p.line("\(Visible.text(n.agent)), lot \(Visible.text(n.lot))", into: &c)
                p.line("On: " + n.zones.map(proto.zoneName).joined(separator: ", "), into: &c)
                p.line(
                    "Applied \(Clock.hhmm(n.appliedAt, timeZone: tz)) · target \(n.dwellTargetMinutes) min · max \(proto.numbingDwellMaxMinutes)",
                    into: &c)
                if let removed = n.removedAt {
                    p.line(
                        "Removed \(Clock.hhmm(removed, timeZone: tz)) after \(Clock.mmss(st.numbingDwellSeconds(now: now) ?? 0))",
                        .ok, into: &c)
                } else if let dwell = st.numbingDwellSeconds(now: now) {
                    p.line(
                        "Dwelling \(Clock.mmss(dwell)) — remove with r",
                        dwell >= n.dwellTargetMinutes * 60 ? .timerDone : .timer, into: &c)
                }
            } else if let reason = st.numbingSkipReason {
                p.line("Skipped: \(Visible.text(reason))", .warning, into: &c)
            } else {
                p.line("Not applied yet (a), or skip with a reason (k).", .muted, into: &c)
            }
            p.line(
                st.cleansedAt.map { "Skin cleansed \(Clock.hhmm($0, timeZone: tz))" } ?? "Skin not cleansed yet (l)",
                st.cleansedAt == nil ? .muted : .ok, into: &c)
        case .needling:
            let zones = SessionScreen.needlingZones(st, proto: proto)
            let planned = st.start?.plannedZones ?? []
            p.line(DisplayWidth.pad("  Zone", to: 22) + "Depth   Max  Passes", .muted, into: &c)
            for (i, z) in zones.enumerated() {
                let depth = st.depth(for: z.id, proto: proto)
                let passes = st.passes.filter { $0.pass.zone == z.id }.reduce(0) { $0 + $1.pass.count }
                let mark = planned.contains(z.id) ? "• " : "  "
                let text =
                    DisplayWidth.pad(mark + z.name, to: 22)
                    + String(format: "%.2f  %4.2f  %6d", depth, z.maxDepth, passes)
                let role: StyleRole =
                    i == s.zoneCursor
                    ? .selected
                    : (Depth.exceeds(depth, z.maxDepth) ? .warning : (planned.contains(z.id) ? .normal : .muted))
                p.line(text, role, into: &c)
            }
            if !st.numbingCleared || st.cleansedAt == nil {
                p.line("Numbing off and skin cleansed first (panel 3).", .warning, into: &c)
            }
        case .prpApplied:
            if st.prpApplications.isEmpty {
                p.line(st.prp == nil ? "No PRP ready yet (panel 2)." : "Nothing applied yet (a).", .muted, into: &c)
            }
            for a in st.prpApplications {
                p.line(
                    "\(Clock.hhmm(a.at, timeZone: tz))  \(ml(a.volumeML)) on \(a.zone.map(proto.zoneName) ?? "all zones"), \(a.method.label)",
                    into: &c)
            }
            if !st.prpApplications.isEmpty { p.line("Total \(ml(st.totalPRPAppliedML))", .ok, into: &c) }
        case .postCare:
            if st.postCare.isEmpty { p.line("No products yet (a): serum, mask, mineral SPF.", .muted, into: &c) }
            for item in st.postCare {
                p.line(
                    "\(Clock.hhmm(item.at, timeZone: tz))  \(Visible.text(item.product)), lot \(Visible.text(item.lot))",
                    into: &c)
            }
        case .aftercare:
            if let given = st.aftercare {
                p.line("Aftercare: " + Visible.text(given.summary), .ok, into: &c)
            } else {
                p.line("Not recorded yet.", .muted, into: &c)
                p.line("h  the patient was handed the printed sheet", into: &c)
                p.line("d  the patient declined it (with a reason)", into: &c)
            }
            p.gap()
            p.line("To complete (C):", .header, into: &c)
            p.line("\(st.passes.isEmpty ? "·" : "✓") at least one pass", st.passes.isEmpty ? .normal : .ok, into: &c)
            p.line(
                "\(st.aftercare == nil ? "·" : "✓") aftercare recorded", st.aftercare == nil ? .normal : .ok, into: &c)
            if proto.completionNeedsPRPApplied {
                p.line(
                    "\(st.prpApplications.isEmpty ? "·" : "✓") PRP applied (or a reason)",
                    st.prpApplications.isEmpty ? .normal : .ok, into: &c)
            }
            if proto.completionNeedsPostCare {
                p.line(
                    "\(st.postCare.isEmpty ? "·" : "✓") post-care (or a reason)", st.postCare.isEmpty ? .normal : .ok,
                    into: &c)
            }
            if st.isClosed {
                p.line(
                    "Session \(st.statusLabel)\(st.abortReason.map { ": " + Visible.text($0) } ?? "").", .header,
                    into: &c)
            }
        }
    }

    static func drawTimeline(
        _ st: SessionState, proto: ClinicProtocol, timeZone: TimeZone, back: Int, x: Int, y: Int, width: Int, maxY: Int,
        into c: inout Canvas
    ) {
        c.put("TIMELINE" + (back > 0 ? " (scrolled: ] for newer)" : ""), x: x, y: y, role: .header, maxWidth: width)
        // Newest at the bottom; each entry whole, wrapped under its text, as many as fit above it.
        let room = maxY - y
        let all = TimelineRow.rows(st)
        let end = max(0, all.count - back)
        var shown: [(String, StyleRole)] = []
        for row in all[..<end].reversed() {
            let (text, role, indent) = timelineEntry(row, st, proto: proto, timeZone: timeZone)
            let lines = PanelWriter.rows(text, width: width, indent: indent).map { ($0, role) }
            // Only whole entries (an entry cut at the top would lose its time); the newest always shows.
            guard shown.count + lines.count <= room || shown.isEmpty else { break }
            shown.insert(contentsOf: lines.prefix(room), at: 0)
        }
        for (i, line) in shown.enumerated() { c.put(line.0, x: x, y: y + 1 + i, role: line.1) }
    }

    /// One timeline entry: its text, its role, and where its wrapped rows start (under the text, after the time).
    static func timelineEntry(_ row: TimelineRow, _ st: SessionState, proto: ClinicProtocol, timeZone: TimeZone)
        -> (String, StyleRole, Int)
    {
        guard case .event(let e) = row else {
            if case .unreadable(let gap) = row { return ("!! " + gap.text, .danger, 3) }
            if case .notice(let text) = row { return ("!! " + text, .danger, 3) }
            return ("", .normal, 0)
        }
        let time = "\(Clock.hhmm(e.at, timeZone: timeZone)) #\(e.seq) "
        var text = time + Visible.text(EventDescription.line(e.kind, proto: proto))
        var role: StyleRole = .normal
        switch e.kind {
        case .warning, .overridden, .lotOverridden: role = .warning
        case .adverseEvent, .aborted: role = .danger
        case .voided: role = .muted
        case .completed: role = .ok
        default: break
        }
        if case .voided(let seq, let reason) = e.kind, let target = st.event(seq: seq) {
            // The void says what it cancelled, not only its number.
            text =
                time + "✗ voided #\(seq) (\(Visible.text(reason))): "
                + Visible.text(EventDescription.line(target.kind, proto: proto))
        }
        if let reason = st.voided[e.seq] {
            // The reason goes first so a narrow timeline never cuts it off.
            text =
                "✗ " + time + "(voided: \(Visible.text(reason))) "
                + Visible.text(EventDescription.line(e.kind, proto: proto))
            role = .muted
        }
        return (text, role, 6)
    }
}
