"""Stories TC-01 ... TC-08 of clinical-reference.md §9 (worked test cases).

Run: python3 fhir-resources/generator/tc01_08.py
Writes fhir-resources/scenarios/<slug>/{scenario,bundle,expected-cql}.json for each case.

Every expected number below is written by hand from the §9 case text (arithmetic in the comments);
self_check() then recomputes ISTH/CDSS/values from the generated Observations following
SEMANTICS.md and stops with an error if the hand-written expectation disagrees.

Filler values (days the case describes only as "complete panels" / "within Lab profile A") are
chosen inside Lab profile A and so that they change nothing the case states; see the comments.
"""
import sys
from datetime import datetime, timedelta
from decimal import Decimal

from fhirgen import Story

UNIT = {"platelets": "10*9/L", "pt": "s", "aptt": "s", "fibrinogen": "g/L", "d-dimer": "mg/L{FEU}",
        "alt": "U/L", "ldh": "U/L", "creatinine": "mg/dL"}
SHORT = {"platelets": "plt", "pt": "pt", "aptt": "aptt", "fibrinogen": "fib", "d-dimer": "ddimer",
         "d-dimer-ddu": "ddimer", "alt": "alt", "ldh": "ldh", "creatinine": "crea"}
KEYS = {"plt": "platelets", "pt": "pt", "aptt": "aptt", "fib": "fibrinogen", "dd": "d-dimer",
        "alt": "alt", "ldh": "ldh", "crea": "creatinine"}


def dtag(day):
    return f"d{day}" if day >= 0 else f"dm{-day}"


