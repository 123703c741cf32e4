"""Stories for Clinical core III: three-valued rules and the seven defects of issue 12.

Run: python3 fhir-resources/generator/three_valued.py -> writes fhir-resources/scenarios/tv-*/
     (scenario.json, bundle.json, expected-cql.json, expected-cards.json)

Each story pins one clarified rule of clinical-reference.md (§0.2 item 6, §3.4 LabGrade, §4.3 24-h fall,
§7.2 worst-of-day, §7.3 three-valued rules) or fhir-input-profile.md (P1 as-of boundary, P2
dataAbsentReason, P3.1 day 0, P6 AdverseEvent and ISTH major bleeding) at, below and above its edge, and
the cases that must NOT fire. Every expectation is computed by hand in the comments.

Conventions as in rule_edges.py: CAR-T (axi-cel) on day 0 at 10:00 +08:00; a "normal panel" at 06:00 is
platelets 200 | PT 12.0 s (ULN 13.5) | APTT 30.0 s (ULN 35.0) | fibrinogen 3.0 g/L | D-dimer 0.30 mg/L FEU
(ULN 0.50): ISTH 0 (not met), CDSS 2 + 24-h fall (missing on a first count) (not met). R-COAG inputs:
fibrinogen < 1.5 g/L | PT >= 3 s over ULN | APTT >= 10 s over ULN | platelets < 50 | R-DIC.
"""
import json
import os

from fhirgen import Story, ICD10CM, SNOMED, NCIT, BASE, SCENARIOS, card

DAY0 = "2025-11-03"
NORMAL = {"plt": "200", "pt": "12.0", "aptt": "30.0", "fib": "3.0", "dd": "0.30"}
AE_GRADE = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade"
GRADE = {1: "C41338", 2: "C41339", 3: "C41340", 4: "C41337", 5: "C48275"}

ISTH_NOT_MET_COMPLETE = {"status": "not-met", "points": 0, "missing": []}


def normal_panel(s, day, **override):
    v = dict(NORMAL)
    v.update(override)
    s.panel(day, **{k: x for k, x in v.items() if x is not None})


