"""Stories for clinical-reference.md §9 TC-09 .. TC-15, one data-quality story and one course/time story.

Run: python3 fhir-resources/generator/tc09_15.py  (writes the folders under ../scenarios/).
Expected numbers are written as literals; the hand arithmetic is in the comments next to them.
Results are at 06:00 (+08:00) unless stated; every as-of is 18:00 (+08:00) of its day.
"""
from fhirgen import Story, SNOMED, UCUM

NCI_GRADE = {1: "C41338", 2: "C41339", 3: "C41340", 4: "C41337", 5: "C48275"}


def full_panels(s, rows):
    """rows: {day: (plt, pt, aptt, fib, dd)}; None = not resulted."""
    for day, (plt, pt, aptt, fib, dd) in sorted(rows.items()):
        s.panel(day, plt=plt, pt=pt, aptt=aptt, fib=fib, dd=dd)


def isth(status, points, missing=(), items=None):
    d = {"status": status, "points": points, "missing": list(missing)}
    if items is not None:
        d["items"] = items
    return d


def cdss(status, points, missing=(), items=None):
    return isth(status, points, missing, items)


# =====================================================================================================
# TC-09a  EASIX with creatinine in umol/L (baseline day -6, LD day -5)
# =====================================================================================================
def tc09a():
    s = Story("tc-09a-easix-creatinine-umol", "2025-07-07")
    s.lab("ldh", -6, 420)
    s.lab("creatinine-molar", -6, 106)              # 14682-9, umol/L; 106 / 88.4 = 1.199095... mg/dL
    s.lab("platelets", -6, 62)
    s.lab("il-10", -6, "9.2")
    s.lymphodepletion(-5)
    s.car_t(0, "axi-cel")
    a = s.as_of(1)
    expected = [{
        "asOf": a, "infusionDate": "2025-07-07", "asOfDay": 1, "firstDay": -7, "lastDay": 1,
        "days": [{
            "day": -6, "date": "2025-07-01",
            "values": {
                "ldh": {"value": 420, "unit": "U/L"},
                # converted: 106 umol/L / 88.4 = 1.19909502... (not exact) -> only the canonical unit
                "creatinine": {"unit": "mg/dL"},
                "platelets": {"value": 62, "unit": "10*9/L"},
                "il-10": {"value": 9.2, "unit": "pg/mL"},
            }}]}]
    s.write("TC-09a EASIX with creatinine in umol/L", "§9 TC-09", a, expected,
            "Baseline day -6 (LD day -5): LDH 420 U/L, creatinine 106 umol/L (14682-9) = 1.19910 mg/dL, "
            "platelets 62, IL-10 9.2 pg/mL. EASIX = 420 x 1.19910 / 62 = 8.12 > 7.65; IL-10 > 7.98 -> "
            "WANGX23 high group; R-BLD (a)(b)(c), R-THR (c).")


# =====================================================================================================
# TC-09b  EASIX and IL-10 exactly at cut-off
# =====================================================================================================
def tc09b():
    s = Story("tc-09b-easix-il10-at-cutoff", "2025-07-14")
    s.lab("ldh", -6, 306)
    s.lab("creatinine", -6, "1.00")
    s.lab("platelets", -6, 40)
    s.lab("il-10", -6, "7.98")
    s.lab("crp", -6, 25)
    s.lymphodepletion(-5)
    s.car_t(0, "axi-cel")
    a = s.as_of(1)
    expected = [{
        "asOf": a, "infusionDate": "2025-07-14", "asOfDay": 1, "firstDay": -7, "lastDay": 1,
        "days": [{
            "day": -6, "date": "2025-07-08",
            "values": {
                "ldh": {"value": 306, "unit": "U/L"},
                "creatinine": {"value": 1.00, "unit": "mg/dL"},
                "platelets": {"value": 40, "unit": "10*9/L"},
                "il-10": {"value": 7.98, "unit": "pg/mL"},
                "crp": {"value": 25, "unit": "mg/L"},
            }}]}]
    s.write("TC-09b EASIX and IL-10 exactly at cut-off", "§9 TC-09", a, expected,
            "Baseline day -6 (LD day -5): LDH 306, creatinine 1.00 mg/dL, platelets 40, IL-10 7.98 pg/mL, "
            "CRP 25 mg/L. EASIX = 306 x 1.00 / 40 = 7.65 (not > 7.65); IL-10 not > 7.98; m-EASIX "
            "306 x 2.5 / 40 = 19.13 (display). R-BLD only (c) plt 40 < 100; WANGX23 group low.")


