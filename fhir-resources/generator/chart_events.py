"""Story edge-chart-events: what the SMART app's event lane shows and what it must leave out.

Run: python3 fhir-resources/generator/chart_events.py  (writes ../scenarios/edge-chart-events/).
Every kind of chart event once, and beside it a record that must not be charted: a dose before the
chart window (day -9) or after it (day 29), not-done / entered-in-error administrations, a
MedicationRequest, a refuted Condition, a grade-0 Observation, a dose after the as-of instant and
records of another patient. Expected events are written by hand from the story (day = days since
2025-11-03); ChartDataTest compares them with the engine's "Chart Events".
"""
from fhirgen import Story, SNOMED, ICD10CM, LOCAL

NCI_GRADE = {2: "C41339", 3: "C41340"}
OTHER = "edge-chart-events-other"


def grade_obs(s, day, code, value, time="09:00"):
    """Daily ASTCT grade Observation (fhir-input-profile P4, alternative form)."""
    return s.add({"resourceType": "Observation", "id": s.next_id(code), "status": "final",
                  "code": {"coding": [{"system": LOCAL, "code": code}]},
                  "subject": s.subject(), "effectiveDateTime": s.dt(day, time), "valueInteger": value})


def main():
    s = Story("edge-chart-events", "2025-11-03")
    cart = s.car_t(0, "axi-cel")
    cart_proc = s.car_t(0, kind="procedure", time="10:30")        # the same infusion recorded twice
    s.lymphodepletion(-5)                                         # not a chart event
    s.steroid(-9)                                                 # before the chart window (day -7)
    crs_unknown = s.crs(2, 9)                                     # D89.839: grade unknown
    grade_obs(s, 1, "astct-crs-grade", 0)                         # assessed, no CRS: not an event
    crs_obs = grade_obs(s, 3, "astct-crs-grade", 2)
    dexa = s.steroid(3)
    s.steroid(4, "methylprednisolone", status="not-done")
    methyl = s.steroid(5, "methylprednisolone", status="in-progress")
    s.anticoagulant(6, "heparin", time="08:00", status="entered-in-error")
    heparin = s.anticoagulant(6, "heparin")
    s.icans(6, 2, verification="refuted")
    icans_obs = grade_obs(s, 7, "astct-icans-grade", 3)
    s.add({"resourceType": "MedicationRequest", "id": s.next_id("hepa-order"), "status": "active",
           "intent": "order", "medicationCodeableConcept": heparin["medicationCodeableConcept"],
           "subject": s.subject(), "authoredOn": s.dt(7, "10:00")})
    # another patient's records are removed before evaluation (P1) and counted, never charted
    s.add({"resourceType": "MedicationAdministration", "id": s.next_id("other-dexa"), "status": "completed",
           "medicationCodeableConcept": dexa["medicationCodeableConcept"],
           "subject": s.subject(OTHER), "effectiveDateTime": s.dt(7, "11:00")})
    s.add({"resourceType": "Condition", "id": s.next_id("other-bleed"),
           "code": {"coding": [{"system": SNOMED, "code": "131148009"}]},
           "subject": s.subject(OTHER), "onsetDateTime": s.dt(8, "11:00")})
    bleed = s.condition(8, SNOMED, "131148009", "bleed")                                  # grade not documented
    bleed_g2 = s.condition(9, SNOMED, "131148009", "bleed", grade_nci=NCI_GRADE[2])
    bleed_major = s.condition(10, SNOMED, "131148009", "bleed", isth_major=True)
    thrombosis = s.condition(12, ICD10CM, "I82.411", "thr", grade_nci=NCI_GRADE[3])
    toci = s.tocilizumab(14, time="21:00")                        # after the day-14 as-of (18:00)
    s.anticoagulant(29, "enoxaparin")                             # after the chart window (day 28)

    a14, a30 = s.as_of(14), s.as_of(30)
    other = [{"resource": "Condition", "code": "other-patient"},
             {"resource": "MedicationAdministration", "code": "other-patient"}]
    expected = [
        {"asOf": a14, "infusionDate": "2025-11-03", "asOfDay": 14, "firstDay": -7, "lastDay": 14,
         "dataQuality": other, "dataQualityCount": 2},
        {"asOf": a30, "infusionDate": "2025-11-03", "asOfDay": 30, "firstDay": -7, "lastDay": 28,
         "dataQuality": other, "dataQualityCount": 2},
    ]
    s.write("Chart events: every kind, and what is never charted", "fhir-input-profile P3.1, P4, P6, P7; §7.1",
            a14, expected,
            "Axi-cel 2025-11-03 (MedicationAdministration and Procedure). CRS grade unknown day 2, CRS grade 2 "
            "(Observation) day 3, dexamethasone day 3, methylprednisolone day 5 (in progress), heparin day 6, "
            "ICANS grade 3 (Observation) day 7, bleeding days 8 (no grade), 9 (grade 2), 10 (ISTH major), DVT "
            "grade 3 day 12, tocilizumab day 14 21:00. Never charted: dexamethasone day -9, enoxaparin day 29, "
            "a not-done and an entered-in-error dose, a MedicationRequest, a refuted ICANS, a grade-0 CRS "
            "Observation, another patient's dose and bleeding. As-of day 14 and day 30.")
    by14 = [s.event("car-t", 0, cart), s.event("car-t", 0, cart_proc), s.event("crs", 2, crs_unknown),
            s.event("crs", 3, crs_obs, 2), s.event("steroid", 3, dexa), s.event("steroid", 5, methyl),
            s.event("anticoagulant", 6, heparin), s.event("icans", 7, icans_obs, 3),
            s.event("bleeding", 8, bleed), s.event("bleeding", 9, bleed_g2, 2),
            s.event("bleeding", 10, bleed_major), s.event("thrombosis", 12, thrombosis, 3)]
    s.write_chart([s.chart(a14, by14), s.chart(a30, by14 + [s.event("tocilizumab", 14, toci)])])


if __name__ == "__main__":
    main()
