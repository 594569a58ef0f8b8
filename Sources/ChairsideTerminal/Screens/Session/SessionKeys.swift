import ChairsideCore

extension SessionScreen {
    enum Action: Equatable, Sendable {
        // Everywhere in a session.
        case leave
        case panel(Track)
        case nextPanel, previousPanel, note, adverseEvent, undo, pauseResume, complete, abort
        case timelineOlder, timelineNewer, toggleDetail, history, theme, help
        // The session detail.
        case scrollUp, scrollDown, pageUp, pageDown, oldest, newest, sheet
        // Panels.
        case itemUp, itemDown, toggleAnswer, editWhen, useLastScreening, saveScreening, consent, override
        case bloodDraw, startSpin, stopSpin, prpReady, growthFactors
        case applyNumbing, removeNumbing, cleanseSkin, skipNumbing
        case zoneUp, zoneDown, deeper, shallower, typeDepth, logPass, needleCartridge
        case applyPRP, postCare
        case previewSheet, handedSheet, declinedSheet
        case stepTime
        // A session whose journal's end is unreadable: the explicit, recorded yes to go on.
        case continueAfterUnreadableEnd
    }

    typealias Binding = KeyBinding<Action>

    /// The keys of the session as it is now: the panel's (or the detail's) first, then the ones
    /// that work everywhere in a session. Dispatch, the hint bar and `?` all read this table.
    static func keys(_ s: SessionScreen) -> KeyTable<Action> {
        let st = s.state
        var list: [Binding]
        if st.endUnreadable {
            // Read-only: nothing is recorded until K says to go on (the decider refuses anything else).
            return KeyTable([
                Binding(
                    "↑↓ PgUp PgDn", "scroll",
                    [(.up, .scrollUp), (.down, .scrollDown), (.pageUp, .pageUp), (.pageDown, .pageDown)]),
                Binding(.char("K"), "K", "continue it anyway (recorded)", .continueAfterUnreadableEnd),
                Binding(.char("H"), "H", "patient history", .history),
                CommonKeys.theme(.theme),
                CommonKeys.help(.help),
                Binding("q", "leave", [(.char("q"), .leave), (.escape, .leave)]),
            ])
        }
        if s.detail {
            list = [
                Binding(
                    "↑↓ PgUp PgDn", "scroll",
                    [
                        (.up, .scrollUp), (.char("k"), .scrollUp), (.down, .scrollDown),
                        (.char("j"), .scrollDown), (.pageUp, .pageUp), (.pageDown, .pageDown),
                    ]),
                Binding("Home End", "oldest / newest", hint: false, [(.home, .oldest), (.end, .newest)]),
                Binding(.char("t"), "t", "panels", .toggleDetail),
                Binding(.char("n"), "n", st.noteLabel.lowercased(), .note),
                Binding(.char("v"), "v", "sheet", .sheet),
                Binding(.char("H"), "H", "patient history", .history),
                CommonKeys.theme(.theme),
                CommonKeys.help(.help),
                Binding("q", "leave", [(.char("q"), .leave), (.escape, .leave)]),
            ]
            return KeyTable(list)
        }
        list = st.isClosed ? closedPanelKeys(s) : panelKeys(s)
        list.append(
            Binding("1-7", "panel", Track.allCases.map { (Key.char(Character("\($0.rawValue)")), Action.panel($0)) }))
        list.append(Binding(.char("n"), "n", st.noteLabel.lowercased(), .note))
        if s.stepTime != nil && !st.isClosed { list.append(Binding(.char("W"), "W", "time of next step", .stepTime)) }
        // A closed record grows only by amendments (n): the keys that would change it are not offered.
        if !st.isClosed {
            list += [
                Binding(.char("u"), "u", "undo", .undo),
                Binding(.char("e"), "e", "adverse event", hint: false, .adverseEvent),
                Binding(.char("p"), "p", st.pausedAt == nil ? "pause" : "resume", hint: false, .pauseResume),
                Binding(.char("C"), "C", "complete", hint: false, .complete),
                Binding(.char("A"), "A", "abort", hint: false, .abort),
            ]
        }
        list += [
            Binding("Tab", "next panel", hint: false, [(.tab, .nextPanel), (.backTab, .previousPanel)]),
            Binding(
                "[ ] PgUp PgDn", "scroll timeline", hint: false,
                [
                    (.char("["), .timelineOlder), (.pageUp, .timelineOlder), (.char("]"), .timelineNewer),
                    (.pageDown, .timelineNewer),
                ]),
            Binding(.char("t"), "t", "full timeline", hint: false, .toggleDetail),
            Binding(.char("H"), "H", "patient history", hint: false, .history),
            CommonKeys.theme(.theme),
            CommonKeys.help(.help),
            Binding("q", "leave", [(.char("q"), .leave), (.escape, .leave)]),
        ]
        return KeyTable(list)
    }