# =====================================================================================================
# TC-10  Tocilizumab and falling fibrinogen
# =====================================================================================================
def tc10():
    s = Story("tc-10-tocilizumab-falling-fibrinogen", "2025-08-04")
    s.car_t(0, "axi-cel")
    s.crs(3, 2, abatement_day=5)          # CRS 2 days 3-5
    s.crs(6, 1, abatement_day=6)          # CRS 1 day 6, none day 7
    s.tocilizumab(3)
    s.tocilizumab(4)
    # days 3-6: PT <= 14.0, APTT <= 36, plt >= 120 (filled inside Lab profile A); fibrinogen d4 not resulted
    full_panels(s, {
        3: (180, 13.0, 32, 4.8, 0.40),
        4: (170, 13.2, 33, None, 0.45),
        5: (160, 13.4, 34, 2.9, 0.50),
        6: (150, 13.5, 35, 1.6, 0.90),
        7: (110, 14.5, 36, 1.45, 1.6),
    })
    a = s.as_of(7)
    expected = [{
        "asOf": a, "infusionDate": "2025-08-04", "asOfDay": 7, "firstDay": -7, "lastDay": 7,
        "days": [
            # d3: 180 -> 0 | 13.0-13.5=-0.5 -> 0 | 4.8 -> 0 | 0.40/0.50=0.8 -> 0 => 0
            {"day": 3, "date": "2025-08-07", "values": {"fibrinogen": {"value": 4.8, "unit": "g/L"}},
             "isth": isth("not-met", 0, [], {"platelets": 0, "pt": 0, "fibrinogen": 0, "d-dimer": 0})},
            # d4: fibrinogen missing (max 1): 0 + 0 + 0.9 -> 0 => partial 0, 0+1 < 5 -> not-met
            #     CDSS: 2 + plt 0 + fall (180-170)/180=5.6% -> 0 + dd 0 + PT/APTT 0 + fib missing(1) => 3 < 6
            {"day": 4, "date": "2025-08-08", "values": {"fibrinogen": None},
             "isth": isth("not-met", 0, ["fibrinogen"], {"fibrinogen": None}),
             "cdss": cdss("not-met", 2, ["fibrinogen"], {"fibrinogen": None, "platelet-fall-24h": 0})},
            # d5: D-dimer 0.50/0.50 = 1.0 -> r <= 1 -> 0
            {"day": 5, "values": {"fibrinogen": {"value": 2.9}, "d-dimer": {"value": 0.50, "ratio": 1.0}},
             "isth": isth("not-met", 0, [], {"d-dimer": 0})},
            # d6: 150 -> 0 | 13.5-13.5=0 -> 0 | 1.6 -> 0 | 0.9/0.5=1.8 -> 2 => 2
            {"day": 6, "values": {"fibrinogen": {"value": 1.6, "unit": "g/L"}},
             "isth": isth("not-met", 2, [], {"platelets": 0, "pt": 0, "fibrinogen": 0, "d-dimer": 2})},
            # d7: 110 -> 0 | 14.5-13.5=1.0 -> 0 | 1.45 -> 0 | 1.6/0.5=3.2 -> 2 => 2
            #     CDSS: 2 + 0 + plt 110 -> 0 + fall (150-110)/150=26.7% -> 0 + dd 1.6 < 5 -> 0
            #           + PT 1.0 < 3, APTT 36-35=1 < 10 -> 0 + fib 1.45 -> 0 => 2
            {"day": 7, "date": "2025-08-11",
             "values": {"platelets": {"value": 110, "unit": "10*9/L"},
                        "pt": {"value": 14.5, "unit": "s", "uln": 13.5, "prolongation": 1.0},
                        "aptt": {"value": 36, "uln": 35.0, "prolongation": 1},
                        "fibrinogen": {"value": 1.45, "unit": "g/L"},
                        "d-dimer": {"value": 1.6, "unit": "mg/L{FEU}", "uln": 0.50, "ratio": 3.2}},
             "isth": isth("not-met", 2, [], {"platelets": 0, "pt": 0, "fibrinogen": 0, "d-dimer": 2}),
             "cdss": cdss("not-met", 2, [], {"underlying-disease": 2, "clinical-bleeding": 0,
                                             "clinical-shock": 0, "clinical-organ-dysfunction": 0,
                                             "platelets": 0, "platelet-fall-24h": 0, "d-dimer": 0,
                                             "pt-aptt": 0, "fibrinogen": 0})},
        ]}]
    s.write("TC-10 Tocilizumab and falling fibrinogen", "§9 TC-10", a, expected,
            "Axi-cel. Tocilizumab days 3 and 4; CRS 2 days 3-5, CRS 1 day 6, none day 7. Fibrinogen d3 4.8, "
            "d4 not resulted, d5 2.9, d6 1.6, d7 1.45 g/L. Day 7: plt 110, PT 14.5, APTT 36, D-dimer 1.6. "
            "R-FIB d7 with Perl 2024 context; R-STEROID d4 not evaluable (fibrinogen missing).")


