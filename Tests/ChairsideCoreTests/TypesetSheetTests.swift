import ChairsideCore
import TestSupport
import XCTest

/// The typeset sheet's HTML (what WeasyPrint turns into the PDF), built purely.
final class TypesetSheetTests: XCTestCase {
    func sheet(name: String = "José Müller", paper: Paper = .a4, phone: String = "020 7946 0001") throws
        -> AftercareSheet
    {
        var d = SessionDriver()
        try d.run(
            .start(
                patient: Fixture.patient(name), technician: "Alex Rivera", room: "Room 1",
                plannedZones: ["forehead", "cheeks"]), after: 0)
        _ = try d.preparedForNeedling()
        try d.run(
            .logPass(
                Pass(zone: "forehead", depth: 0.5, count: 2, pattern: .horizontal, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(
            .logPass(
                Pass(zone: "cheeks", depth: 1.5, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        try d.run(
            .logPass(
                Pass(zone: "acne-scars", depth: 1.5, count: 1, pattern: .vertical, endpoint: .erythema),
                confirmAboveProtocol: false))
        var config = ClinicConfig.standard
        config.clinicName = "Harbour Skin"
        config.clinicPhone = phone
        config.aftercare.paper = paper
        return AftercareSheet(state: d.state, history: [], config: config, timeZone: Fixture.utc)
    }

    func testTheBuiltInPageHasTheHeaderNameZonesNextVisitAndInstructionsByTime() throws {
        let page = RenderedHTMLSheet(sheet: try sheet(), clinic: nil)
        XCTAssertNil(page.warning)
        let html = page.html
        XCTAssertTrue(html.contains("@page { size: A4;"), "A4 from the config")
        XCTAssertTrue(html.contains("<span class=\"clinic\"><bdi dir=\"auto\">Harbour Skin</bdi></span>"))
        XCTAssertTrue(html.contains("Phone <bdi dir=\"ltr\">020 7946 0001</bdi>"))
        XCTAssertTrue(html.contains("<td class=\"name\"><bdi dir=\"auto\">José Müller</bdi></td>"))
        XCTAssertTrue(
            html.contains("<bdi dir=\"auto\">Cheeks</bdi>\n          <span class=\"depth\">1.50 mm</span></li>"), html)
        XCTAssertTrue(
            html.contains("between <b>Saturday 19 December 2026</b> and <b>Saturday 2 January 2027</b>"), html)
        for heading in [
            "<h2>Today</h2>", "<h2>Days 1 to 3</h2>", "<h2>The next two weeks</h2>", "<h2>Your next visit</h2>",
        ] {
            XCTAssertTrue(html.contains(heading), heading)
        }
    }

    func testLetterPaperSetsTheCSSPageSize() throws {
        XCTAssertTrue(
            RenderedHTMLSheet(sheet: try sheet(paper: .letter), clinic: nil).html.contains("@page { size: letter;"))
    }

    func testTheFaceOutlineMarksEachPlacedZoneWithItsNumberAndItsDepthInTheMargin() throws {
        let html = RenderedHTMLSheet(sheet: try sheet(), clinic: nil).html
        XCTAssertTrue(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        // Forehead is 1 (one marker), cheeks 2 (a marker on each side); acne scars (3) has no place on the face.
        XCTAssertEqual(html.components(separatedBy: ">1</text>").count - 1, 1)
        XCTAssertEqual(html.components(separatedBy: ">2</text>").count - 1, 2)
        XCTAssertEqual(html.components(separatedBy: ">3</text>").count - 1, 0)
        XCTAssertTrue(html.contains(">0.50 mm</text>"))
        XCTAssertEqual(html.components(separatedBy: ">1.50 mm</text>").count - 1, 2)
        XCTAssertEqual(
            html.components(separatedBy: "<line ").count - 1, 3, "a leader line from each marker to its depth")
        XCTAssertTrue(
            html.contains("<span class=\"marker\">3</span> <bdi dir=\"auto\">Acne scars</bdi>"), "listed beside it")
    }

    func testANameCannotAddMarkupAndBidiOverridesAreShown() throws {
        let hostile = "<img src=\"file:///etc/passwd\"> & \u{202E}drow"
        let html = RenderedHTMLSheet(sheet: try sheet(name: hostile), clinic: nil).html
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("\u{202E}"))
        XCTAssertTrue(html.contains("&lt;img"), html)
        XCTAssertTrue(html.contains("&lt;U+202E&gt;drow"))
    }

    func testAClinicTemplateMayNotPutANameInUnescaped() {
        for text in ["<p>{{{patient_name}}}</p>", "<p>{{& patient_name}}</p>"] {
            XCTAssertThrowsError(try AftercareHTMLTemplate(text: text, file: "aftercare.html.mustache")) { error in
                XCTAssertTrue("\(error)".contains("unescaped"), "\(error)")
            }
        }
        XCTAssertNoThrow(
            try AftercareHTMLTemplate(
                text: "{{{face_outline}}} {{patient_name}} {{#zones}}{{marker}}{{/zones}}",
                file: "ok"))
    }

    func testAClinicTemplateIsUsedAndABrokenOneFallsBackWithAWarning() throws {
        let own = try AftercareHTMLTemplate(
            text: "<h1>{{clinic_name}}</h1><p>{{patient_name}}</p>", file: "own.html.mustache")
        let used = RenderedHTMLSheet(sheet: try sheet(), clinic: .success(own))
        XCTAssertEqual(used.html, "<h1>Harbour Skin</h1><p>José Müller</p>")
        XCTAssertNil(used.warning)
        let broken: Result<AftercareHTMLTemplate, TemplateError>
        do {
            broken = .success(try AftercareHTMLTemplate(text: "<p>{{patient_nmae}}</p>", file: "bad.html.mustache"))
        } catch {
            broken = .failure(error)
        }
        let fallback = RenderedHTMLSheet(sheet: try sheet(), clinic: broken)
        XCTAssertTrue(fallback.html.contains("Caring for your skin"))
        XCTAssertTrue(fallback.warning?.contains("bad.html.mustache:1") ?? false, fallback.warning ?? "")
        XCTAssertTrue(fallback.warning?.contains("patient_nmae") ?? false, fallback.warning ?? "")
    }
}

final class FaceOutlineLayoutTests: XCTestCase {
    func testDepthLabelsOnOneSideNeverTouchEvenWithEveryZone() throws {
        let zones = FaceOutline.places.keys.sorted().enumerated().map { (id: $1, number: $0 + 1, depth: "0.25–0.5 mm") }
        let svg = FaceOutline.svg(zones)
        var bySide: [String: [Int]] = [:]
        let pattern = try NSRegularExpression(pattern: "<text x=\"(\\d+)\" y=\"(\\d+)\" font-size=\"11\"")
        for m in pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
            let x = String(svg[Range(m.range(at: 1), in: svg)!])
            bySide[x, default: []].append(Int(svg[Range(m.range(at: 2), in: svg)!])!)
        }
        XCTAssertEqual(bySide.count, 2, "labels in the two margins only")
        XCTAssertEqual(bySide.values.map(\.count).reduce(0, +), FaceOutline.places.values.map(\.count).reduce(0, +))
        for ys in bySide.values {
            for (a, b) in zip(ys.sorted(), ys.sorted().dropFirst()) {
                XCTAssertGreaterThanOrEqual(b - a, FaceOutline.labelSpacing)
            }
        }
    }
}