def write(s, title, reference, main_as_of, cql, cards, description):
    folder = s.write(title, reference, main_as_of, cql, description)
    with open(os.path.join(folder, "expected-cards.json"), "w", encoding="utf-8") as f:
        json.dump(cards, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", s.slug)


def grade_entry(as_of, grade, at_least, cards=()):
    return {"asOf": as_of, "cwGrade": grade, "cwGradeAtLeast": at_least, "cards": list(cards)}


# ---- Defect 1: R-COAG is never "not evaluable" (§7.3, §3.4 clarified) ----------------------------------

def coag_not_evaluable():
    s = Story("tv-coag-not-evaluable", DAY0)
    s.car_t(0)
    # day 4: platelets 120 and PT 13.0 s (ULN 13.5) only; CRS grade 2 that day
    s.lab("platelets", 4, "120")
    s.lab("pt", 4, "13.0")
    s.crs(4, 2, abatement_day=4)
    normal_panel(s, 6)
    normal_panel(s, 7)
    s.condition(7, ICD10CM, "D89.839", "crs", abatement_day=7)     # CRS of unknown grade on day 7
    s.lab("platelets", 8, "45")                                     # day 8: platelets 45 only
    s.lab("pt", 9, "16.5")                                          # day 9: PT 16.5 s (+3.0 over ULN) only
    cql = [
        # A = 4: plt 0 | PT -0.5 -> 0 | fib missing (1) | D-dimer missing (3) -> 0 + 4 < 5: ISTH not met
        #        CDSS: 2 + plt 0 + fall missing (1) + D-dimer missing (3) + PT 0 with APTT missing -> PT/APTT
        #        missing (2) + fib missing (1) = 2 + 7 >= 6: indeterminate -> R-DIC not evaluable
        #        R-COAG: fib ? | PT no | APTT ? | plt no | DIC ? -> not evaluable; LabGrade not assessable
        #        R-STEROID: CRS 2 and (coag(4) ? or coag(3) ?) -> not evaluable
        {"asOf": s.as_of(4), "infusionDate": DAY0, "asOfDay": 4, "lastDay": 4,
         "days": [{"day": 4, "cwGrade": None, "cwGradeAtLeast": 0,
                   "isth": {"status": "not-met", "points": 0, "missing": ["fibrinogen", "d-dimer"]},
                   "cdss": {"status": "indeterminate", "points": 2},
                   "rules": {"coagulopathy": None, "coagulopathyUnknownInputs": ["fibrinogen", "aptt", "dic"],
                             "coagulopathyReasons": [], "dic": None, "lowFibrinogen": None,
                             "steroid": None, "steroidUnknownInputs": ["coagulopathy"]}}],
         "course": {"peakCwGrade": None, "peakCwGradeAtLeast": 0}},
        # A = 7: complete normal panels days 6 and 7 -> R-COAG false both days, CW-grade 0 (assessable)
        #        R-STEROID day 7: CRS grade unknown (D89.839) and coag(7) false, coag(6) false -> false:
        #        an "and" is false when a present input fails (§7.3)
        {"asOf": s.as_of(7), "infusionDate": DAY0, "asOfDay": 7,
         "days": [{"day": 6, "cwGrade": 0, "cwGradeAtLeast": 0, "rules": {"coagulopathy": False,
                                                                         "coagulopathyUnknownInputs": []}},
                  {"day": 7, "cwGrade": 0, "cwGradeAtLeast": 0,
                   "rules": {"coagulopathy": False, "steroid": False, "crsGradeKnown": False,
                             "steroidUnknownInputs": ["crs-grade"]}}],
         # R-THR: no baseline platelet count -> that factor ?, the others no -> not evaluable (never "no")
         "course": {"peakCwGrade": None, "peakCwGradeAtLeast": 0, "thrombosisRisk": None,
                    "thrombosisRiskUnknownFactors": ["baseline-platelets"], "bleedingRisk": None}},
        # A = 8: platelets 45 < 50 -> R-COAG true whatever is missing; DIC not assessable -> LabGrade 1
        {"asOf": s.as_of(8), "infusionDate": DAY0, "asOfDay": 8,
         "days": [{"day": 8, "cwGrade": 1, "cwGradeAtLeast": 1,
                   "rules": {"coagulopathy": True, "coagulopathyReasons": ["platelets"],
                             "coagulopathyUnknownInputs": ["fibrinogen", "pt", "aptt", "dic"],
                             "dic": None, "dicNotAssessable": True}}],
         "course": {"peakCwGrade": None, "peakCwGradeAtLeast": 1}},
        # A = 9: PT 16.5 - 13.5 = 3.0 >= 3 -> R-COAG true (prolonged PT) -> LabGrade 1
        {"asOf": s.as_of(9), "infusionDate": DAY0, "asOfDay": 9,
         "days": [{"day": 9, "cwGrade": 1, "cwGradeAtLeast": 1,
                   "rules": {"coagulopathy": True, "coagulopathyReasons": ["pt"]}}]},
    ]
    cards = [
        grade_entry(s.as_of(4), None, 0),                            # nothing fires; never "grade 0"
        grade_entry(s.as_of(7), 0, 0),
        grade_entry(s.as_of(8), 1, 1),                               # R-MON checks days 6..7: complete
        grade_entry(s.as_of(9), 1, 1, [card("R-MON", "info", ["day 8"])]),   # day 8: PT, APTT, fib, D-dimer missing
    ]
    write(s, "R-COAG not evaluable; three-valued R-STEROID", "§7.3, §3.4 (clarified 2026-12)", s.as_of(4), cql,
          cards, "Day 4: platelets 120 and PT 13.0 s only -> R-COAG not evaluable, CW-grade unknown (at least 0), "
          "R-STEROID (CRS 2) not evaluable. Days 6-7 complete normal panels: grade 0; CRS of unknown grade on day "
          "7 with coag false on days 6 and 7 -> R-STEROID false. Day 8 platelets 45 only, day 9 PT +3.0 s only: "
          "R-COAG true whatever else is missing.")


# ---- Defect 2: worst-of-day over the interpretable subset (§7.2 clarified) -------------------------------

def worst_of_day():
    s = Story("tv-worst-of-day-unreadable", DAY0)
    s.car_t(0)
    # day 6: PT 19 s without any reference range next to PT 14.0 s (ULN 13.5)
    normal_panel(s, 6, pt=None)
    s.lab("pt", 6, "19.0", ref=None, time="07:00")
    s.lab("pt", 6, "14.0", time="08:00")
    # day 8: PT 20.0 s (ULN 13.5: +6.5 -> 2 points, the item's maximum) next to PT 25 s without range
    normal_panel(s, 8, pt=None)
    s.lab("pt", 8, "20.0", time="07:00")
    s.lab("pt", 8, "25.0", ref=None, time="08:00")
    # evening counts before days 14 and 16 make their 24-h fall scorable (0 %), so only the item under test varies
    s.lab("platelets", 13, "200", time="20:00")
    s.lab("platelets", 15, "200", time="20:00")
    # day 14: APTT 40 s (ULN 35: +5) next to a censored APTT (> 120 s)
    normal_panel(s, 14, aptt=None)
    s.lab("aptt", 14, "40.0", time="07:00")
    s.lab("aptt", 14, None, time="08:00",
          valueQuantity={"value": 120, "comparator": ">", "unit": "s", "system": "http://unitsofmeasure.org",
                         "code": "s"})
    # day 16: D-dimer 0.40 mg/L FEU (ULN 0.50: ratio 0.8) next to a DDU result 500 ng/mL (ULN 230)
    normal_panel(s, 16, dd=None)
    s.lab("d-dimer", 16, "0.40", time="07:00")
    s.lab("d-dimer-ddu", 16, "500", ref=(0, 230, "ng/mL{DDU}"), time="08:00")
    # day 18: D-dimer 0.40 mg/L FEU (ratio 0.8) next to 7.0 mg/L FEU without reference range
    normal_panel(s, 18, dd=None)
    s.lab("d-dimer", 18, "0.40", time="07:00")
    s.lab("d-dimer", 18, "7.0", ref=None, time="08:00")
    cql = [{
        "asOf": s.as_of(18), "infusionDate": DAY0, "asOfDay": 18,
        "days": [
            # d6: readable PT prolongation 0.5 -> 0, but PT 19 s has no ULN: ISTH PT missing (not max 2)
            #     ISTH 0 + 2 < 5 not met; CDSS PT/APTT missing (PT unknown) -> 2 + fall 1 + 2 = 5 < 6 not met
            #     R-COAG: PT ? (19 s might be >= 3 s over its ULN) -> not evaluable
            {"day": 6, "cwGrade": None, "cwGradeAtLeast": 0,
             "isth": {"status": "not-met", "points": 0, "missing": ["pt"], "items": {"pt": None}},
             "cdss": {"status": "not-met", "items": {"pt-aptt": None}},
             "rules": {"coagulopathy": None, "coagulopathyUnknownInputs": ["pt"]}},
            # d8: readable PT +6.5 s -> 2 points = the item's maximum: the unreadable PT cannot change it
            #     ISTH 0 + 2 + 0 + 0 = 2 not met; CDSS PT/APTT 2 -> 2 + fall 0 + 2 = 4 < 6; R-COAG true (PT)
            {"day": 8, "cwGrade": 1, "cwGradeAtLeast": 1,
             "isth": {"status": "not-met", "points": 2, "missing": [], "items": {"pt": 2}},
             "cdss": {"items": {"pt-aptt": 2}},
             "rules": {"coagulopathy": True, "coagulopathyReasons": ["pt"]}},
            # d14: PT 0 (determinate); APTT readable +5 -> 0, censored APTT may be worse: APTT unknown ->
            #      CDSS PT/APTT missing (2) -> 2 + 0 + 0 + 0 + 0 = 2; 2 + 2 = 4 < 6 not met; ISTH complete 0
            #      R-COAG: APTT ? -> not evaluable
            {"day": 14, "cwGrade": None, "cwGradeAtLeast": 0, "unreadable": ["aptt"],
             "isth": {"status": "not-met", "points": 0, "missing": []},
             "cdss": {"status": "not-met", "points": 2, "missing": ["pt-aptt"], "items": {"pt-aptt": None}},
             "rules": {"coagulopathy": None, "coagulopathyUnknownInputs": ["aptt"]}},
            # d16: ISTH D-dimer by ratio: FEU 0.8 and DDU 500/230 = 2.17 -> 2 points (both readable)
            #      CDSS D-dimer needs FEU: FEU 0.40 -> 0, but the DDU result may be the worst -> missing (3)
            #      ISTH 0+0+0+2 = 2 not met; CDSS 2 + 0 + 0 + ? + 0 + 0 = 2; 2 + 3 = 5 < 6 not met
            #      R-COAG false (D-dimer is not an R-COAG input; DIC not met) -> grade 0
            {"day": 16, "cwGrade": 0, "cwGradeAtLeast": 0,
             "isth": {"status": "not-met", "points": 2, "items": {"d-dimer": 2}},
             "cdss": {"status": "not-met", "points": 2, "missing": ["d-dimer"], "items": {"d-dimer": None}}},
            # d18: ISTH D-dimer: readable ratio 0.8 -> 0, 7.0 without ULN may be higher -> missing (3): 0 + 3 < 5
            #      CDSS D-dimer absolute FEU: worst 7.0 mg/L -> 2 (no ULN needed) -> 2 + 0 + 0 + 2 = 4 not met
            {"day": 18, "cwGrade": 0, "cwGradeAtLeast": 0,
             "isth": {"status": "not-met", "points": 0, "missing": ["d-dimer"], "items": {"d-dimer": None}},
             "cdss": {"status": "not-met", "points": 4, "items": {"d-dimer": 2}}},
        ]}]
    cards = [grade_entry(s.as_of(18), 0, 0, [card("R-MON", "info", ["day 7"])])]
    write(s, "Worst-of-day with unreadable results", "§7.2, §7.3 (clarified 2026-12)", s.as_of(18), cql, cards,
          "An uninterpretable result of a day may be its worst: PT without ULN next to a readable PT (day 6, "
          "indeterminate; day 8, readable already at the item's maximum), censored APTT (day 14), DDU next to "
          "FEU for the CDSS (day 16) and D-dimer without ULN for the ISTH ratio (day 18).")


# ---- Defect 3: a value next to dataAbsentReason (P2) -----------------------------------------------------

def data_absent():
    s = Story("tv-data-absent-reason", DAY0)
    s.car_t(0)
    dar = {"dataAbsentReason": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                            "code": "error"}]}}
    normal_panel(s, 6)
    bad6 = s.lab("fibrinogen", 6, "0.8", time="07:00", **dar)    # value AND dataAbsentReason: not interpretable
    normal_panel(s, 8, fib="1.2")                                # readable 1.2 < 1.5 stands
    bad8 = s.lab("fibrinogen", 8, "0.8", time="07:00", **dar)
    ref = lambda r: f"Observation/{r['id']}"
    cql = [{
        "asOf": s.as_of(8), "infusionDate": DAY0, "asOfDay": 8,
        "dataQuality": [{"resource": ref(bad6), "code": "data-absent"}, {"resource": ref(bad8), "code": "data-absent"}],
        "dataQualityCount": 2,
        "days": [
            # d6: readable fib 3.0 -> ISTH 0 / R-FIB no, but the data-absent 0.8 may be the worst: ISTH fib missing
            #     (0 + 1 < 5 not met), CDSS fib missing; R-COAG fibrinogen ? -> not evaluable
            {"day": 6, "cwGrade": None, "cwGradeAtLeast": 0, "unreadable": ["fibrinogen"],
             "values": {"fibrinogen": {"value": 3.0, "unit": "g/L"}},
             "isth": {"status": "not-met", "missing": ["fibrinogen"], "items": {"fibrinogen": None}},
             "rules": {"lowFibrinogen": None, "coagulopathy": None, "coagulopathyUnknownInputs": ["fibrinogen"]}},
            # d8: readable 1.2 < 1.5 -> R-FIB true and R-COAG true whatever the data-absent one says; ISTH fib:
            #     1.2 >= 1.0 -> 0, not the maximum 1 -> missing
            {"day": 8, "cwGrade": 1, "cwGradeAtLeast": 1,
             "values": {"fibrinogen": {"value": 1.2, "unit": "g/L"}},
             "isth": {"missing": ["fibrinogen"]},
             "rules": {"lowFibrinogen": True, "coagulopathy": True}},
        ]}]
    cards = [grade_entry(s.as_of(6), None, 0),
             grade_entry(s.as_of(8), 1, 1, [card("R-FIB", "warning", ["Fibrinogen 1.2 g/L on day 8"]),
                                             card("R-MON", "info", ["day 7"])])]
    write(s, "Value next to dataAbsentReason", "fhir-input-profile P2, P10; §7.2", s.as_of(8), cql, cards,
          "A fibrinogen with a value and a dataAbsentReason is not interpretable (data-quality line) and may be the "
          "day's worst: day 6 R-COAG not evaluable; day 8 the readable 1.2 g/L still fires R-FIB.")