# =====================================================================================================
# TC-11  Thrombosis risk without DIC, then DVT
# =====================================================================================================
def tc11():
    s = Story("tc-11-thrombosis-risk-then-dvt", "2025-08-11")
    s.lab("platelets", -6, 180)                    # baseline (day -6, LD day -5)
    s.lymphodepletion(-5)
    cart = s.car_t(0, "brexu-cel")
    icans = s.icans(8, 3)                           # G92.03 onset day 8
    # complete panels days 6-23; days 6-8 and 10-21 filled inside Lab profile A
    full_panels(s, {
        6: (220, 12.6, 30, 3.2, 0.30),
        7: (190, 12.9, 31, 2.8, 0.40),
        8: (155, 13.2, 33, 2.3, 0.50),
        9: (85, 15.4, 36, 1.3, 3.1),
        10: (150, 13.4, 34, 2.0, 0.50),
        11: (155, 13.2, 33, 2.1, 0.48),
        12: (160, 13.0, 32, 2.2, 0.45),
        13: (165, 12.9, 32, 2.3, 0.42),
        14: (170, 12.8, 31, 2.4, 0.40),
        15: (175, 12.7, 31, 2.5, 0.38),
        16: (180, 12.6, 30, 2.5, 0.35),
        17: (178, 12.6, 30, 2.6, 0.35),
        18: (176, 12.7, 31, 2.6, 0.34),
        19: (172, 12.8, 31, 2.7, 0.33),
        20: (168, 12.8, 32, 2.7, 0.40),
        21: (165, 12.9, 32, 2.6, 0.48),
        22: (160, 13.0, 33, 2.6, 1.8),
        23: (160, 13.0, 33, 2.6, 1.8),
    })
    dvt = s.condition(23, SNOMED, "128053003", "dvt", grade_nci=NCI_GRADE[2])  # DVT, anticoagulated -> grade 2
    # the anticoagulation (chart context only): enoxaparin given day 23; the order for it is a
    # MedicationRequest, which is not an administration and is never charted (fhir-input-profile P7)
    enox = s.anticoagulant(23, "enoxaparin", time="12:00")
    s.add({"resourceType": "MedicationRequest", "id": s.next_id("enox-order"), "status": "active",
           "intent": "order", "medicationCodeableConcept": enox["medicationCodeableConcept"],
           "subject": s.subject(), "authoredOn": s.dt(23, "10:00")})
    # d9: 85 -> 1 | 15.4-13.5=1.9 -> 0 | 1.3 -> 0 | 3.1/0.5=6.2 -> 3 => 4 (not overt)
    #     CDSS: 2 + 0 + plt 85 >= 50 -> 0 + fall (155-85)/155=45.2% -> 0 + dd 3.1 < 5 -> 0
    #           + PT 1.9 < 3, APTT 36-35=1 < 10 -> 0 + fib 1.3 >= 1.0 -> 0 => 2
    day9 = {"day": 9, "date": "2025-08-20",
            "values": {"platelets": {"value": 85, "unit": "10*9/L"},
                       "pt": {"value": 15.4, "uln": 13.5, "prolongation": 1.9},
                       "fibrinogen": {"value": 1.3, "unit": "g/L"},
                       "d-dimer": {"value": 3.1, "unit": "mg/L{FEU}", "uln": 0.50, "ratio": 6.2}},
            "isth": isth("not-met", 4, [], {"platelets": 1, "pt": 0, "fibrinogen": 0, "d-dimer": 3}),
            "cdss": cdss("not-met", 2, [], {"platelets": 0, "platelet-fall-24h": 0, "d-dimer": 0,
                                            "pt-aptt": 0, "fibrinogen": 0})}
    a9 = s.as_of(9)
    a23 = s.as_of(23)
    # d22/d23: 160 -> 0 | 13.0-13.5=-0.5 -> 0 | 2.6 -> 0 | 1.8/0.5=3.6 -> 2 => 2
    d2223 = lambda d, dt: {"day": d, "date": dt,
                           "values": {"platelets": {"value": 160}, "fibrinogen": {"value": 2.6},
                                      "d-dimer": {"value": 1.8, "ratio": 3.6}},
                           "isth": isth("not-met", 2, [], {"platelets": 0, "pt": 0, "fibrinogen": 0,
                                                            "d-dimer": 2})}
    expected = [
        {"asOf": a9, "infusionDate": "2025-08-11", "asOfDay": 9, "firstDay": -7, "lastDay": 9,
         "days": [{"day": -6, "values": {"platelets": {"value": 180, "unit": "10*9/L"}}}, day9]},
        {"asOf": a23, "infusionDate": "2025-08-11", "asOfDay": 23, "firstDay": -7, "lastDay": 23,
         "days": [day9, d2223(22, "2025-09-02"), d2223(23, "2025-09-03")]},
    ]
    s.write("TC-11 Thrombosis risk without DIC, then DVT", "§9 TC-11", a23, expected,
            "Brexu-cel, MCL. Baseline plt 180. ICANS 3 (G92.03) onset day 8. Day 9: plt 85, PT 15.4, APTT 36, "
            "fib 1.3, D-dimer 3.1 (ratio 6.2) -> ISTH 4. DVT (SNOMED 128053003, CTCAE grade 2) day 23, "
            "enoxaparin day 23. Complete panels days 6-23. CW-grade day 9 = 1, day 23 = 2.")
    # lymphodepletion is not a chart event
    by9 = [s.event("car-t", 0, cart), s.event("icans", 8, icans, 3)]
    s.write_chart([
        s.chart(a9, by9),
        s.chart(a23, by9 + [s.event("thrombosis", 23, dvt, 2), s.event("anticoagulant", 23, enox)]),
    ])


