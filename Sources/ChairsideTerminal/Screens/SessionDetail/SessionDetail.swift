import ChairsideCore

/// The session detail: the whole timeline full screen. Its keys are part of the session's table
/// (`SessionScreen.keys` with `detail` on); this is how it scrolls.
enum SessionDetail {
    static func scroll(_ action: SessionScreen.Action, _ s: SessionScreen, _ m: inout AppModel) {
        let page = max(1, m.height - 10)
        let last = max(0, TimelineRow.count(s.state) - 1)
        let back: Int
        switch action {
        case .scrollUp: back = min(last, s.detailBack + 1)
        case .scrollDown: back = max(0, s.detailBack - 1)
        case .pageUp: back = min(last, s.detailBack + page)
        case .pageDown: back = max(0, s.detailBack - page)
        case .oldest: back = last
        case .newest: back = 0
        default: return
        }
        m.session?.detailBack = back
    }
}