# ---- Defects 4 and 5: AdverseEvent; ISTH major bleeding at least grade 3 (P6, §3.4, §3.5) ---------------

def adverse_event(s, day, code, system, grade=None, actuality="actual", isth_major=None, time="10:00"):
    ae = {"resourceType": "AdverseEvent", "id": s.next_id("ae"), "actuality": actuality,
          "event": {"coding": [{"system": system, "code": code}]}, "subject": s.subject(),
          "date": s.dt(day, time)}
    ext = []
    if grade:
        ext.append({"url": AE_GRADE, "valueCodeableConcept": {"coding": [{"system": NCIT, "code": GRADE[grade]}]}})
    if isth_major is not None:
        ext.append({"url": BASE + "/StructureDefinition/isth-major-bleeding", "valueBoolean": isth_major})
    if ext:
        ae["extension"] = ext
    return s.add(ae)


def adverse_events():
    s = Story("tv-adverse-event", DAY0)
    s.car_t(0)
    for d in (6, 7, 8, 9):
        normal_panel(s, d)
    adverse_event(s, 7, "131148009", SNOMED, grade=2)                       # bleeding grade 2 (R4 AdverseEvent)
    adverse_event(s, 7, "59282003", SNOMED, grade=4, actuality="potential")  # potential: never counted
    adverse_event(s, 8, "59282003", SNOMED, grade=3)                         # PE grade 3, actual
    cql = [{"asOf": s.as_of(9), "infusionDate": DAY0, "asOfDay": 9,
            "days": [{"day": 6, "cwGrade": 0}, {"day": 7, "cwGrade": 2}, {"day": 8, "cwGrade": 3},
                     {"day": 9, "cwGrade": 3}]}]
    cards = [grade_entry(s.as_of(6), 0, 0), grade_entry(s.as_of(7), 2, 2), grade_entry(s.as_of(8), 3, 3)]
    write(s, "Bleeding and thrombosis as R4 AdverseEvent", "fhir-input-profile P6; §3.4", s.as_of(9), cql, cards,
          "Bleeding grade 2 (day 7) and PE grade 3 (day 8) recorded only as actual AdverseEvents raise the CW-grade; "
          "a potential AdverseEvent (grade 4) is ignored.")