# =====================================================================================================
# TC-12  Intracranial haemorrhage + overt DIC
# =====================================================================================================
def tc12():
    s = Story("tc-12-ich-overt-dic", "2025-06-02")
    s.lab("platelets", -6, 150)
    s.lymphodepletion(-5)
    cart = s.car_t(0, "axi-cel")
    # days 6-15 and day 16 (except platelets 30) filled inside Lab profile A
    full_panels(s, {
        6: (240, 12.0, 28, 3.5, 0.20),
        7: (230, 12.2, 29, 3.4, 0.22),
        8: (220, 12.4, 30, 3.2, 0.25),
        9: (210, 12.5, 30, 3.0, 0.28),
        10: (200, 12.6, 31, 2.9, 0.30),
        11: (190, 12.8, 32, 2.7, 0.33),
        12: (180, 12.9, 32, 2.5, 0.36),
        13: (170, 13.0, 33, 2.4, 0.40),
        14: (160, 13.2, 33, 2.2, 0.44),
        15: (150, 13.3, 34, 2.1, 0.48),
        16: (30, 13.4, 34.5, 2.0, 0.50),
        17: (18, 17.5, 41, 1.2, 1.5),
    })
    ich = s.condition(17, SNOMED, "1386000", "ich", time="14:00", grade_nci=NCI_GRADE[4], isth_major=True)
    a = s.as_of(17)
    expected = [{
        "asOf": a, "infusionDate": "2025-06-02", "asOfDay": 17, "firstDay": -7, "lastDay": 17,
        "days": [
            {"day": 16, "values": {"platelets": {"value": 30, "unit": "10*9/L"}}},
            # ISTH d17: 18 -> 2 | 17.5-13.5=4.0 -> 1 | 1.2 -> 0 | 1.5/0.5=3.0 -> 2 => 5 (overt)
            # CDSS d17: 2 + 0 + plt 18 < 50 -> 1 + fall (30-18)/30=40% -> 0 + dd 1.5 < 5 -> 0
            #           + PT 4.0 >= 3 -> 1 + fib 1.2 -> 0 => 4 (< 6, nothing missing)
            {"day": 17, "date": "2025-06-19",
             "values": {"platelets": {"value": 18, "unit": "10*9/L"},
                        "pt": {"value": 17.5, "unit": "s", "uln": 13.5, "prolongation": 4.0},
                        "aptt": {"value": 41, "uln": 35.0, "prolongation": 6},
                        "fibrinogen": {"value": 1.2, "unit": "g/L"},
                        "d-dimer": {"value": 1.5, "unit": "mg/L{FEU}", "uln": 0.50, "ratio": 3.0}},
             "isth": isth("met", 5, [], {"platelets": 2, "pt": 1, "fibrinogen": 0, "d-dimer": 2}),
             "cdss": cdss("not-met", 4, [], {"underlying-disease": 2, "clinical-bleeding": 0,
                                             "clinical-shock": 0, "clinical-organ-dysfunction": 0,
                                             "platelets": 1, "platelet-fall-24h": 0, "d-dimer": 0,
                                             "pt-aptt": 1, "fibrinogen": 0})},
        ]}]
    s.write("TC-12 Intracranial haemorrhage + overt DIC (LMWH suppressed)", "§9 TC-12", a, expected,
            "Axi-cel. Baseline plt 150. Day 16 plt 30 (06:00). Day 17 (06:00): plt 18, PT 17.5, APTT 41, "
            "fib 1.2, D-dimer 1.5 -> ISTH 5 overt, CDSS 4. ICH (SNOMED 1386000, CTCAE 4, ISTH major) onset "
            "day 17 14:00. CW-grade 4; LMWH suppressed.")
    s.write_chart([s.chart(a, [s.event("car-t", 0, cart), s.event("bleeding", 17, ich, 4)])])


# =====================================================================================================
# TC-13a/b  CAR-HEMATOTOX
# =====================================================================================================
def tc13(slug, day0, title, vals, description):
    s = Story(slug, day0)
    anc, hb, plt, crp, ferritin = vals
    s.lab("anc", -6, anc)
    s.lab("hemoglobin", -6, hb)
    s.lab("platelets", -6, plt)
    s.lab("crp", -6, crp)
    s.lab("ferritin", -6, ferritin)
    s.lymphodepletion(-5)
    s.car_t(0, "axi-cel")
    a = s.as_of(1)
    expected = [{
        "asOf": a, "infusionDate": s.date(0), "asOfDay": 1, "firstDay": -7, "lastDay": 1,
        "days": [{"day": -6, "date": s.date(-6),
                  "values": {"anc": {"value": anc, "unit": "10*9/L"},
                             "hemoglobin": {"value": hb, "unit": "g/dL"},
                             "platelets": {"value": plt, "unit": "10*9/L"},
                             "crp": {"value": crp, "unit": "mg/L"},
                             "ferritin": {"value": ferritin, "unit": "ng/mL"}}}]}]
    s.write(title, "§9 TC-13", a, expected, description)


def tc13a():
    tc13("tc-13a-hematotox-high", "2025-09-01", "TC-13a CAR-HEMATOTOX high", (1.0, 8.5, 80, 42, 2500),
         "Baseline day -6 (LD day -5): ANC 1.0 -> 1, Hb 8.5 -> 1, plt 80 -> 1, CRP 42 mg/L = 4.2 mg/dL -> 1, "
         "ferritin 2500 -> 2; total 6 -> high. Baseline plt 80 < 100 -> R-THR (c), R-BLD (c).")


