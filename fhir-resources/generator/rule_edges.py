"""Threshold-edge stories for the CARAC rules (clinical-reference.md §7.1 card timing, §7.4 rules table;
cql/CaracRules.cql, CaracCards.cql, CaracBaseline.cql are authoritative for the exact semantics).

Run: python3 fhir-resources/generator/rule_edges.py  -> writes fhir-resources/scenarios/edge-rule-*/
     (scenario.json, bundle.json, expected-cql.json, expected-cards.json)

Every story: one patient, CAR-T (axi-cel) on day 0 = 2025-09-01 10:00 +08:00. On each listed panel day a
complete normal panel at 06:00 (Lab profile A, §9.0), so that R-MON stays quiet and nothing else fires:

    platelets 200 x10^9/L | PT 12.0 s (ULN 13.5) | APTT 30.0 s (ULN 35.0) | fibrinogen 3.0 g/L |
    D-dimer 0.30 mg/L FEU (ULN 0.50, ratio 0.6)          -> ISTH 0 (not met), CDSS 2 (not met)

The value under test replaces the normal one on its test day; test days are at least 2 days apart, so that
the "day A or A-1" card timing (§7.1) never mixes two tests, and each test day is evaluated at 18:00 of
that day (one expected-cards.json entry per as-of). As-of days 10-13 are avoided (R-PEAK) except in the
R-PEAK story. Every expectation below is computed by hand from the rules (arithmetic in the comments);
an entry lists the EXACT set of rule ids that must fire at its as-of ([] = nothing may fire).

Day-number conventions used in the comments: d = test day, A = as-of day; "coag(d)" = R-COAG on day d;
ISTH items written plt | PT prolongation | fib | D-dimer ratio; CDSS = underlying 2 + platelets +
24-h fall + D-dimer (FEU mg/L) + PT/APTT + fibrinogen.
"""
import json
import os

from fhirgen import Story, ICD10CM, SNOMED, SCENARIOS, card

DAY0 = "2025-09-01"
NORMAL = {"plt": "200", "pt": "12.0", "aptt": "30.0", "fib": "3.0", "dd": "0.30"}

WRITTEN = []


# ---- card expectations ------------------------------------------------------------------------------------



def FIB(value, day):
    return card("R-FIB", "warning", [f"Fibrinogen {value} g/L on day {day}"])


def STEROID(day, grade=2, detail=()):
    return card("R-STEROID", "warning", [f"CRS grade {grade}", f"day {day}"], detail)


PEAK = lambda: card("R-PEAK", "info", ["peak period"])


# ---- story builder ----------------------------------------------------------------------------------------

class RuleStory:
    def __init__(self, slug, title, description):
        self.slug, self.title, self.description = slug, title, description
        self.s = Story(slug, DAY0)
        self.s.car_t(0, "axi-cel")
        self.entries = []  # (as-of day, cards, cwGrade, ("unknown", at least) or None = not checked)

    def panels(self, days, **by_day):
        """Normal complete panels on `days`; by_day: d<day>={key: value or None (= not resulted)}."""
        for d in days:
            v = dict(NORMAL)
            v.update(by_day.get(f"d{d}", {}))
            self.s.panel(d, **v)

    def expect(self, day, cards, cw=None):
        self.entries.append((day, cards, cw))

    def write(self, main_day):
        s = self.s
        cql = [{"asOf": s.as_of(d), "infusionDate": DAY0, "asOfDay": d} for d, _, _ in self.entries]
        cards = []
        for d, cs, cw in self.entries:
            e = {"asOf": s.as_of(d)}
            if isinstance(cw, tuple):        # ("unknown", at least): R-COAG not evaluable (§3.4 clarified)
                e["cwGrade"] = None
                e["cwGradeAtLeast"] = cw[1]
            elif cw is not None:
                e["cwGrade"] = cw
                e["cwGradeAtLeast"] = cw
            e["cards"] = cs
            cards.append(e)
        folder = s.write(self.title, "§7.4 rules (threshold edges)", s.as_of(main_day), cql, self.description)
        with open(os.path.join(folder, "expected-cards.json"), "w", encoding="utf-8") as f:
            json.dump(cards, f, indent=2, ensure_ascii=False)
            f.write("\n")
        WRITTEN.append(self.slug)


