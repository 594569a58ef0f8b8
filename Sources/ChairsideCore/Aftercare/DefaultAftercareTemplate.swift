/// The sheet Chairside prints when a clinic has not written its own
/// (`aftercare.mustache` in the config directory replaces it). Written from the
/// aftercare facts in CLINICAL.md; every number comes from the clinic's settings.
/// Each paragraph and bullet is one line: the sheet is wrapped to the page after rendering.
enum DefaultAftercareTemplate {
    static let text = """
        {{clinic_name}}
        {{#clinic_phone}}
        Phone: {{clinic_phone}}
        {{/clinic_phone}}

        CARING FOR YOUR SKIN AFTER MICRONEEDLING WITH PRP

        Patient:  {{patient_name}}
        Treated:  {{date}} at {{time}}{{#technician}}, by {{technician}}{{/technician}}
        Series:   {{series}}
        {{#charted_late}}
        Charted:  {{charted_late}} (after the treatment)
        {{/charted_late}}

        {{#has_zones}}
        Areas treated (needle depth):
        {{#zones}}
          - {{name}}: {{depth_range}}
        {{/zones}}

        Expected recovery: about {{downtime}}. Redness like a mild sunburn is normal and usually fades within a day. Your skin may look pink and a little swollen for the first two days; swelling can be greatest on day 2.
        {{/has_zones}}
        {{^has_zones}}
        No needling passes were recorded for this session, so no recovery time is expected from needling. Follow the advice below for any treated skin.
        {{/has_zones}}

        TODAY
          - Leave your skin alone for the first few hours.
          - After a few hours, wash with lukewarm water and a gentle cleanser, massaging lightly to lift off the serum and any dried blood. Pat dry with a clean towel. Touch your face only with clean hands.
          - No make-up for at least {{makeup_free_hours}} hours.
          - No sunscreen with chemical filters today; stay out of the sun.
          - Rest for {{rest_hours}} hours. No heavy exercise, sauna or swimming for {{exercise_free_hours}} hours.

        DAYS 1 TO 3
          - Keep using only a gentle cleanser for the first two days.
          - Use a plain moisturiser or soothing serum if your skin feels dry or tight; this is common for one to three days.
          - Tiny scabs from pinpoint bleeding may appear. Let them fall off on their own; do not pick them.
          - Mineral make-up is fine from the day after treatment, applied with clean brushes.
          - From the day after treatment, wear a mineral sunscreen of SPF 30 or more whenever you go out.
          - By day 3 most skin looks its usual colour and the swelling has gone.

        THE NEXT TWO WEEKS
          - Avoid direct sun for {{sun_avoid_days}} days where you can.
          - Go back to your usual skin care after two to three days. Wait at least {{actives_after_days}} days, or until your skin feels comfortable, before retinoids (vitamin A) and acids.
          - No alcohol-based toners for {{toner_free_days}} days.

        CALL US if you notice any of these:
          - pain, swelling or redness that gets worse after day 2
          - pus or a yellow crust, or a fever
          - blisters
          - anything else that worries you
        {{#clinic_phone}}
        Phone {{clinic_name}} on {{clinic_phone}}.
        {{/clinic_phone}}
        {{^clinic_phone}}
        Contact {{clinic_name}}.
        {{/clinic_phone}}

        YOUR NEXT VISIT
        {{^series_complete}}
        Book your next session between {{next_visit_from}} and {{next_visit_to}}. A series is usually {{series_min}} to {{series_max}} sessions about four weeks apart; your skin keeps building collagen for two to three months, so the full result shows some weeks after the last session.
        {{/series_complete}}
        {{#series_complete}}
        Your series is complete. For upkeep, book a maintenance session between {{next_visit_from}} and {{next_visit_to}}.
        {{/series_complete}}
        """
}