def isth_major_grade():
    s = Story("tv-isth-major-grade", DAY0)
    s.car_t(0)
    for d in (6, 7, 8, 9):
        normal_panel(s, d)
    s.condition(6, SNOMED, "131148009", "bleed", grade_nci=GRADE[2])                     # below: ordinary, 2
    s.condition(7, SNOMED, "131148009", "bleed", grade_nci=GRADE[1], isth_major=True)    # at: major, 1 -> 3
    s.condition(9, SNOMED, "1386000", "ich", grade_nci=GRADE[4])                        # above: ICH 4 stays 4
    t = Story("tv-ich-documented-grade-2", DAY0)
    t.car_t(0)
    for d in (6, 7):
        normal_panel(t, d)
    t.condition(7, ICD10CM, "I61.9", "ich", grade_nci=GRADE[2])                         # ICH documented 2 -> 3
    adverse_event(t, 7, "131148009", SNOMED, grade=1, isth_major=True, time="11:00")    # AE major flag, 1 -> 3
    cql = [{"asOf": s.as_of(9), "infusionDate": DAY0, "asOfDay": 9,
            "days": [{"day": 6, "cwGrade": 2}, {"day": 7, "cwGrade": 3}, {"day": 8, "cwGrade": 3},
                     {"day": 9, "cwGrade": 4}]}]
    cards = [grade_entry(s.as_of(6), 2, 2), grade_entry(s.as_of(7), 3, 3), grade_entry(s.as_of(9), 4, 4)]
    write(s, "ISTH major bleeding is at least grade 3", "§3.4, §3.5; fhir-input-profile P6", s.as_of(9), cql, cards,
          "Ordinary bleeding grade 2 stays 2 (day 6); bleeding flagged ISTH major documented grade 1 counts 3 "
          "(day 7); intracranial haemorrhage documented grade 4 stays 4 (day 9).")
    cql = [{"asOf": t.as_of(7), "infusionDate": DAY0, "asOfDay": 7,
            "days": [{"day": 6, "cwGrade": 0}, {"day": 7, "cwGrade": 3}]}]
    write(t, "Intracranial haemorrhage documented grade 2", "§3.4, §3.5; fhir-input-profile P6", t.as_of(7), cql,
          [grade_entry(t.as_of(6), 0, 0), grade_entry(t.as_of(7), 3, 3)],
          "ICD-10-CM I61.9 with a documented CTCAE grade 2 and an AdverseEvent flagged ISTH major with grade 1 are "
          "both ISTH major bleeding: CW-grade 3.")