# ---- R-FIB: fibrinogen < 1.5 g/L ----------------------------------------------------------------------------

def fib():
    r = RuleStory("edge-rule-fib", "R-FIB edge: fibrinogen 1.49 / 1.5 / 1.51 g/L",
                  "Complete normal panels days 6-18. Fibrinogen 1.49 g/L day 7 (< 1.5: R-FIB; ISTH fib 0 as >= 1.0), "
                  "1.5 g/L day 15 (not < 1.5), 1.51 g/L day 18. As-of each test day 18:00; day 8 (A-1 carry) and 9.")
    r.panels(range(6, 19), d7={"fib": "1.49"}, d15={"fib": "1.5"}, d18={"fib": "1.51"})
    r.expect(7, [FIB("1.49", 7)], cw=1)      # coag(7) via fibrinogen -> lab grade 1
    r.expect(8, [FIB("1.49", 7)], cw=0)      # A-1 = 7 still cited; day 8 itself normal
    r.expect(9, [], cw=0)                     # days 9, 8 normal
    r.expect(15, [], cw=0)                    # 1.5 < 1.5 is false
    r.expect(18, [], cw=0)                    # 1.51; day 17 normal
    r.write(7)


# ---- R-ALT: ALT / ULN > 3 -----------------------------------------------------------------------------------

def alt():
    r = RuleStory("edge-rule-alt", "R-ALT edge: ALT 120 / 121 / 119 U/L (ULN 40); ALT without reference range",
                  "Complete normal panels days 6-21. ALT (ULN 40 U/L) 120 day 7 (ratio 3.0, not > 3), 121 day 15 "
                  "(3.025: R-ALT), 119 day 18 (2.975), 200 day 21 without referenceRange (ratio not computable: no card).")
    r.panels(range(6, 22))
    r.s.lab("alt", 7, 120)
    r.s.lab("alt", 15, 121)
    r.s.lab("alt", 18, 119)
    r.s.lab("alt", 21, 200, ref=None)
    r.expect(7, [], cw=0)                     # 120/40 = 3.0, not > 3
    r.expect(15, [card("R-ALT", "warning", ["ALT 121 U/L = 3.03 × ULN on day 15", "> 3 × ULN"])], cw=0)
    r.expect(18, [], cw=0)                    # 119/40 = 2.975; day 17 no ALT
    r.expect(21, [], cw=0)                    # no ULN -> ratio null -> rule not evaluable, no card
    r.write(15)


# ---- R-STEROID: CRS >= 2 and R-COAG on d or d-1 ---------------------------------------------------------

def steroid():
    r = RuleStory("edge-rule-steroid", "R-STEROID edge: CRS grade 1 vs 2 with coagulopathy; CRS 2 without",
                  "Complete normal panels days 6-18. Day 7: CRS grade 1 (D89.831, onset and abatement day 7) + "
                  "fibrinogen 1.4 g/L -> R-FIB only. Day 15: CRS grade 2 (D89.832, abated day 15) + fibrinogen 1.4 "
                  "-> R-FIB + R-STEROID. Day 18: CRS grade 2, normal labs days 17-18 -> nothing.")
    r.panels(range(6, 19), d7={"fib": "1.4"}, d15={"fib": "1.4"})
    r.s.crs(7, 1, abatement_day=7)
    r.s.crs(15, 2, abatement_day=15)
    r.s.crs(18, 2, abatement_day=18)
    r.expect(7, [FIB("1.4", 7)], cw=1)                          # grade 1 < 2 -> steroid false
    r.expect(15, [FIB("1.4", 15), STEROID(15, detail=["low fibrinogen"])], cw=1)
    r.expect(18, [], cw=0)                                      # CRS 2 but coag(18), coag(17) false
    r.write(15)


