/// The typeset sheet Chairside prints when a clinic has not written its own
/// (`aftercare.html.mustache` beside config.toml replaces it). HTML with print CSS, typeset by
/// WeasyPrint; the same facts and words as the plain-text sheet (DefaultAftercareTemplate).
/// Names sit in <bdi dir="auto"> so Arabic or Hebrew reads in its own order inside English lines.
enum DefaultAftercareHTMLTemplate {
    static let text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Aftercare</title>
        <style>
          @page { size: {{paper}}; margin: 13mm 16mm 15mm 16mm;
                  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #666; } }
          /* Optional ligatures off: WeasyPrint maps a right-to-left ligature (the Allah ligature, say) back to its
             letters in drawn order, so the name would copy and search reversed; required ones (lam-alef) stay. */
          html { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic", "Noto Sans Hebrew", "DejaVu Sans",
                 sans-serif;
                 font-size: 9.5pt; line-height: 1.25; color: #111; font-feature-settings: "liga" 0; }
          header { border-bottom: 2px solid #b0553a; padding-bottom: 4pt; margin-bottom: 8pt; }
          header .clinic { font-size: 15pt; font-weight: bold; }
          header .phone { font-size: 11pt; float: right; margin-top: 4pt; }
          h1 { font-size: 14pt; margin: 0 0 6pt 0; }
          h2 { font-size: 10.5pt; margin: 7pt 0 2pt 0; color: #b0553a; text-transform: uppercase; letter-spacing: 0.5pt;
               break-after: avoid; }
          .facts td { padding: 1pt 10pt 1pt 0; vertical-align: top; }
          .facts td:first-child { color: #555; }
          .name { font-size: 13pt; font-weight: bold; }
          bdi { unicode-bidi: isolate; }
          .treated { width: 100%; border-collapse: collapse; margin-top: 4pt; break-inside: avoid; }
          .treated > tbody > tr > td { vertical-align: top; padding: 0; }
          .treated td.outline { width: 82mm; padding-right: 6pt; }
          .treated svg { width: 82mm; height: 62mm; }
          /* Two columns, so twelve zones take six lines and the sheet stays on one page. */
          .zones { columns: 2; column-gap: 10pt; list-style: none; padding: 0; margin: 2pt 0 4pt 0; }
          .zones li { break-inside: avoid; margin: 0 0 2pt 0; padding-left: 17pt; text-indent: -17pt; }
          .zones .depth { white-space: nowrap; color: #333; }
          .zones .marker { text-indent: 0; }
          .marker { display: inline-block; width: 13pt; height: 13pt; border-radius: 50%; background: #f2b8a0;
                    text-align: center; font-weight: bold; font-size: 8pt; line-height: 13pt; }
          ul { margin: 0; padding-left: 14pt; }
          li { margin: 1pt 0; }
          section { break-inside: avoid; }
          .call { border: 1.5px solid #b0553a; padding: 4pt 8pt; margin-top: 8pt; break-inside: avoid; }
          .next { background: #f6efe9; padding: 4pt 8pt; margin-top: 8pt; break-inside: avoid; }
        </style>
        </head>
        <body>
        <header>
          {{#clinic_phone}}<span class="phone">Phone <bdi dir="ltr">{{clinic_phone}}</bdi></span>{{/clinic_phone}}
          <span class="clinic"><bdi dir="auto">{{clinic_name}}</bdi></span>
        </header>

        <h1>Caring for your skin after microneedling with PRP</h1>
        <table class="facts">
          <tr><td>Patient</td><td class="name"><bdi dir="auto">{{patient_name}}</bdi></td></tr>
          <tr><td>Treated</td>
              <td>{{date}} at {{time}}{{#technician}}, by <bdi dir="auto">{{technician}}</bdi>{{/technician}}</td></tr>
          <tr><td>Series</td><td>{{series}}</td></tr>
          {{#charted_late}}<tr><td>Charted</td><td>{{charted_late}} (after the treatment)</td></tr>{{/charted_late}}
        </table>

        {{#has_zones}}
        <table class="treated"><tr>
          <td class="outline">{{{face_outline}}}</td>
          <td>
            <h2>Areas treated and needle depth</h2>
            <ul class="zones">
              {{#zones}}
              <li><span class="marker">{{marker}}</span> <bdi dir="auto">{{name}}</bdi>
                  <span class="depth">{{depth_range}}</span></li>
              {{/zones}}
            </ul>
            <p>Expected recovery: about <b>{{downtime}}</b>. Redness like a mild sunburn is normal and usually fades within a
            day. Your skin may look pink and a little swollen for the first two days; swelling can be greatest on day 2.</p>
          </td>
        </tr></table>
        {{/has_zones}}
        {{^has_zones}}
        <p>No needling passes were recorded for this session, so no recovery time is expected from needling. Follow the
        advice below for any treated skin.</p>
        {{/has_zones}}

        <section>
        <h2>Today</h2>
        <ul>
          <li>Leave your skin alone for the first few hours.</li>
          <li>After a few hours, wash with lukewarm water and a gentle cleanser, massaging lightly to lift off the serum and
          any dried blood. Pat dry with a clean towel. Touch your face only with clean hands.</li>
          <li>No make-up for at least {{makeup_free_hours}} hours.</li>
          <li>No sunscreen with chemical filters today; stay out of the sun.</li>
          <li>Rest for {{rest_hours}} hours. No heavy exercise, sauna or swimming for {{exercise_free_hours}} hours.</li>
        </ul>
        </section>

        <section>
        <h2>Days 1 to 3</h2>
        <ul>
          <li>Keep using only a gentle cleanser for the first two days.</li>
          <li>Use a plain moisturiser or soothing serum if your skin feels dry or tight; this is common for one to three
          days.</li>
          <li>Tiny scabs from pinpoint bleeding may appear. Let them fall off on their own; do not pick them.</li>
          <li>Mineral make-up is fine from the day after treatment, applied with clean brushes.</li>
          <li>From the day after treatment, wear a mineral sunscreen of SPF 30 or more whenever you go out.</li>
          <li>By day 3 most skin looks its usual colour and the swelling has gone.</li>
        </ul>
        </section>

        <section>
        <h2>The next two weeks</h2>
        <ul>
          <li>Avoid direct sun for {{sun_avoid_days}} days where you can.</li>
          <li>Go back to your usual skin care after two to three days. Wait at least {{actives_after_days}} days, or until
          your skin feels comfortable, before retinoids (vitamin A) and acids.</li>
          <li>No alcohol-based toners for {{toner_free_days}} days.</li>
        </ul>
        </section>

        <div class="call">
        <b>Call us</b> if you notice any of these: pain, swelling or redness that gets worse after day 2; pus or a yellow
        crust, or a fever; blisters; anything else that worries you.
        {{#clinic_phone}}Phone <bdi dir="auto">{{clinic_name}}</bdi> on
        <b><bdi dir="ltr">{{clinic_phone}}</bdi></b>.{{/clinic_phone}}
        {{^clinic_phone}}Contact <bdi dir="auto">{{clinic_name}}</bdi>.{{/clinic_phone}}
        </div>

        <div class="next">
        <h2>Your next visit</h2>
        {{^series_complete}}
        <p>Book your next session between <b>{{next_visit_from}}</b> and <b>{{next_visit_to}}</b>. A series is usually
        {{series_min}} to {{series_max}} sessions about four weeks apart; your skin keeps building collagen for two to three
        months, so the full result shows some weeks after the last session.</p>
        {{/series_complete}}
        {{#series_complete}}
        <p>Your series is complete. For upkeep, book a maintenance session between <b>{{next_visit_from}}</b> and
        <b>{{next_visit_to}}</b>.</p>
        {{/series_complete}}
        </div>
        </body>
        </html>
        """
}