# ---- Defect 6: records at exactly the as-of instant (P1) ----------------------------------------------

def as_of_boundary():
    s = Story("tv-as-of-boundary", DAY0)
    s.car_t(0)
    normal_panel(s, 6)
    normal_panel(s, 7)
    s.lab("platelets", 7, "45", time="18:00")                                   # lab at exactly as-of
    s.condition(7, SNOMED, "131148009", "bleed", time="18:00", grade_nci=GRADE[2])   # written 18:00:00
    shock = s.cdss_clinical(7, "shock", time="18:00")
    shock["effectiveDateTime"] = f"{s.date(7)}T18:00:00.000+08:00"              # same instant, with milliseconds
    s.condition(7, SNOMED, "59282003", "pe", time="18:00", grade_nci=GRADE[4])
    s.resources[-1]["onsetDateTime"] = f"{s.date(7)}T18:00:01+08:00"           # one second later: not yet known
    before = f"{s.date(7)}T17:59:59+08:00"
    cql = [
        # A = 7 18:00: platelets 45 (06:00 count 200 -> fall 77.5 % -> 1); CDSS 2 + shock 1 + plt 1 + fall 1 +
        #   0 + 0 + 0 = 5 < 6 not met; ISTH plt 2 -> 2 not met. R-COAG true (platelets) -> LabGrade 1; bleeding
        #   grade 2 at 18:00:00 counts -> CW-grade 2; the PE at 18:00:01 does not (else 4)
        {"asOf": s.as_of(7), "infusionDate": DAY0, "asOfDay": 7,
         "days": [{"day": 7, "cwGrade": 2, "cwGradeAtLeast": 2,
                   "cdss": {"status": "not-met", "points": 5, "items": {"clinical-shock": 1, "platelet-fall-24h": 1}},
                   "isth": {"status": "not-met", "points": 2}}]},
        # A = 7 17:59:59: none of the 18:00 records is known yet: complete normal panels -> grade 0
        {"asOf": before, "infusionDate": DAY0, "asOfDay": 7,
         "days": [{"day": 7, "cwGrade": 0, "cdss": {"points": 2, "items": {"clinical-shock": 0}}}]},
    ]
    cards = [grade_entry(s.as_of(7), 2, 2), grade_entry(before, 0, 0)]
    write(s, "Records at exactly the as-of instant", "fhir-input-profile P1", s.as_of(7), cql, cards,
          "A lab, a bleeding Condition (18:00:00) and a CDSS item (18:00:00.000) dated exactly at the as-of instant "
          "are known; a PE one second later is not. At 17:59:59 none of them is.")