def coag():
    r = RuleStory("edge-rule-coag", "R-COAG components via R-STEROID (CRS grade 2 each test day)",
                  "Complete normal panels days 6-21; CRS grade 2 (D89.832) with onset and abatement on each test day. "
                  "PT 16.4 s day 7 (+2.9 over ULN 13.5: no) / 16.5 s day 9 (+3.0: coagulopathy); APTT 44.9 s day 15 "
                  "(+9.9 over 35: no) / 45.0 s day 17 (+10.0); platelets 50 day 19 (no) / 49 day 21 (< 50).")
    r.panels(range(6, 22), d7={"pt": "16.4"}, d9={"pt": "16.5"}, d15={"aptt": "44.9"}, d17={"aptt": "45.0"},
             d19={"plt": "50"}, d21={"plt": "49"})
    for d in (7, 9, 15, 17, 19, 21):
        r.s.crs(d, 2, abatement_day=d)
    # PT 16.4: prolongation 2.9 < 3; fib 3.0 so no consumptive pattern (R-THR quiet); ISTH PT 0.
    r.expect(7, [], cw=0)
    # PT 16.5: prolongation 3.0 >= 3 -> coag(9); ISTH 0|1|0|0 = 1; CDSS 2 + pt-aptt 1 = 3 (not met).
    r.expect(9, [STEROID(9, detail=["prolonged PT"])], cw=1)
    r.expect(15, [], cw=0)                    # APTT +9.9 < 10
    r.expect(17, [STEROID(17, detail=["prolonged APTT"])], cw=1)   # APTT +10.0 >= 10
    # platelets 50: not < 50; ISTH plt 1; CDSS 2 + fall (200 -> 50 = 75 %) 1 = 3 (not met).
    r.expect(19, [], cw=0)
    # platelets 49 < 50 -> coag(21); ISTH 2; CDSS 2 + plt 1 + fall 1 = 4 (not met).
    r.expect(21, [STEROID(21, detail=["low platelets"])], cw=1)
    r.write(9)


# ---- R-DIC-MGMT: LMWH safety guard ---------------------------------------------------------------------

def dic_mgmt():
    r = RuleStory("edge-rule-dic-mgmt", "R-DIC-MGMT LMWH guard: platelets 50 vs 49; bleeding 3 vs 4 days before",
                  "Complete normal panels days 6-26. DIC days (PT 12.0, APTT 30, fibrinogen 0.9 g/L, D-dimer 2.5 mg/L "
                  "FEU = ratio 5.0): day 7 platelets 50 (LMWH shown), day 15 platelets 49 (suppressed), day 20 "
                  "platelets 50 with bleeding (SNOMED 131148009) onset day 17 (3 days before: suppressed), day 26 "
                  "platelets 50 with bleeding onset day 22 (4 days before: shown). D-dimer ratio 5.0 and PT 12.0 keep R-THR quiet.")
    dic = {"pt": "12.0", "fib": "0.9", "dd": "2.5"}
    r.panels(range(6, 27), d7=dict(dic, plt="50"), d15=dict(dic, plt="49"), d20=dict(dic, plt="50"),
             d26=dict(dic, plt="50"))
    r.s.condition(17, SNOMED, "131148009", "bleed")
    r.s.condition(22, SNOMED, "131148009", "bleed")
    shown = dict(detail=["LMWH: may be considered"], lacks=["Anticoagulation not suggested"])
    # plt 50: ISTH 1|0|1|3 = 5 (met); CDSS 2 + plt 0 + fall (200 -> 50) 1 + D-dimer 2.5 < 5 -> 0 + PT/APTT 0
    #         + fib 0.9 < 1.0 -> 1 = 4 (not met). R-DIC true; platelets 50 not < 50, no bleeding -> LMWH shown.
    # R-FIB: 0.9 < 1.5. R-THR: ratio 5.0 not > 5, PT 12.0 not > 15. CW-grade 3 (DIC).
    r.expect(7, [card("R-DIC", "critical", ["day 7", "ISTH 5 (met)", "CDSS 4 (not met)"]),
                 card("R-DIC-MGMT", "critical", ["day 7", "consider LMWH"], **shown),
                 FIB("0.9", 7)], cw=3)
    # plt 49: ISTH 2|0|1|3 = 6 (met); CDSS 2 + 1 + 1 + 0 + 0 + 1 = 5 (not met). LMWH suppressed (49 < 50).
    r.expect(15, [card("R-DIC", "critical", ["day 15", "ISTH 6 (met)", "CDSS 5 (not met)"]),
                  card("R-DIC-MGMT", "critical", ["day 15", "LMWH not suggested"],
                       ["Anticoagulation not suggested", "platelets 49 ×10⁹/L < 50 ×10⁹/L"], ["LMWH: may be considered"]),
                  FIB("0.9", 15)], cw=3)
    # day 20: bleeding onset day 17 = 20 - 3 -> within the look-back -> suppressed. CW-grade max(3, bleed 1) = 3.
    r.expect(20, [card("R-DIC", "critical", ["day 20", "ISTH 5 (met)"]),
                  card("R-DIC-MGMT", "critical", ["day 20", "LMWH not suggested"],
                       ["Anticoagulation not suggested", "bleeding with onset"], ["LMWH: may be considered"]),
                  FIB("0.9", 20)], cw=3)
    # day 26: bleeding onset day 22 = 26 - 4 -> outside [23, 26]; day 17 bleed too old -> LMWH shown.
    r.expect(26, [card("R-DIC", "critical", ["day 26", "ISTH 5 (met)"]),
                  card("R-DIC-MGMT", "critical", ["day 26", "consider LMWH"], **shown),
                  FIB("0.9", 26)], cw=3)
    r.write(15)