def tc13b():
    tc13("tc-13b-hematotox-low", "2025-09-08", "TC-13b CAR-HEMATOTOX low", (3.2, 12.1, 210, 5, 700),
         "Baseline day -6 (LD day -5): ANC 3.2 -> 0, Hb 12.1 -> 0, plt 210 -> 0, CRP 5 mg/L = 0.5 mg/dL -> 0, "
         "ferritin 700 -> 1; total 1 -> low. No baseline platelet flag.")


# =====================================================================================================
# TC-14  Monitoring gaps
# =====================================================================================================
def tc14():
    s = Story("tc-14-monitoring-gaps", "2025-09-15")
    s.car_t(0, "tisa-cel")
    s.lab("pt", 5, 12.9)                                   # day 5: PT only
    rows = {
        6: (150, 12.8, 31, 3.0, 0.45),                     # complete panel
        7: (140, 13.1, None, 2.8, None),                   # APTT and D-dimer missing
    }
    # days 8-19 complete, inside Lab profile A
    for i, d in enumerate(range(8, 20)):
        rows[d] = (155 + 5 * i, [12.5, 12.7, 12.9, 13.1, 13.3, 12.6][i % 6], [28, 30, 32, 33][i % 4],
                   [2.5, 2.8, 3.1, 3.4][i % 4], [0.25, 0.30, 0.35, 0.40, 0.45][i % 5])
    rows[20] = (215, 12.6, 30, 3.0, None)                  # day 20: D-dimer missing; day 21: nothing
    full_panels(s, rows)
    a8, a10, a22 = s.as_of(8), s.as_of(10), s.as_of(22)
    day5 = {"day": 5, "values": {"pt": {"value": 12.9, "unit": "s"}, "platelets": None, "aptt": None,
                                 "fibrinogen": None, "d-dimer": None}}
    # d7 ISTH: 140 -> 0 | 13.1-13.5=-0.4 -> 0 | 2.8 -> 0 | D-dimer missing (max 3) => 0; 0+3 < 5 -> not-met
    # d7 CDSS: 2 + 0 + plt 0 + fall (150-140)/150=6.7% -> 0 + dd missing(3) + pt-aptt missing (PT < 3,
    #          APTT missing; max 2) + fib 0 => 2; 2+3+2 = 7 >= 6 -> indeterminate
    day7 = {"day": 7, "date": "2025-09-22",
            "values": {"pt": {"value": 13.1}, "fibrinogen": {"value": 2.8}, "platelets": {"value": 140},
                       "aptt": None, "d-dimer": None},
            "isth": isth("not-met", 0, ["d-dimer"], {"platelets": 0, "pt": 0, "fibrinogen": 0, "d-dimer": None}),
            "cdss": cdss("indeterminate", 2, ["d-dimer", "pt-aptt"],
                         {"platelets": 0, "platelet-fall-24h": 0, "d-dimer": None, "pt-aptt": None,
                          "fibrinogen": 0})}
    # d20: plt 215 -> 0 | 12.6-13.5 -> 0 | 3.0 -> 0 | D-dimer missing => 0; 0+3 < 5 -> not-met
    #      CDSS: 2 + 0 + fall (d19 plt 210 -> 215: no fall) 0 + dd missing(3) + PT -0.9/APTT -5 -> 0 + fib 0
    #            => 2; 2+3 = 5 < 6 -> not-met
    day20 = {"day": 20, "values": {"d-dimer": None, "platelets": {"value": 215}},
             "isth": isth("not-met", 0, ["d-dimer"], {"d-dimer": None}),
             "cdss": cdss("not-met", 2, ["d-dimer"], {"d-dimer": None, "pt-aptt": 0, "platelet-fall-24h": 0})}
    # d21: nothing resulted -> ISTH partial 0, 0+2+2+1+3 = 8 -> indeterminate;
    #      CDSS 2 + 1+1+3+2+1 = 10 -> indeterminate
    day21 = {"day": 21, "date": "2025-10-06",
             "values": {"platelets": None, "pt": None, "aptt": None, "fibrinogen": None, "d-dimer": None},
             "isth": isth("indeterminate", 0, ["platelets", "pt", "fibrinogen", "d-dimer"]),
             "cdss": cdss("indeterminate", 2, ["platelets", "platelet-fall-24h", "d-dimer", "pt-aptt",
                                               "fibrinogen"])}
    expected = [
        {"asOf": a8, "infusionDate": "2025-09-15", "asOfDay": 8, "firstDay": -7, "lastDay": 8,
         "days": [day5, {"day": 6, "isth": isth("not-met", 0, [])}, day7]},
        {"asOf": a10, "infusionDate": "2025-09-15", "asOfDay": 10, "firstDay": -7, "lastDay": 10},
        {"asOf": a22, "infusionDate": "2025-09-15", "asOfDay": 22, "firstDay": -7, "lastDay": 22,
         "days": [day7, day20, day21]},
    ]
    s.write("TC-14 Monitoring gaps and determinate 'not overt' with missing items", "§9 TC-14", a22, expected,
            "Tisa-cel. Day 5 PT only; day 6 complete; day 7 PT 13.1, fib 2.8, plt 140 (APTT, D-dimer missing) "
            "-> ISTH not overt (determinate). Days 8-19 complete, day 20 D-dimer missing, day 21 nothing. "
            "As-of 8: R-MON day 7 (APTT, D-dimer). As-of 22: R-MON day 20 (D-dimer); in this single story "
            "day 7 also stays incomplete. R-PEAK as-of 10.")