# ---- Defect 7: day 0 after the as-of date in another UTC offset (P3.1) -------------------------------

def day0_after_as_of_date():
    s = Story("tv-day0-local-date-after-as-of", "2025-11-04", offset="+10:00")
    s.car_t(0, time="05:00")          # 2025-11-04T05:00+10:00 = 2025-11-03T19:00Z
    s.lab("platelets", 0, "180", time="07:00")
    first = "2025-11-03T20:00:00+00:00"      # after the record's instant, but the as-of date is 11-03 < 11-04
    later = "2025-11-04T20:00:00+00:00"      # as-of date 11-04 = day 0
    cql = [{"asOf": first, "infusionDate": None, "asOfDay": None},
           {"asOf": later, "infusionDate": "2025-11-04", "asOfDay": 0}]
    cards = [{"asOf": first, "cards": []}, {"asOf": later, "cards": []}]
    write(s, "Day 0 written on a later local date than the as-of date", "fhir-input-profile P3.1, P1", later, cql,
          cards, "The CAR-T record is known at the first as-of (its instant is earlier) but its own local date is "
          "the next day: no course yet (never as-of day -1). A day later day 0 is that date.")


# ---- §4.3 clarified: 24-h platelet fall over every timed count; previous 0 ---------------------------

def platelet_fall():
    s = Story("tv-platelet-fall-every-count", DAY0)
    s.car_t(0)
    s.lab("platelets", 5, "200", time="20:00")
    tie_a = s.lab("platelets", 6, "100", time="06:00")      # (200-100)/200 = 50 %
    s.lab("platelets", 6, "100", time="12:00")              # the same fall: ties keep the earliest count
    s.lab("platelets", 7, "300", time="08:00")
    big = s.lab("platelets", 8, "140", time="06:00")         # previous 300 (22 h before): 53.3 % -> 1
    s.lab("platelets", 8, "120", time="20:00")               # lowest of day 8; previous 140 only: 14.3 %
    s.lab("platelets", 14, "0", time="00:30")
    s.lab("platelets", 14, "0", time="06:00")                # previous count 0: no fall
    s.lab("platelets", 16, "90", effective=s.date(16))       # date-only: never in the 24-h fall
    ref = lambda r: f"Observation/{r['id']}"
    cql = [{"asOf": s.as_of(16), "infusionDate": DAY0, "asOfDay": 16,
            "days": [
                {"day": 6, "plateletFall24h": {"current": 100, "previous": 200, "observation": ref(tie_a),
                                               "fraction": 0.5},
                 "cdss": {"items": {"platelet-fall-24h": 1}}},
                # old reading (lowest count only: 120 vs 140) would give 0 points
                {"day": 8, "plateletFall24h": {"current": 140, "previous": 300, "observation": ref(big)},
                 "cdss": {"items": {"platelet-fall-24h": 1, "platelets": 0}}},
                {"day": 14, "plateletFall24h": {"current": 0, "previous": 0, "fraction": 0},
                 "cdss": {"items": {"platelet-fall-24h": 0, "platelets": 1}}},
                {"day": 16, "plateletFall24h": None, "cdss": {"items": {"platelet-fall-24h": None}}},
            ]}]
    cards = [{"asOf": s.as_of(16), "cards": [card("R-MON", "info", ["day 6"])]}]
    write(s, "CDSS 24-h fall over every timed count", "§4.3 (clarified 2026-12)", s.as_of(16), cql, cards,
          "Two counts with the same 50 % fall (the earliest is quoted); the largest fall of a day is not at its "
          "lowest count (day 8: 53 % at 140, 14 % at 120); a previous count of 0 gives no fall; a date-only count "
          "never enters the fall.")