class Case(Story):
    """Story that remembers the Observation id of every (day, analyte)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.obs = {}

    def one(self, analyte, day, value, time="06:00", **kw):
        key = "d-dimer" if analyte.startswith("d-dimer") else analyte
        r = self.lab(analyte, day, value, time=time, id=f"{self.slug}-{SHORT[analyte]}-{dtag(day)}", **kw)
        self.obs[(day, key)] = r["id"]
        return r

    def labs(self, day, time="06:00", **vals):
        """vals: plt, pt, aptt, fib, dd, alt, ldh, crea (g/L, mg/L FEU, profile A ranges)."""
        for k, v in vals.items():
            if v is not None:
                self.one(KEYS[k], day, v, time=time)

    def ref(self, day, analyte):
        return "Observation/" + self.obs[(day, analyte)]


# ---- expected-cql helpers --------------------------------------------------------------------------

def score(status, points, missing=(), **items):
    return {"status": status, "points": points, "missing": list(missing),
            "items": {k.replace("_", "-"): v for k, v in items.items()}}


def cdss(status, points, missing=(), platelets=0, fall=0, dd=0, ptaptt=0, fib=0):
    """CDSS haem variant; underlying disease 2, clinical items 0 (no observations in these stories)."""
    return score(status, points, missing, underlying_disease=2, clinical_bleeding=0, clinical_shock=0,
                 clinical_organ_dysfunction=0, platelets=platelets, platelet_fall_24h=fall, d_dimer=dd,
                 pt_aptt=ptaptt, fibrinogen=fib)


def isth(status, points, missing=(), plt=0, pt=0, fib=0, dd=0):
    return score(status, points, missing, platelets=plt, pt=pt, fibrinogen=fib, d_dimer=dd)


def vals(s, day, **v):
    """v: analyte key (plt, pt, ...) -> value or (value, {extra}); unit canonical, observation id."""
    out = {}
    for k, spec in v.items():
        a = KEYS[k]
        value, extra = (spec if isinstance(spec, tuple) else (spec, {}))
        d = {"value": value, "unit": UNIT[a], "observation": s.ref(day, a)}
        d.update(extra)
        out[a] = d
    return out


def dd_v(value, uln=0.50, ratio=None):
    return (value, {"uln": uln, "ratio": ratio})


def pt_v(value, prolong, uln=13.5):
    return (value, {"uln": uln, "prolongation": prolong})


def evaluation(s, as_of_day, days):
    return {"asOf": s.as_of(as_of_day), "infusionDate": s.date(0), "asOfDay": as_of_day,
            "firstDay": -7, "lastDay": min(as_of_day, 28), "days": days}


def day_row(s, day, isth_=None, cdss_=None, values=None):
    r = {"day": day, "date": s.date(day)}
    if isth_ is not None:
        r["isth"] = isth_
    if cdss_ is not None:
        r["cdss"] = cdss_
    if values is not None:
        r["values"] = values
    return r


STORIES = []


def emit(s, title, ref, main_as_of_day, expected, description):
    self_check(s, expected)
    s.write(title, ref, s.as_of(main_as_of_day), expected, description)
    STORIES.append(s.slug)


# =====================================================================================================
# TC-01 Uncomplicated course — nothing fires
# =====================================================================================================
def tc01():
    s = Case("tc-01-uncomplicated-course", "2025-03-03")
    s.car_t(0, "tisa-cel")
    s.lymphodepletion(-5)
    s.labs(-6, ldh=230, crea="0.9", plt=210)                       # baseline; EASIX 207/210 = 0.99
    s.crs(2, 1, abatement_day=3)                                    # CRS grade 1 days 2-3 only
    # complete panels days 6-13; fillers days 6-10 inside profile A (D-dimer <= 0.50);
    # day 12 interpolated between the day-11 and day-13 rows (plt >= 100, D-dimer ratio 1.7 <= 1.8)
    filler = {6: (190, "12.6", "31.0", "3.8", "0.30", 22), 7: (178, "12.8", "31.5", "3.7", "0.35", 24),
              8: (165, "12.9", "32.0", "3.6", "0.40", 25), 9: (155, "13.0", "32.5", "3.5", "0.45", 26),
              10: (150, "13.1", "32.5", "3.5", "0.50", 27), 12: (121, "13.1", "32.5", "3.3", "0.85", 29)}
    for d, (plt, pt, aptt, fib, dd, alt) in filler.items():
        s.labs(d, plt=plt, pt=pt, aptt=aptt, fib=fib, dd=dd, alt=alt)
    s.labs(11, plt=118, pt="13.2", aptt="33.0", fib="3.4", dd="0.90", alt=28)
    s.labs(13, plt=125, pt="13.0", aptt="32.0", fib="3.2", dd="0.80", alt=30)

    days = [
        day_row(s, -6, values=vals(s, -6, ldh=230, crea=0.9, plt=210)),
        # ISTH d11: 118 -> 0 | 13.2-13.5 = -0.3 -> 0 | 3.4 -> 0 | 0.90/0.50 = 1.8 -> 2 => 2
        # CDSS d11: 2 + plt 0 + fall (150-118)/150 = 21.3 % -> 0 + dd 0.90 -> 0 + PT -0.3/APTT -2.0 -> 0 + fib 0 = 2
        day_row(s, 11, isth("not-met", 2, dd=2), cdss("not-met", 2),
                vals(s, 11, plt=118, pt=pt_v(13.2, -0.3), aptt=33.0, fib=3.4, dd=dd_v(0.90, ratio=1.8), alt=28)),
        # ISTH d13: 0 | -0.5 -> 0 | 0 | 0.80/0.50 = 1.6 -> 2 => 2 ; CDSS: fall 121 -> 125 (rise) -> 0 => 2
        day_row(s, 13, isth("not-met", 2, dd=2), cdss("not-met", 2),
                vals(s, 13, plt=125, pt=pt_v(13.0, -0.5), aptt=32.0, fib=3.2, dd=dd_v(0.80, ratio=1.6), alt=30)),
    ]
    emit(s, "TC-01 Uncomplicated course — nothing fires", "§9 TC-01", 14, [evaluation(s, 14, days)],
         "Tisa-cel, DLBCL. Day 0 2025-03-03, LD day -5, baseline day -6 (LDH 230, creatinine 0.9, platelets 210). "
         "CRS grade 1 days 2-3; complete panels days 6-13; ISTH 2 (not overt) on days 11 and 13. As-of day 14.")


# =====================================================================================================
# TC-02 CRS-associated DIC on day 10-11, tocilizumab (ISTH/CDSS discordance on day 10)
# =====================================================================================================
def tc02():
    s = Case("tc-02-crs-dic-tocilizumab", "2025-04-07", gender="female", birth="1958-11-02")
    cart = s.car_t(0, "axi-cel")
    s.lymphodepletion(-5)
    s.labs(-6, ldh=300, crea="1.0", plt=160)                       # EASIX 300*1.0/160 = 1.875
    crs = s.crs(9, 3)                                               # CRS grade 3 days 9, 10, 11 (ongoing)
    toci = [s.tocilizumab(9), s.tocilizumab(10)]
    # chart context only (no rule reads steroids): dexamethasone after R-STEROID fires on day 10; the
    # day-11 20:00 dose is after the as-of (18:00) and must not be charted
    dexa = [s.steroid(10, time="14:00"), s.steroid(11, time="20:00")]
    # days 6-8: profile A except D-dimer <= 1.5 mg/L FEU (ratio <= 3); ALT <= 40 throughout
    s.labs(6, plt=158, pt="12.4", aptt="31.0", fib="3.6", dd="0.90", alt=24)
    s.labs(7, plt=154, pt="12.6", aptt="32.0", fib="3.8", dd="1.20", alt=27)
    s.labs(8, plt=150, pt="12.9", aptt="33.0", fib="3.9", dd="1.50", alt=30)
    s.labs(9, plt=96, pt="14.8", aptt=38, fib="3.9", dd="2.4", alt=33)
    s.labs(10, plt=90, pt="16.9", aptt=44, fib="1.9", dd="5.6", alt=36)
    s.labs(11, plt=42, pt="20.0", aptt=52, fib="0.8", dd="9.6", alt=38)

    days = [
        day_row(s, -6, values=vals(s, -6, ldh=300, crea=1.0, plt=160)),
        # ISTH d9: 96 -> 1 | 1.3 -> 0 | 3.9 -> 0 | 4.8 -> 2 => 3
        # CDSS d9: 2 + 0 + fall (150-96)/150 = 36 % -> 0 + dd 2.4 -> 0 + PT 1.3 / APTT 3 -> 0 + 0 = 2
        day_row(s, 9, isth("not-met", 3, plt=1, dd=2), cdss("not-met", 2),
                vals(s, 9, plt=96, pt=pt_v(14.8, 1.3), aptt=38, fib=3.9, dd=dd_v(2.4, ratio=4.8), alt=33)),
        # ISTH d10: 90 -> 1 | 3.4 -> 1 | 1.9 -> 0 | 11.2 -> 3 => 5 overt
        # CDSS d10: 2 + 0 + fall 6.25 % -> 0 + dd 5.6 -> 2 + PT 3.4 -> 1 + 0 = 5 (not met)
        day_row(s, 10, isth("met", 5, plt=1, pt=1, dd=3), cdss("not-met", 5, dd=2, ptaptt=1),
                vals(s, 10, plt=90, pt=pt_v(16.9, 3.4), aptt=44, fib=1.9, dd=dd_v(5.6, ratio=11.2), alt=36)),
        # ISTH d11: 42 -> 2 | 6.5 -> 2 | 0.8 -> 1 | 19.2 -> 3 => 8
        # CDSS d11: 2 + 1 + fall (90-42)/90 = 53.3 % -> 1 + dd 9.6 -> 3 + PT 6.5 -> 2 + fib 0.8 -> 1 = 10
        day_row(s, 11, isth("met", 8, plt=2, pt=2, fib=1, dd=3),
                cdss("met", 10, platelets=1, fall=1, dd=3, ptaptt=2, fib=1),
                vals(s, 11, plt=42, pt=pt_v(20.0, 6.5), aptt=52, fib=0.8, dd=dd_v(9.6, ratio=19.2), alt=38)),
    ]
    emit(s, "TC-02 CRS-associated DIC on day 10-11 with tocilizumab", "§9 TC-02", 11, [evaluation(s, 11, days)],
         "Axi-cel, LBCL. Day 0 2025-04-07, LD day -5. CRS grade 3 days 9-11, tocilizumab days 9 and 10, "
         "dexamethasone day 10. ISTH 3 / 5 / 8 on days 9 / 10 / 11; CDSS 5 (not met) on day 10, 10 (met) on "
         "day 11. As-of day 11.")
    # lymphodepletion is not a chart event; CRS is one Condition (onset day 9, grade 3)
    day9 = [s.event("car-t", 0, cart), s.event("crs", 9, crs, 3), s.event("tocilizumab", 9, toci[0])]
    s.write_chart([
        s.chart(s.as_of(9), day9),
        s.chart(s.as_of(11), day9 + [s.event("tocilizumab", 10, toci[1]), s.event("steroid", 10, dexa[0])]),
    ])


# =====================================================================================================
# TC-03 Every ISTH item exactly at its boundary — total exactly 5
# =====================================================================================================
def tc03():
    s = Case("tc-03-isth-items-at-boundary", "2025-05-12", birth="1955-02-14")
    s.car_t(0, "ide-cel")
    s.labs(-6, plt=170)                                             # baseline platelets 170
    s.crs(11, 2)                                                    # CRS grade 2 days 11-12 (ongoing)
    # day 10: profile A except D-dimer 1.2 mg/L FEU (06:00: more than 24 h before the day-11 07:00 result)
    s.labs(10, plt=180, pt="12.8", aptt="32.0", fib="2.6", dd="1.2")
    s.labs(11, time="07:00", plt=70, pt="14.9", aptt=38, fib="1.8", dd="1.90")
    s.labs(12, time="07:00", plt=50, pt="16.5", aptt=40, fib="1.0", dd="2.50")

    days = [
        # ISTH d10: 180 -> 0 | -0.7 -> 0 | 2.6 -> 0 | 1.2/0.5 = 2.4 -> 2 => 2
        day_row(s, 10, isth("not-met", 2, dd=2), values=vals(s, 10, plt=180, dd=dd_v(1.2, ratio=2.4))),
        # ISTH d11: 70 -> 1 | 1.4 -> 0 | 1.8 -> 0 | 3.8 -> 2 => 3
        # CDSS d11: day-10 platelets (06:00) lie 25 h before 07:00 -> fall missing; 2 + 0 + dd 0 + PT 1.4/APTT 3 -> 0
        #           + fib 0 = 2; 2 + 1 < 6 -> not met
        day_row(s, 11, isth("not-met", 3, plt=1, dd=2),
                cdss("not-met", 2, ["platelet-fall-24h"], fall=None),
                vals(s, 11, plt=70, pt=pt_v(14.9, 1.4), aptt=38, fib=1.8, dd=dd_v(1.90, ratio=3.8))),
        # ISTH d12: 50 -> 1 | 16.5-13.5 = 3.0 -> 1 | 1.0 -> 0 | 2.50/0.50 = 5.0 -> 3 => 5 overt
        # CDSS d12: 2 + plt 50 -> 0 + fall (70-50)/70 = 28.6 % -> 0 + dd 2.5 -> 0 + PT 3.0 -> 1 + fib 1.0 -> 0 = 3
        day_row(s, 12, isth("met", 5, plt=1, pt=1, fib=0, dd=3), cdss("not-met", 3, ptaptt=1),
                vals(s, 12, plt=50, pt=pt_v(16.5, 3.0), aptt=40, fib=1.0, dd=dd_v(2.50, ratio=5.0))),
    ]
    emit(s, "TC-03 Every ISTH item exactly at its boundary (total 5)", "§9 TC-03", 12, [evaluation(s, 12, days)],
         "Ide-cel, MM. CRS grade 2 days 11-12, baseline platelets 170. Day 12 (07:00): platelets 50, PT 16.5 s, "
         "fibrinogen 1.0 g/L, D-dimer 2.50 mg/L FEU (ratio 5.0) -> ISTH exactly 5 (overt); CDSS 3. As-of day 12.")


# =====================================================================================================
# TC-04 Just below ISTH thresholds; fibrinogen reported in mg/dL
# =====================================================================================================
def tc04():
    s = Case("tc-04-below-isth-fibrinogen-mg-dl", "2025-06-02", birth="1949-08-30")
    s.car_t(0, "liso-cel")
    s.crs(12, 1)                                                    # CRS grade 1 on day 12
    fib_ref = (200, 400, "mg/dL")
    s.labs(11, plt=120, pt="13.8", aptt=36, dd="1.10")
    s.one("fibrinogen", 11, 180, unit="mg/dL", ref=fib_ref)
    s.labs(12, plt=99, pt="16.4", aptt=39, dd="2.49")
    s.one("fibrinogen", 12, 99, unit="mg/dL", ref=fib_ref)

    days = [
        # ISTH d11: 120 -> 0 | 0.3 -> 0 | 1.80 -> 0 | 2.2 -> 2 => 2
        # CDSS d11: no platelets in the preceding 24 h -> fall missing; 2 + 0 + 0 + PT 0.3/APTT 1 -> 0 + 0 = 2
        day_row(s, 11, isth("not-met", 2, dd=2), cdss("not-met", 2, ["platelet-fall-24h"], fall=None),
                vals(s, 11, plt=120, pt=pt_v(13.8, 0.3), aptt=36, fib=1.8, dd=dd_v(1.10, ratio=2.2))),
        # ISTH d12: 99 -> 1 | 2.9 -> 0 | 0.99 -> 1 | 4.98 -> 2 => 4, not overt
        # CDSS d12: 2 + 0 + fall (120-99)/120 = 17.5 % -> 0 + dd 2.49 -> 0 + PT 2.9/APTT 4 -> 0 + fib 0.99 -> 1 = 3
        day_row(s, 12, isth("not-met", 4, plt=1, pt=0, fib=1, dd=2), cdss("not-met", 3, fib=1),
                vals(s, 12, plt=99, pt=pt_v(16.4, 2.9), aptt=39, fib=0.99, dd=dd_v(2.49, ratio=4.98))),
    ]
    emit(s, "TC-04 Just below ISTH thresholds; fibrinogen in mg/dL", "§9 TC-04", 12, [evaluation(s, 12, days)],
         "Liso-cel, LBCL. CRS grade 1 day 12. Day 12: platelets 99, PT 16.4 s, fibrinogen 99 mg/dL (= 0.99 g/L, "
         "reference 200-400 mg/dL), D-dimer 2.49 mg/L FEU -> ISTH 4 (not overt), CDSS 3. As-of day 12.")


# =====================================================================================================
# TC-05 D-dimer in ng/mL DDU; fibrinogen in mg/dL; PT exactly 15.0 s
# =====================================================================================================
def tc05():
    s = Case("tc-05-d-dimer-ddu-pt-15", "2025-07-07", gender="female", birth="1963-03-09")
    s.car_t(0, "cilta-cel")
    s.crs(9, 1)                                                     # CRS grade 1 (onset day 9, ongoing)
    s.labs(9, plt=70)
    s.labs(10, plt=64, pt="15.0", aptt=37)
    s.one("fibrinogen", 10, 140, unit="mg/dL", ref=(200, 400, "mg/dL"))
    s.one("d-dimer-ddu", 10, 1265, ref=(0, 230, "ng/mL{DDU}"))

    days = [
        day_row(s, 9, values=vals(s, 9, plt=70)),
        # ISTH d10: 64 -> 1 | 15.0-13.5 = 1.5 -> 0 | 1.40 -> 0 | 1265/230 = 5.5 -> 3 => 4, not overt
        # CDSS d10: 2 + 0 + fall (70-64)/70 = 8.6 % -> 0 + D-dimer DDU -> missing + PT 1.5/APTT 2 -> 0 + 0 = 2;
        #           2 + 3 = 5 < 6 -> not met (determinate)
        day_row(s, 10, isth("not-met", 4, plt=1, pt=0, fib=0, dd=3),
                cdss("not-met", 2, ["d-dimer"], dd=None),
                {**vals(s, 10, plt=64, pt=pt_v(15.0, 1.5), aptt=37, fib=1.40),
                 "d-dimer": {"value": 1265, "unit": "ng/mL{DDU}", "observation": s.ref(10, "d-dimer"),
                             "uln": 230, "ratio": 5.5, "basis": "DDU"}}),
    ]
    emit(s, "TC-05 D-dimer in ng/mL DDU; fibrinogen in mg/dL; PT exactly 15.0 s", "§9 TC-05", 10,
         [evaluation(s, 10, days)],
         "Cilta-cel, MM. CRS grade 1. Day 10: platelets 64 (day 9: 70), PT 15.0 s, APTT 37 s, fibrinogen 140 mg/dL, "
         "D-dimer 1265 ng/mL DDU (48066-5, reference 0-230) -> ratio 5.5, ISTH 4; CDSS D-dimer not scorable, "
         "CDSS not met. As-of day 10.")


# =====================================================================================================
# TC-06 Window edges: pre-infusion DIC-like labs, day 28 vs day 29
# =====================================================================================================
def tc06():
    s = Case("tc-06-window-edges", "2025-05-01", birth="1970-12-01")
    s.car_t(0, "axi-cel")                                           # no lymphodepletion record
    s.labs(-3, plt=40, pt="20.0", fib="0.9", dd="6.0", ldh=500, crea="0.8")
    s.labs(28, plt=95, pt="14.0", aptt=34, fib="1.4", dd="1.4")
    s.labs(29, plt=45, pt="20.5", fib="1.2", dd="7.0")

    # ISTH d-3: 40 -> 2 | 6.5 -> 2 | 0.9 -> 1 | 12 -> 3 => 8 (scored on the timeline, pre-infusion)
    # CDSS d-3: 2 + plt 1 + fall missing + dd 6.0 -> 2 + PT 6.5 -> 2 + fib 1 = 8 -> met
    pre = day_row(s, -3, isth("met", 8, plt=2, pt=2, fib=1, dd=3),
                  cdss("met", 8, ["platelet-fall-24h"], platelets=1, fall=None, dd=2, ptaptt=2, fib=1),
                  vals(s, -3, plt=40, pt=pt_v(20.0, 6.5), fib=0.9, dd=dd_v(6.0, ratio=12), ldh=500, crea=0.8))
    # ISTH d28: 95 -> 1 | 0.5 -> 0 | 1.4 -> 0 | 2.8 -> 2 => 3
    # CDSS d28: 2 + 0 + fall missing (nothing in the preceding 24 h) + 0 + PT 0.5/APTT -1 -> 0 + 0 = 2 -> not met
    d28 = day_row(s, 28, isth("not-met", 3, plt=1, dd=2), cdss("not-met", 2, ["platelet-fall-24h"], fall=None),
                  vals(s, 28, plt=95, pt=pt_v(14.0, 0.5), aptt=34, fib=1.4, dd=dd_v(1.4, ratio=2.8)))
    expected = [
        evaluation(s, 1, [pre, {"day": 1, "date": s.date(1), "values": {"platelets": None, "fibrinogen": None}}]),
        evaluation(s, 28, [pre, d28]),
        evaluation(s, 30, [pre, d28]),                              # lastDay 28: day 29 is not in `days`
    ]
    emit(s, "TC-06 Window edges: pre-infusion DIC-like labs, day 28 vs day 29", "§9 TC-06", 28, expected,
         "Axi-cel. Day 0 2025-05-01, no lymphodepletion record. Day -3 DIC-like labs (ISTH 8, baseline only; "
         "EASIX 500*0.8/40 = 10.0). Day 28 fibrinogen 1.4 (ISTH 3). Day 29 ISTH 7 but outside the window. "
         "Evaluated as of day 1, day 28 and day 30.")


# =====================================================================================================
# TC-07 Missing data — indeterminate, then overt on a partial score
# =====================================================================================================
def tc07():
    s = Case("tc-07-missing-data-indeterminate", "2025-08-04", birth="1988-04-17")
    s.car_t(0, "brexu-cel")
    s.labs(-6, plt=150)                                             # baseline platelets 150
    # complete panels days 6-11, inside profile A (day 11 D-dimer 0.50 = ULN -> 0 ISTH points)
    filler = {6: (180, "12.0", "28.0", "3.5", "0.20"), 7: (172, "12.2", "29.0", "3.2", "0.25"),
              8: (168, "12.4", "30.0", "2.9", "0.30"), 9: (160, "12.6", "31.0", "2.6", "0.35"),
              10: (155, "12.8", "32.0", "2.3", "0.40"), 11: (150, "13.0", "33.0", "2.0", "0.50")}
    for d, (plt, pt, aptt, fib, dd) in filler.items():
        s.labs(d, plt=plt, pt=pt, aptt=aptt, fib=fib, dd=dd)
    s.labs(12, plt=45, fib="0.9")
    s.labs(13, plt=40, fib="0.8", dd="6.5")

    days = [
        # ISTH d12: plt 45 -> 2; fib 0.9 -> 1; partial 3; PT (2) + D-dimer (3) missing -> 8 >= 5 -> indeterminate
        # CDSS d12: 2 + plt 1 + fall (150-45)/150 = 70 % -> 1 + fib 1 = 5; D-dimer (3) + PT/APTT (2) missing
        #           -> indeterminate
        day_row(s, 12, isth("indeterminate", 3, ["pt", "d-dimer"], plt=2, pt=None, fib=1, dd=None),
                cdss("indeterminate", 5, ["d-dimer", "pt-aptt"], platelets=1, fall=1, dd=None, ptaptt=None, fib=1),
                {**vals(s, 12, plt=45, fib=0.9), "pt": None, "aptt": None, "d-dimer": None}),
        # ISTH d13: 40 -> 2; fib 0.8 -> 1; 6.5/0.5 = 13 -> 3; partial 6 >= 5 -> overt although PT missing
        # CDSS d13: 2 + 1 + fall (45-40)/45 = 11 % -> 0 + dd 6.5 -> 2 + fib 1 = 6 -> met (PT/APTT missing)
        day_row(s, 13, isth("met", 6, ["pt"], plt=2, pt=None, fib=1, dd=3),
                cdss("met", 6, ["pt-aptt"], platelets=1, fall=0, dd=2, ptaptt=None, fib=1),
                {**vals(s, 13, plt=40, fib=0.8, dd=dd_v(6.5, ratio=13)), "pt": None, "aptt": None}),
    ]
    emit(s, "TC-07 Missing data — indeterminate, then overt on a partial score", "§9 TC-07", 13,
         [evaluation(s, 13, days)],
         "Brexu-cel, B-ALL. Baseline platelets 150; complete panels days 6-11. Day 12: platelets 45, fibrinogen 0.9, "
         "no PT/APTT/D-dimer -> ISTH indeterminate (partial 3). Day 13: platelets 40, fibrinogen 0.8, D-dimer 6.5 "
         "-> ISTH 6 overt with PT missing. As-of day 13.")


# =====================================================================================================
# TC-08 ALT exactly 3xULN; CRS grade 1 vs 2 with coagulopathy
# =====================================================================================================
def tc08():
    s = Case("tc-08-alt-3x-uln-crs-grade", "2025-09-01", gender="female", birth="1967-07-21")
    s.car_t(0, "tisa-cel")
    s.labs(-6, plt=200, ldh=220, crea="0.8")                        # EASIX 220*0.8/200 = 0.88
    s.crs(3, 1, abatement_day=5)                                    # CRS grade 1 days 3-5
    s.crs(6, 2)                                                     # CRS grade 2 day 6
    s.labs(4, alt=60, fib="1.3", plt=140, pt="13.6", aptt=34, dd="1.0")
    s.labs(5, alt=120, fib="1.35", plt=135, pt="13.8", aptt=34, dd="1.1")
    s.labs(6, alt=121, fib="1.3", plt=130, pt="14.0", aptt=35, dd="1.2")

    days = [
        day_row(s, -6, values=vals(s, -6, plt=200, ldh=220, crea=0.8)),
        # ISTH d4: 140 -> 0 | 0.1 -> 0 | 1.3 -> 0 | 2.0 -> 2 => 2 ; CDSS: no earlier platelets -> fall missing, 2
        day_row(s, 4, isth("not-met", 2, dd=2), cdss("not-met", 2, ["platelet-fall-24h"], fall=None),
                vals(s, 4, alt=(60, {"uln": 40}), fib=1.3, plt=140, pt=pt_v(13.6, 0.1), aptt=34,
                     dd=dd_v(1.0, ratio=2.0))),
        # ISTH d5: 135 -> 0 | 0.3 -> 0 | 1.35 -> 0 | 2.2 -> 2 => 2 ; CDSS: fall 3.6 % -> 0, 2
        day_row(s, 5, isth("not-met", 2, dd=2), cdss("not-met", 2),
                vals(s, 5, alt=(120, {"uln": 40}), fib=1.35, plt=135, pt=pt_v(13.8, 0.3), aptt=34,
                     dd=dd_v(1.1, ratio=2.2))),
        # ISTH d6: 130 -> 0 | 0.5 -> 0 | 1.3 -> 0 | 2.4 -> 2 => 2 ; CDSS: fall 3.7 % -> 0, 2
        day_row(s, 6, isth("not-met", 2, dd=2), cdss("not-met", 2),
                vals(s, 6, alt=(121, {"uln": 40}), fib=1.3, plt=130, pt=pt_v(14.0, 0.5), aptt=35,
                     dd=dd_v(1.2, ratio=2.4))),
    ]
    emit(s, "TC-08 ALT exactly 3xULN; CRS grade 1 vs 2 with coagulopathy", "§9 TC-08", 6, [evaluation(s, 6, days)],
         "Tisa-cel. Baseline day -6: platelets 200, LDH 220, creatinine 0.8. CRS grade 1 days 3-5, grade 2 day 6. "
         "ALT 60 / 120 (= 3.0 x ULN) / 121 on days 4-6; fibrinogen 1.3-1.35 g/L; ISTH 2. As-of day 6.")


# =====================================================================================================
# Independent re-computation (SEMANTICS.md) of everything written in expected-cql.json
# =====================================================================================================
LOINC_KEY = {"777-3": "platelets", "5902-2": "pt", "14979-9": "aptt", "3255-7": "fibrinogen",
             "48065-7": "d-dimer", "48066-5": "d-dimer", "1742-6": "alt", "2532-0": "ldh", "2160-0": "creatinine"}
FACTOR = {"mg/dL@fibrinogen": Decimal("0.01")}
LOWEST = {"platelets", "fibrinogen"}


def D(x):
    return Decimal(str(x))


def observations(s, as_of):
    out = []
    for r in s.resources:
        if r["resourceType"] != "Observation" or "valueQuantity" not in r:
            continue
        loinc = r["code"]["coding"][0]["code"]
        if loinc not in LOINC_KEY:
            continue
        a = LOINC_KEY[loinc]
        t = datetime.fromisoformat(r["effectiveDateTime"])
        if t > as_of:
            continue
        q = r["valueQuantity"]
        f = FACTOR.get(f"{q['code']}@{a}", Decimal(1))
        uln = None
        if r.get("referenceRange"):
            h = r["referenceRange"][0]["high"]
            uln = D(h["value"]) * FACTOR.get(f"{h['code']}@{a}", Decimal(1))
        day = (t.date() - s.day0).days
        out.append({"a": a, "v": D(q["value"]) * f, "uln": uln, "t": t, "day": day, "id": r["id"],
                    "ddu": loinc == "48066-5"})
    return out


def worst(obs, day, a):
    xs = [o for o in obs if o["day"] == day and o["a"] == a]
    if not xs:
        return None
    if a == "d-dimer":
        return max(xs, key=lambda o: o["v"] / o["uln"])
    return (min if a in LOWEST else max)(xs, key=lambda o: o["v"])


def compute_day(obs, day):
    w = {a: worst(obs, day, a) for a in ("platelets", "pt", "aptt", "fibrinogen", "d-dimer")}
    plt, pt, aptt, fib, dd = (w[a] for a in ("platelets", "pt", "aptt", "fibrinogen", "d-dimer"))
    ptp = pt["v"] - pt["uln"] if pt else None
    aptp = aptt["v"] - aptt["uln"] if aptt else None
    ratio = dd["v"] / dd["uln"] if dd else None
    it = {"platelets": None if not plt else (2 if plt["v"] < 50 else 1 if plt["v"] < 100 else 0),
          "pt": None if ptp is None else (2 if ptp >= 6 else 1 if ptp >= 3 else 0),
          "fibrinogen": None if not fib else (1 if fib["v"] < 1 else 0),
          "d-dimer": None if ratio is None else (0 if ratio <= 1 else 2 if ratio < 5 else 3)}
    isth_r = status(it, {"platelets": 2, "pt": 2, "fibrinogen": 1, "d-dimer": 3}, 5)
    fall = None
    if plt:
        prev = [o for o in obs if o["a"] == "platelets" and plt["t"] - timedelta(hours=24) <= o["t"] < plt["t"]]
        if prev:
            p = max(o["v"] for o in prev)
            fall = 1 if (p - plt["v"]) / p >= Decimal("0.5") else 0
    if ptp is None:
        pa = None
    elif ptp >= 6:
        pa = 2
    elif ptp >= 3:
        pa = 1
    elif aptp is None:
        pa = None
    else:
        pa = 1 if aptp >= 10 else 0
    ci = {"underlying-disease": 2, "clinical-bleeding": 0, "clinical-shock": 0, "clinical-organ-dysfunction": 0,
          "platelets": None if not plt else (1 if plt["v"] < 50 else 0), "platelet-fall-24h": fall,
          "d-dimer": None if (not dd or dd["ddu"]) else (0 if dd["v"] < 5 else 2 if dd["v"] < 9 else 3),
          "pt-aptt": pa, "fibrinogen": None if not fib else (1 if fib["v"] < 1 else 0)}
    cdss_r = status(ci, {"platelets": 1, "platelet-fall-24h": 1, "d-dimer": 3, "pt-aptt": 2, "fibrinogen": 1}, 6)
    return isth_r, cdss_r, {"pt": ptp, "d-dimer": ratio}


def status(items, maxima, threshold):
    pts = sum(v for v in items.values() if v is not None)
    missing = [k for k, v in items.items() if v is None]
    st = "met" if pts >= threshold else ("not-met" if pts + sum(maxima[k] for k in missing) < threshold
                                         else "indeterminate")
    return {"status": st, "points": pts, "missing": missing, "items": items}


def self_check(s, expected):
    errors = []
    for ev in expected:
        as_of = datetime.fromisoformat(ev["asOf"])
        obs = observations(s, as_of)
        a_day = (as_of.date() - s.day0).days
        if ev["asOfDay"] != a_day or ev["lastDay"] != min(a_day, 28) or ev["infusionDate"] != s.day0.isoformat():
            errors.append(f"{ev['asOf']}: header")
        for row in ev["days"]:
            d = row["day"]
            if not -7 <= d <= ev["lastDay"]:
                errors.append(f"{ev['asOf']} d{d}: outside days")
            if row.get("date") != s.date(d):
                errors.append(f"d{d}: date")
            isth_r, cdss_r, derived = compute_day(obs, d)
            for key, got in (("isth", isth_r), ("cdss", cdss_r)):
                exp = row.get(key)
                if exp is None:
                    continue
                if exp["status"] != got["status"] or exp["points"] != got["points"] \
                        or set(exp["missing"]) != set(got["missing"]) \
                        or any(got["items"][k] != v for k, v in exp["items"].items()):
                    errors.append(f"{ev['asOf']} d{d} {key}: expected {exp} computed {got}")
            for a, exp in (row.get("values") or {}).items():
                w = worst(obs, d, a)
                if exp is None:
                    if w is not None:
                        errors.append(f"d{d} {a}: expected no value")
                    continue
                if w is None or D(exp["value"]) != w["v"]:
                    errors.append(f"d{d} {a}: value {exp['value']} vs {w and w['v']}")
                    continue
                if exp["observation"] != "Observation/" + w["id"]:
                    errors.append(f"d{d} {a}: observation")
                if "uln" in exp and D(exp["uln"]) != w["uln"]:
                    errors.append(f"d{d} {a}: uln")
                if "ratio" in exp and D(exp["ratio"]) != derived["d-dimer"]:
                    errors.append(f"d{d} {a}: ratio {exp['ratio']} vs {derived['d-dimer']}")
                if "prolongation" in exp and D(exp["prolongation"]) != derived["pt"]:
                    errors.append(f"d{d} {a}: prolongation {exp['prolongation']} vs {derived['pt']}")
    ids = [r["id"] for r in s.resources]
    if len(ids) != len(set(ids)) or any(not i.startswith(s.slug + "-") for i in ids):
        errors.append("resource ids not unique / not prefixed")
    if errors:
        sys.exit(f"{s.slug}: self-check failed:\n  " + "\n  ".join(errors))


if __name__ == "__main__":
    for build in (tc01, tc02, tc03, tc04, tc05, tc06, tc07, tc08):
        build()
    print("\n".join(STORIES))