# ---- R-THR: thrombosis risk ----------------------------------------------------------------------------

def thr():
    r = RuleStory("edge-rule-thr", "R-THR edge: D-dimer ratio 5.0 vs 5.02; consumptive PT 15.0 vs 15.1 s",
                  "Complete normal panels days 6-18. Day 7 D-dimer 2.5 mg/L FEU (ratio 5.0, not > 5). Day 9 "
                  "fibrinogen 1.4 g/L + PT 15.0 s (not > 15). Day 15 fibrinogen 1.4 + PT 15.1 s (consumptive "
                  "pattern). Day 18 D-dimer 2.51 (ratio 5.02). R-THR, once active, stays active.")
    r.panels(range(6, 19), d7={"dd": "2.5"}, d9={"fib": "1.4", "pt": "15.0"}, d15={"fib": "1.4", "pt": "15.1"},
             d18={"dd": "2.51"})
    r.expect(7, [], cw=0)                     # ISTH 0|0|0|3 = 3; ratio 5.0 not > 5
    r.expect(9, [FIB("1.4", 9)], cw=1)        # PT 15.0 not > 15 -> no consumptive pattern
    r.expect(15, [FIB("1.4", 15),
                  card("R-THR", "info", ["consumptive pattern day 15"], lacks=["D-dimer above"])], cw=1)
    r.expect(18, [card("R-THR", "info", ["D-dimer 5.02 × ULN", "consumptive pattern day 15"])], cw=0)
    r.write(15)


def thr_span():
    r = RuleStory("edge-rule-thr-span", "R-THR span: baseline platelets 90 -> active to day 90, gone day 91",
                  "Baseline day -6: platelets 90 x10^9/L (< 100: R-THR factor c); lymphodepletion (fludarabine) day -5. "
                  "No other data. As-of day 90: R-THR; day 91: nothing (R-BLD ends day 28; CAR-HEMATOTOX incomplete).")
    r.s.lab("platelets", -6, 90)
    r.s.lymphodepletion(-5)
    r.expect(90, [card("R-THR", "info", ["baseline platelets 90 ×10⁹/L"])])
    r.expect(91, [])
    r.write(90)


# ---- R-BLD: bleeding risk (baseline) ---------------------------------------------------------------------

def bld(slug, title, plt, ldh, crea, il10, expectations, description):
    r = RuleStory(slug, title, description)
    r.s.lab("platelets", -6, plt)
    r.s.lab("ldh", -6, ldh)
    r.s.lab("creatinine", -6, crea)
    r.s.lab("il-10", -6, il10)
    r.s.lymphodepletion(-5)
    last = max(d for d, _, _ in expectations)
    r.panels(range(6, min(last, 28) + 1))
    for d, cards, cw in expectations:
        r.expect(d, cards, cw)
    r.write(expectations[0][0])