# =====================================================================================================
# TC-15a  Split infusion defines day 0
# =====================================================================================================
def tc15a():
    s = Story("tc-15a-split-infusion-day0", "2025-06-02")
    # investigational CD19 CAR-T: no product code shipped -> administration recorded as Procedure CPT 38228
    doses = [s.car_t(d, kind="procedure") for d in (0, 1, 2)]
    s.lab("fibrinogen", 28, "1.3")                 # 2025-06-30
    s.lab("fibrinogen", 29, "1.1")                 # 2025-07-01, outside the window
    day28 = {"day": 28, "date": "2025-06-30",
             "values": {"fibrinogen": {"value": 1.3, "unit": "g/L"}},
             "isth": isth("indeterminate", 0, ["platelets", "pt", "d-dimer"], {"fibrinogen": 0})}
    expected = [
        {"asOf": s.as_of(d), "infusionDate": "2025-06-02", "asOfDay": d, "firstDay": -7, "lastDay": 28,
         "days": [day28]}
        for d in (28, 29, 30)]
    s.write("TC-15a Split infusion defines day 0", "§9 TC-15", s.as_of(29), expected,
            "Split doses 2025-06-02, 06-03, 06-04 (Procedure CPT 38228) -> day 0 = 2025-06-02. Fibrinogen 1.3 "
            "on 06-30 (day 28) and 1.1 on 07-01 (day 29, outside the window). As-of 06-30, 07-01, 07-02.")
    # every dose of the split infusion is charted on its own day
    s.write_chart([s.chart(s.as_of(29), [s.event("car-t", d, doses[d]) for d in (0, 1, 2)])])


# =====================================================================================================
# TC-15b  Patient without CAR-T
# =====================================================================================================
def tc15b():
    s = Story("tc-15b-no-car-t", "2025-06-02")       # nominal date only: no CAR-T record in the bundle
    s.lab("platelets", 12, 35)
    s.lab("fibrinogen", 12, "0.8")
    s.lab("d-dimer", 12, "8.0")
    s.steroid(12)                                    # a dose without day 0 has no day: never charted
    a = s.as_of(13)
    expected = [{"asOf": a, "infusionDate": None, "asOfDay": None, "firstDay": None, "lastDay": None,
                 "days": []}]
    s.write_chart([s.chart(a, [], window=False)])                # no day axis: no window, no events
    s.write("TC-15b Patient without CAR-T gets nothing", "§9 TC-15", a, expected,
            "DLBCL, platelets 35, fibrinogen 0.8, D-dimer 8.0 on 2025-06-14; no CAR-T administration or "
            "procedure (a dexamethasone dose on 06-14) -> no day 0, no days, no chart events, no CARAC card "
            "('no CAR-T infusion found').")