    private static func closedPanelKeys(_ s: SessionScreen) -> [Binding] {
        s.panel == .aftercare && s.state.aftercare != nil
            ? [Binding("v", "reprint / save copy", [(.char("v"), .previewSheet), (.enter, .previewSheet)])] : []
    }

    private static func panelKeys(_ s: SessionScreen) -> [Binding] {
        let st = s.state
        switch s.panel {
        case .screening:
            let items = Binding("↑↓", "item", [(.up, .itemUp), (.down, .itemDown)])
            if st.screeningDone {
                return [
                    Binding(.char("c"), "c", "consent", .consent),
                    Binding(.char("o"), "o", "provider override", .override),
                ]
            }
            let onDated =
                s.proto.contraindications.indices.contains(s.screeningCursor)
                && s.proto.contraindications[s.screeningCursor].withinDays != nil
            var list = [
                items, Binding(.char(" "), "Space", "yes/no", .toggleAnswer),
                Binding(.char("w"), "w", "when", hint: onDated, .editWhen),
            ]
            if s.lastScreening != nil {
                list.append(Binding(.char("L"), "L", "last visit's answers", .useLastScreening))
            }
            return list + [
                Binding(.char("s"), "s", "save screening", .saveScreening),
                Binding(.char("c"), "c", "consent", hint: false, .consent),
                Binding(.char("o"), "o", "override", hint: false, .override),
            ]
        case .prp:
            return [
                Binding(.char("b"), "b", "blood draw", .bloodDraw), Binding(.char("g"), "g", "spin", .startSpin),
                Binding(.char("x"), "x", "stop spin", .stopSpin), Binding(.char("r"), "r", "PRP ready", .prpReady),
                Binding(.char("f"), "f", "growth factors", .growthFactors),
            ]
        case .numbing:
            return [
                Binding(.char("a"), "a", "apply", .applyNumbing), Binding(.char("r"), "r", "remove", .removeNumbing),
                Binding(.char("l"), "l", "cleanse", .cleanseSkin),
                Binding(.char("k"), "k", "skip numbing", .skipNumbing),
            ]
        case .needling:
            return [
                Binding("↑↓", "zone", [(.up, .zoneUp), (.down, .zoneDown)]),
                Binding("+ -", "depth", [(.char("+"), .deeper), (.char("="), .deeper), (.char("-"), .shallower)]),
                Binding(.char("d"), "d", "type depth", .typeDepth),
                Binding(.enter, "Enter", "log pass", .logPass),
                Binding(.char("c"), "c", "needle cartridge", hint: false, .needleCartridge),
            ]
        case .prpApplied:
            return [Binding(.char("a"), "a", "apply PRP", .applyPRP)]
        case .postCare:
            return [Binding(.char("a"), "a", "add product", .postCare)]
        case .aftercare:
            return st.aftercare == nil
                ? [
                    Binding("v", "preview sheet", [(.char("v"), .previewSheet), (.enter, .previewSheet)]),
                    Binding(.char("h"), "h", "handed sheet", .handedSheet),
                    Binding(.char("d"), "d", "declined", .declinedSheet),
                ]
                : [
                    Binding("v", "reprint / save copy", [(.char("v"), .previewSheet), (.enter, .previewSheet)]),
                    Binding(.char("C"), "C", "complete", .complete),
                ]
        }
    }
}