def bld_all():
    # EASIX = LDH x creatinine / platelets = 850 x 0.90 / 100 = 765 / 100 = 7.65 exactly -> not > 7.65;
    # IL-10 7.98 not > 7.98; platelets 100 not < 100 -> no R-BLD, no R-THR.
    bld("edge-rule-bld-at-cutoff", "R-BLD at cut-off: EASIX 7.65, IL-10 7.98, baseline platelets 100",
        "100", "850", "0.90", "7.98", [(7, [], 0)],
        "Baseline day -6 (before lymphodepletion day -5): platelets 100, LDH 850, creatinine 0.90 mg/dL "
        "(EASIX exactly 7.65), IL-10 7.98 pg/mL. Normal panels days 6-7. Nothing fires at day 7.")
    # EASIX 851 x 0.90 / 100 = 7.659 > 7.65 (shown 7.66); group intermediate (EASIX only).
    bld("edge-rule-bld-easix", "R-BLD edge: baseline EASIX 7.659 (> 7.65)",
        "100", "851", "0.90", "7.98",
        [(7, [card("R-BLD", "info", ["EASIX 7.66"], ["group: intermediate"], ["IL-10 above"])], 0),
         (29, [], None)],
        "Baseline day -6: platelets 100, LDH 851, creatinine 0.90 (EASIX 7.659), IL-10 7.98. R-BLD at day 7; "
        "gone at day 29 (outside days 0-28).")
    # IL-10 7.99 > 7.98; EASIX 7.65 (not above); platelets 100.
    bld("edge-rule-bld-il10", "R-BLD edge: baseline IL-10 7.99 pg/mL (> 7.98)",
        "100", "850", "0.90", "7.99",
        [(7, [card("R-BLD", "info", ["IL-10 7.99 pg/mL"], ["group: intermediate"], ["(> 7.65)"])], 0),
         (29, [], None)],
        "Baseline day -6: platelets 100, LDH 850, creatinine 0.90 (EASIX 7.65), IL-10 7.99. R-BLD at day 7; "
        "gone at day 29.")
    # platelets 99 < 100 -> R-BLD (c) and R-THR (c); EASIX 200 x 0.80 / 99 = 1.62; IL-10 7.98.
    bld("edge-rule-bld-platelets", "R-BLD / R-THR edge: baseline platelets 99 (< 100)",
        "99", "200", "0.80", "7.98",
        [(7, [card("R-BLD", "info", ["baseline platelets 99 ×10⁹/L"], lacks=["(> 7.65)", "IL-10 above"]),
              card("R-THR", "info", ["baseline platelets 99 ×10⁹/L"])], 0),
         (28, [card("R-BLD", "info", ["baseline platelets 99 ×10⁹/L"]),
               card("R-THR", "info", ["baseline platelets 99 ×10⁹/L"])], 0),
         (29, [card("R-THR", "info", ["baseline platelets 99 ×10⁹/L"])], None)],
        "Baseline day -6: platelets 99, LDH 200, creatinine 0.80 (EASIX 1.62), IL-10 7.98. Normal panels days "
        "6-28. R-BLD + R-THR at days 7 and 28; at day 29 R-THR only (active to day 90).")


# ---- R-TOCI-MON ---------------------------------------------------------------------------------------