# =====================================================================================================
# Data quality: one Observation per data-quality code
# =====================================================================================================
def dq():
    s = Story("dq-unit-and-status-problems", "2025-10-06")
    s.car_t(0, "axi-cel")
    ref = lambda o: "Observation/" + o["id"]
    dq_entries = []

    def bad(code, obs, resource=None):
        dq_entries.append({"resource": resource or ref(obs), "code": code})

    good = {
        5: (185, 12.4, 30, 3.1, 0.35),
        6: (180, 12.5, 30, 3.0, 0.40),
        7: (170, 12.8, 31, 2.8, 0.45),
        8: (160, None, 32, 2.6, 0.60),     # INR only, no PT seconds
        9: (150, 13.0, 33, None, None),    # fibrinogen only as valueString, D-dimer only censored
        10: (140, 13.2, 34, 2.4, None),    # D-dimer only without reference range (added below)
        11: (130, 13.4, 34, 2.2, 0.70),
        12: (125, 13.3, 33, 2.1, 0.80),
    }
    full_panels(s, good)
    s.lab("inr", 8, "1.3", ref=(0.8, 1.2, "{INR}"))

    # day 6 (good panel complete)
    bad("no-unit", s.lab("fibrinogen", 6, None, time="07:00", valueQuantity={"value": 0.6}))
    bad("unit-not-accepted", s.lab("fibrinogen", 6, 5.0, unit="umol/L", time="07:00"))
    bad("unit-unknown", s.lab("platelets", 6, 30, unit="K/uL", text_only=True, time="07:00"))
    # day 7 (good panel complete)
    bad("annotation-contradicts-code", s.lab("d-dimer", 7, 2500, unit="ng/mL{DDU}", time="07:00",
                                             ref=(0, 230, "ng/mL{DDU}")))
    bad("status-not-final", s.lab("fibrinogen", 7, "0.7", status="preliminary", time="07:00"))
    # day 9: no usable fibrinogen / D-dimer
    bad("censored-value", s.lab("d-dimer", 9, None, valueQuantity={
        "value": 0.27, "comparator": "<", "unit": "mg/L{FEU}", "system": UCUM, "code": "mg/L{FEU}"}))
    # valueString "<0.5": fhir-input-profile P10 lists a "<..." valueString as a censored value, so it is
    # expected as censored-value; no-numeric-value is exercised by a valueString without a number.
    bad("censored-value", s.lab("fibrinogen", 9, None, valueString="<0.5"))
    bad("no-numeric-value", s.lab("fibrinogen", 9, None, time="07:00", valueString="sample clotted"))
    # day 10
    bad("no-reference-range", s.lab("d-dimer", 10, "1.0", ref=None))
    bad("entered-in-error", s.lab("platelets", 10, 15, status="entered-in-error", time="07:00"))
    bad("no-date", s.lab("platelets", 10, 12, effective=False))
    # day 11: another patient's result
    s.lab("platelets", 11, 10, time="07:00", patient="dq-unit-and-status-problems-other")
    dq_entries.append({"resource": "Observation", "code": "other-patient"})
    # day 12: result after the as-of instant (18:00)
    bad("future-dated", s.lab("platelets", 12, 20, time="21:00"))

    a = s.as_of(12)
    fill = {"underlying-disease": 2, "clinical-bleeding": 0, "clinical-shock": 0, "clinical-organ-dysfunction": 0}
    expected = [{
        "asOf": a, "infusionDate": "2025-10-06", "asOfDay": 12, "firstDay": -7, "lastDay": 12,
        "dataQuality": dq_entries, "dataQualityCount": len(dq_entries),  # 13
        "days": [
            # d6: readable 180 -> 0 | 12.5-13.5=-1.0 -> 0 | 3.0 -> 0 | 0.40/0.50=0.8 -> 0; but an unreadable
            #     platelet count ('K/uL') and two unreadable fibrinogens may be the day's worst (§7.2 clarified
            #     2026-12): platelets (max 2) and fibrinogen (max 1) missing => 0; 0+3 < 5 -> not-met
            #     CDSS: 2 + plt missing(1) + fall missing(1) + dd 0 + PT -1.0/APTT -5 -> 0 + fib missing(1)
            #           => 2; 2+3 = 5 < 6 -> not-met
            {"day": 6, "date": "2025-10-12",
             "values": {"platelets": {"value": 180, "unit": "10*9/L"},
                        "fibrinogen": {"value": 3.0, "unit": "g/L"},
                        "pt": {"value": 12.5, "unit": "s", "uln": 13.5},
                        "d-dimer": {"value": 0.40, "unit": "mg/L{FEU}", "ratio": 0.8}},
             "isth": isth("not-met", 0, ["platelets", "fibrinogen"],
                          {"platelets": None, "pt": 0, "fibrinogen": None, "d-dimer": 0}),
             "cdss": cdss("not-met", 2, ["platelets", "platelet-fall-24h", "fibrinogen"],
                          dict(fill, **{"platelets": None, "platelet-fall-24h": None, "d-dimer": 0,
                                        "pt-aptt": 0, "fibrinogen": None}))},
            # d7: 170 -> 0 | -0.7 -> 0 | 2.8 -> 0 | readable 0.45/0.5=0.9 -> 0, but a D-dimer whose unit
            #     contradicts its code may be the worst: D-dimer missing (max 3) => 0; 0+3 < 5 -> not-met
            {"day": 7,
             "values": {"d-dimer": {"value": 0.45, "unit": "mg/L{FEU}", "uln": 0.50, "ratio": 0.9},
                        "fibrinogen": {"value": 2.8, "unit": "g/L"}},
             "isth": isth("not-met", 0, ["d-dimer"], {"platelets": 0, "pt": 0, "fibrinogen": 0, "d-dimer": None})},
            # d8: 160 -> 0 | PT missing (max 2) | 2.6 -> 0 | 0.6/0.5=1.2 -> 2 => 2; 2+2=4 < 5 -> not-met
            #     CDSS: 2 + 0 + fall (170-160)/170=5.9% -> 0 + dd 0 + pt-aptt missing(2) + fib 0 => 2; 4 < 6
            {"day": 8, "date": "2025-10-14",
             "values": {"pt": None, "inr": {"value": 1.3, "unit": "{INR}"}},
             "isth": isth("not-met", 2, ["pt"], {"pt": None, "platelets": 0, "fibrinogen": 0, "d-dimer": 2}),
             "cdss": cdss("not-met", 2, ["pt-aptt"], {"pt-aptt": None})},
            # d9: 150 -> 0 | -0.5 -> 0 | fib missing (1) | D-dimer missing (3) => 0; 0+4 < 5 -> not-met
            #     CDSS: 2 + plt 0 + fall (160-150)/160 -> 0 + dd missing(3) + pt-aptt 0 + fib missing(1)
            #           => 2; 2+3+1 = 6 >= 6 -> indeterminate
            {"day": 9,
             "values": {"fibrinogen": None, "d-dimer": None, "platelets": {"value": 150}},
             "isth": isth("not-met", 0, ["fibrinogen", "d-dimer"], {"fibrinogen": None, "d-dimer": None}),
             "cdss": cdss("indeterminate", 2, ["d-dimer", "fibrinogen"], {"d-dimer": None, "fibrinogen": None})},
            # d10: 140 -> 0 | -0.3 -> 0 | 2.4 -> 0 | D-dimer 1.0 without ULN -> missing => 0; 0+3 < 5
            #      CDSS: D-dimer absolute 1.0 < 5 -> 0 (needs no ULN); fall (150-140)/150 -> 0 => 2, complete
            {"day": 10,
             "values": {"platelets": {"value": 140, "unit": "10*9/L"},
                        "d-dimer": {"value": 1.0, "unit": "mg/L{FEU}"}},
             "isth": isth("not-met", 0, ["d-dimer"], {"platelets": 0, "d-dimer": None}),
             "cdss": cdss("not-met", 2, [], {"d-dimer": 0, "platelets": 0, "platelet-fall-24h": 0})},
            # d11: 130 -> 0 | -0.1 -> 0 | 2.2 -> 0 | 0.7/0.5=1.4 -> 2 => 2
            {"day": 11,
             "values": {"platelets": {"value": 130, "unit": "10*9/L"}},
             "isth": isth("not-met", 2, [], {"platelets": 0, "d-dimer": 2}),
             "cdss": cdss("not-met", 2, [], {"platelets": 0, "platelet-fall-24h": 0})},
            # d12: 125 -> 0 | -0.2 -> 0 | 2.1 -> 0 | 0.8/0.5=1.6 -> 2 => 2 (future platelet 20 ignored)
            {"day": 12, "date": "2025-10-18",
             "values": {"platelets": {"value": 125, "unit": "10*9/L"}},
             "isth": isth("not-met", 2, [], {"platelets": 0, "pt": 0, "fibrinogen": 0, "d-dimer": 2}),
             "cdss": cdss("not-met", 2, [], {"platelets": 0, "platelet-fall-24h": 0})},
        ]}]
    s.write("Data quality: unit and status problems", "fhir-input-profile P2, P10", a, expected,
            "One Observation per data-quality code next to good results: no unit, molar fibrinogen, 'K/uL' "
            "text unit, FEU code with DDU unit, censored D-dimer and '<0.5' valueString fibrinogen, a valueString "
            "without a number, no date, future-dated, "
            "preliminary, entered-in-error, another patient's result, D-dimer without reference range; "
            "an INR-only day (PT missing).")