# ---- Issue 13 item 6 (clinical part): implausible values -----------------------------------------------

def implausible():
    s = Story("tv-implausible-value", DAY0)
    s.car_t(0)
    normal_panel(s, 6)
    huge = s.lab("d-dimer", 6, "1e120", time="07:00")
    negative = s.lab("platelets", 6, "-5", time="07:00")
    ref = lambda r: f"Observation/{r['id']}"
    cql = [{"asOf": s.as_of(6), "infusionDate": DAY0, "asOfDay": 6,
            "dataQuality": [{"resource": ref(huge), "code": "implausible-value"},
                            {"resource": ref(negative), "code": "implausible-value"}],
            "dataQualityCount": 2,
            # readable D-dimer 0.30 (ratio 0.6) -> 0, the implausible one may not be read: ISTH D-dimer and
            # platelets missing (0 + 2 + 3 >= 5: indeterminate); CDSS D-dimer, platelets and fall missing
            # (2 + 3 + 1 + 1 >= 6: indeterminate) -> R-DIC not evaluable -> R-COAG not evaluable
            "days": [{"day": 6, "cwGrade": None, "cwGradeAtLeast": 0, "unreadable": ["d-dimer", "platelets"],
                      "values": {"d-dimer": {"value": 0.30}, "platelets": {"value": 200}},
                      "isth": {"status": "indeterminate", "missing": ["platelets", "d-dimer"]},
                      "cdss": {"status": "indeterminate"},
                      "rules": {"dic": None, "coagulopathy": None}}]}]
    cards = [grade_entry(s.as_of(6), None, 0)]
    write(s, "Implausible values are data-quality lines", "§7.2; fhir-input-profile P10", s.as_of(6), cql, cards,
          "A D-dimer of 1e120 mg/L and a platelet count of -5 are never score inputs: each is a data-quality line "
          "and leaves its items indeterminate; cards stay within their limits.")