def toci_mon():
    r = RuleStory("edge-rule-toci-mon", "R-TOCI-MON edge: tocilizumab day 5, no fibrinogen after",
                  "Tocilizumab day 5 12:00. Panels without fibrinogen on days 6-7 (platelets, PT, APTT, D-dimer). "
                  "As-of day 6: A < t + 2 -> no reminder. Day 7: R-TOCI-MON, and R-MON for day 6 (fibrinogen missing).")
    r.s.tocilizumab(5)
    r.panels((6, 7), d6={"fib": None}, d7={"fib": None})
    r.expect(6, [], cw=("unknown", 0))  # R-MON checks days 6..5 = none; coag(6) not evaluable (fib missing) -> grade unknown
    r.expect(7, [card("R-TOCI-MON", "info", ["since tocilizumab on day 5"]),
                 card("R-MON", "info", ["day 6"])], cw=("unknown", 0))   # fibrinogen missing on day 7 too
    r.write(7)

    r = RuleStory("edge-rule-toci-mon-fib", "R-TOCI-MON edge: tocilizumab day 5, fibrinogen on day 6",
                  "Tocilizumab day 5 12:00; complete normal panels days 6-7 (fibrinogen 3.0 on day 6 >= dose date). "
                  "No reminder at day 6 or day 7.")
    r.s.tocilizumab(5)
    r.panels((6, 7))
    r.expect(6, [], cw=0)
    r.expect(7, [], cw=0)
    r.write(7)


# ---- R-PEAK ---------------------------------------------------------------------------------------------

def peak():
    r = RuleStory("edge-rule-peak", "R-PEAK edge: as-of day 9 / 10 / 13 / 14",
                  "Quiet course: complete normal panels days 6-14. R-PEAK only at as-of days 10-13.")
    r.panels(range(6, 15))
    r.expect(9, [], cw=0)
    r.expect(10, [PEAK()], cw=0)
    r.expect(13, [PEAK()], cw=0)
    r.expect(14, [], cw=0)
    r.write(10)


# ---- R-MON ----------------------------------------------------------------------------------------------

def mon():
    r = RuleStory("edge-rule-mon", "R-MON edge: APTT missing on days 5, 6, 20, 21",
                  "Panels days 5-22, APTT not resulted on days 5, 6, 20 and 21. R-MON checks completed days "
                  "6..min(20, A-1): day 5 never, day 6 from as-of 7, day 20 from as-of 21, day 21 never.")
    no_aptt = {"aptt": None}
    r.panels(range(5, 23), d5=no_aptt, d6=no_aptt, d20=no_aptt, d21=no_aptt)
    r.expect(6, [], cw=("unknown", 0))                              # days 6..5: none (day A not checked); APTT missing
    r.expect(7, [card("R-MON", "info", ["day 6"])], cw=0)
    r.expect(20, [card("R-MON", "info", ["on day 6"], lacks=["- day 20 ("])], cw=("unknown", 0))   # day 20 = A: not yet
    r.expect(21, [card("R-MON", "info", ["day 6, 20"])], cw=("unknown", 0))
    r.expect(22, [card("R-MON", "info", ["day 6, 20"], lacks=["- day 21 ("])], cw=0)  # day 21 > 20
    r.write(21)


# ---- R-WIN ----------------------------------------------------------------------------------------------

def win():
    r = RuleStory("edge-rule-win", "R-WIN edge: fibrinogen 1.2 g/L on days 28 and 29",
                  "Complete normal panels days 6-29; fibrinogen 1.2 g/L on day 28 and on day 29. R-FIB at as-of 28 and "
                  "29 (citing day 28); nothing at as-of 30 (day 29 is outside the CARAC window).")
    r.panels(range(6, 30), d28={"fib": "1.2"}, d29={"fib": "1.2"})
    r.expect(28, [FIB("1.2", 28)], cw=1)
    r.expect(29, [FIB("1.2", 28)])
    r.expect(30, [])
    r.write(28)

    r = RuleStory("edge-rule-win-day29", "R-WIN edge: fibrinogen 1.2 g/L on day 29 only",
                  "Complete normal panels days 6-29; fibrinogen 1.2 g/L only on day 29 (outside the window): no card "
                  "at as-of 29 or 30.")
    r.panels(range(6, 30), d29={"fib": "1.2"})
    r.expect(29, [])
    r.expect(30, [])
    r.write(29)


if __name__ == "__main__":
    fib()
    alt()
    steroid()
    coag()
    dic_mgmt()
    thr()
    thr_span()
    bld_all()
    toci_mon()
    peak()
    mon()
    win()
    print(f"wrote {len(WRITTEN)} stories: " + ", ".join(WRITTEN))