# =====================================================================================================
# Courses and offsets
# =====================================================================================================
def course():
    s = Story("course-new-course-and-offsets", "2025-02-10")
    s.car_t(-36, "axi-cel")                     # first course day 0 = 2025-01-05 (36 days before 02-10)
    s.car_t(0, "liso-cel")                      # 2025-02-10: > 28 days after 01-05 -> new course
    s.car_t(1, "liso-cel")                      # 2025-02-11: same course
    s.lab("platelets", 5, 200, time="23:59")    # 2025-02-15T23:59+08:00 -> day 5
    s.lab("platelets", 6, 190, time="00:01")    # 2025-02-16T00:01+08:00 (UTC still 02-15) -> day 6
    # own local date 2025-02-17 (day 7); UTC instant 2025-02-18T02:00Z (02-18 10:00 at +08:00)
    s.lab("fibrinogen", 7, "3.1", effective="2025-02-17T21:00:00-05:00")
    a = s.as_of(10)
    expected = [
        # still in the first course: 2025-01-05 -> 2025-02-01 = 27 days
        {"asOf": "2025-02-01T18:00:00+08:00", "infusionDate": "2025-01-05", "asOfDay": 27,
         "firstDay": -7, "lastDay": 27},
        {"asOf": s.as_of(0), "infusionDate": "2025-02-10", "asOfDay": 0, "firstDay": -7, "lastDay": 0},
        {"asOf": s.as_of(1), "infusionDate": "2025-02-10", "asOfDay": 1, "firstDay": -7, "lastDay": 1},
        {"asOf": a, "infusionDate": "2025-02-10", "asOfDay": 10, "firstDay": -7, "lastDay": 10,
         "days": [
             {"day": 5, "date": "2025-02-15", "values": {"platelets": {"value": 200, "unit": "10*9/L"}}},
             {"day": 6, "date": "2025-02-16", "values": {"platelets": {"value": 190, "unit": "10*9/L"}}},
             {"day": 7, "date": "2025-02-17", "values": {"fibrinogen": {"value": 3.1, "unit": "g/L"}}},
             {"day": 8, "date": "2025-02-18", "values": {"fibrinogen": None}},
         ]},
    ]
    s.write("Courses and UTC offsets", "§7.1; fhir-input-profile P1, P3.1", a, expected,
            "CAR-T 2025-01-05 (course 1), 2025-02-10 (new course: 36 > 28 days) and 2025-02-11 (same course). "
            "Platelets 23:59+08:00 and 00:01+08:00 fall on days 5 and 6; fibrinogen 2025-02-17T21:00-05:00 "
            "(UTC next day) counts on its own date, day 7.")


if __name__ == "__main__":
    for f in (tc09a, tc09b, tc10, tc11, tc12, tc13a, tc13b, tc14, tc15a, tc15b, dq, course):
        f()