# ---- Three-valued R-ALT, R-DIC-MGMT guard, R-THR, R-BLD (§7.3 clarified) -------------------------------

def rules_three_valued():
    s = Story("tv-rules-three-valued", DAY0)
    s.car_t(0)
    s.lab("platelets", -3, "200")                                   # baseline platelets 200 (>= 100)
    for d in (6, 7):
        normal_panel(s, d)
    s.lab("alt", 6, "150", ref=None)                                # ALT without any ULN: R-ALT not evaluable
    s.lab("alt", 7, "130")                                          # 130 / 40 = 3.25 > 3: R-ALT true
    # day 8: DIC without a platelet count: PT 19.5 (+6.0 -> 2) | fib 0.9 (-> 1) | D-dimer 2.5/0.5 = 5 (-> 3)
    #        ISTH 6 >= 5 -> overt, whatever platelets (max 2) would add; R-DIC-MGMT guard: platelets unknown,
    #        no bleeding -> not evaluable -> LMWH not suggested (only a guard known to be clear allows it)
    s.lab("pt", 8, "19.5")
    s.lab("fibrinogen", 8, "0.9")
    s.lab("d-dimer", 8, "2.5")
    s.lab("aptt", 8, "30.0")
    cql = [
        # A = 7: R-THR: ICANS none -> no | D-dimer ratios 0.6 -> no | baseline platelets 200 -> no |
        #        consumptive: fib 3.0 -> no  => false (every factor present and none met)
        #        R-BLD: EASIX not computable (no LDH, creatinine) -> ? | IL-10 not measured -> ? | platelets no |
        #        ICANS no => not evaluable
        {"asOf": s.as_of(7), "infusionDate": DAY0, "asOfDay": 7,
         "days": [{"day": 6, "rules": {"altAboveMultiple": None}},
                  {"day": 7, "rules": {"altAboveMultiple": True}}],
         "course": {"thrombosisRisk": False, "thrombosisRiskUnknownFactors": [],
                    "bleedingRisk": None, "bleedingRiskUnknownFactors": ["easix", "il-10"]}},
        # A = 8: D-dimer ratio 5.0 is not > 5 -> R-THR (b) no; fib 0.9 and PT 19.5 > 15 -> consumptive -> R-THR true
        {"asOf": s.as_of(8), "infusionDate": DAY0, "asOfDay": 8,
         "days": [{"day": 8, "cwGrade": 3, "isth": {"status": "met", "points": 6, "missing": ["platelets"]},
                   "rules": {"dic": True, "lmwhGuard": None, "lmwhSuppressed": True,
                             "lmwhSuppressedBecause": ["platelets-unknown"], "consumptivePattern": True,
                             "dDimerAboveThrombosisRatio": False}}],
         "course": {"thrombosisRisk": True}},
    ]
    cards = [
        {"asOf": s.as_of(7), "cwGrade": 0, "cards": [card("R-ALT", "warning", ["3.25", "day 7"])]},
        {"asOf": s.as_of(8), "cwGrade": 3, "cards": [
            card("R-DIC", "critical", ["day 8"]),
            card("R-DIC-MGMT", "critical", ["LMWH not suggested"], ["no platelet count on day 8"]),
            card("R-FIB", "warning", ["0.9 g/L"]), card("R-ALT", "warning", ["day 7"]),
            card("R-THR", "info", ["consumptive pattern day 8"])]},
    ]
    write(s, "Three-valued R-ALT, LMWH guard, R-THR and R-BLD", "§7.3 (clarified 2026-12), §7.4", s.as_of(8), cql,
          cards, "ALT without ULN leaves R-ALT not evaluable (day 6); DIC on a day without platelet count leaves the "
          "LMWH safety guard not evaluable, so LMWH is not suggested (day 8); R-THR is false only when every "
          "factor was there to look at; R-BLD stays not evaluable without EASIX and IL-10.")


if __name__ == "__main__":
    for f in (coag_not_evaluable, worst_of_day, data_absent, adverse_events, isth_major_grade, as_of_boundary,
              day0_after_as_of_date, platelet_fall, implausible, rules_three_valued):
        f()
