"""Threshold-edge stories: every ISTH (clinical-reference.md §4.1-§4.2) and CDSS (§4.3) cut-off exactly at,
just below and just above the boundary, in each accepted unit (fhir-input-profile.md P3.2, §8.1/§8.2).

Run: python3 fhir-resources/generator/edges.py  -> writes fhir-resources/scenarios/edge-*/

Every story: one patient, CAR-T (axi-cel) on day 0 = 2025-08-01 10:00 +08:00, as-of the last day 18:00.
Each test day carries one complete panel at 06:00 (platelets, PT, APTT, fibrinogen, D-dimer FEU) in which
every analyte except the one under test is normal (Lab profile A, §9.0):

    platelets 200 x10^9/L | PT 12.0 s (ULN 13.5) | APTT 30.0 s (ULN 35.0) | fibrinogen 3.0 g/L |
    D-dimer 0.30 mg/L FEU (ULN 0.50, ratio 0.6)

so with nothing else abnormal the normal panel scores ISTH 0 and CDSS 2 (underlying disease only). A
platelet result on day 0 (06:00) makes the CDSS 24-h fall item determinate on day 1; platelet values in
the platelet stories rise from day to day, so the fall item is 0 there.

Every expected number below is written by hand in the tables; the script re-scores each day with an
independent Decimal implementation of SEMANTICS.md and stops if the two disagree.
"""
from decimal import Decimal as D
from datetime import datetime, timedelta

from fhirgen import Story

DAY0 = "2025-08-01"
ANALYTES = ("platelets", "pt", "aptt", "fibrinogen", "d-dimer")
NORMAL = {"platelets": "200", "pt": "12.0", "aptt": "30.0", "fibrinogen": "3.0", "d-dimer": "0.30"}

# UCUM code -> factor to the canonical unit (fhir-input-profile.md P3.2)
PLT_UNITS = {"10*9/L": D(1), "10*3/uL": D(1), "10*3/mm3": D(1), "/uL": D("0.001"), "/mm3": D("0.001")}
FIB_UNITS = {"g/L": D(1), "mg/dL": D("0.01"), "mg/L": D("0.001")}
FEU_UNITS = {"mg/L{FEU}": D(1), "ug/mL{FEU}": D(1), "ug/L{FEU}": D("0.001"), "ng/mL{FEU}": D("0.001"),
             "mg/L": D(1), "ug/mL": D(1), "ug/L": D("0.001"), "ng/mL": D("0.001")}
DDU_UNITS = {"ng/mL{DDU}": D(1), "ug/L{DDU}": D(1), "ug/mL{DDU}": D(1000), "mg/L{DDU}": D(1000)}
CANONICAL = {"platelets": "10*9/L", "pt": "s", "aptt": "s", "fibrinogen": "g/L",
             "d-dimer": "mg/L{FEU}", "d-dimer-ddu": "ng/mL{DDU}", "d-dimer-units": "[arb'U]/mL"}

ISTH_MAX = {"platelets": 2, "pt": 2, "fibrinogen": 1, "d-dimer": 3}
CDSS_MAX = {"platelets": 1, "platelet-fall-24h": 1, "d-dimer": 3, "pt-aptt": 2, "fibrinogen": 1}

WRITTEN = []


def factor(kind, unit):
    if kind == "platelets":
        return PLT_UNITS[unit]
    if kind == "fibrinogen":
        return FIB_UNITS[unit]
    if kind == "d-dimer":
        return FEU_UNITS[unit]
    if kind == "d-dimer-ddu":
        return DDU_UNITS[unit]
    if kind == "d-dimer-units":  # units per volume: kept in its own unit, never converted (§8.1)
        assert unit == CANONICAL[kind]
        return D(1)
    assert unit == "s"
    return D(1)


# ---- independent re-scoring (SEMANTICS.md), used only to check the hand-written expectations ---------------

def status(points, missing, maxima, cut):
    if points >= cut:
        return "met"
    if points + sum(maxima[m] for m in missing) < cut:
        return "not-met"
    return "indeterminate"


def score_isth(r):
    items = {}
    p = r.get("platelets")
    items["platelets"] = None if p is None else 2 if p < 50 else 1 if p < 100 else 0
    pt = r.get("pt")
    if pt is None or pt[1] is None:
        items["pt"] = None
    else:
        prol = pt[0] - pt[1]
        items["pt"] = 2 if prol >= 6 else 1 if prol >= 3 else 0
    f = r.get("fibrinogen")
    items["fibrinogen"] = None if f is None else 1 if f < 1 else 0
    dd = r.get("d-dimer")
    if dd is None or dd[1] is None:
        items["d-dimer"] = None
    else:
        ratio = dd[0] / dd[1]
        items["d-dimer"] = 0 if ratio <= 1 else 2 if ratio < 5 else 3
    missing = sorted(k for k, v in items.items() if v is None)
    points = sum(v for v in items.values() if v is not None)
    return {"items": items, "points": points, "missing": missing, "status": status(points, missing, ISTH_MAX, 5)}


def score_cdss(r):
    items = {"underlying-disease": 2}
    for c in ("bleeding", "shock", "organ-dysfunction"):
        items["clinical-" + c] = 1 if r.get("clinical", {}).get(c) else 0
    p = r.get("platelets")
    items["platelets"] = None if p is None else 1 if p < 50 else 0
    items["platelet-fall-24h"] = r.get("fall")
    dd = r.get("d-dimer")
    if dd is None or dd[2] != "FEU":
        items["d-dimer"] = None
    else:
        items["d-dimer"] = 0 if dd[0] < 5 else 2 if dd[0] < 9 else 3
    pt, aptt = r.get("pt"), r.get("aptt")
    ptp = None if pt is None or pt[1] is None else pt[0] - pt[1]
    apttp = None if aptt is None or aptt[1] is None else aptt[0] - aptt[1]
    if ptp is None:
        items["pt-aptt"] = None
    elif ptp >= 6:
        items["pt-aptt"] = 2
    elif ptp >= 3:
        items["pt-aptt"] = 1
    elif apttp is None:
        items["pt-aptt"] = None
    else:
        items["pt-aptt"] = 1 if apttp >= 10 else 0
    f = r.get("fibrinogen")
    items["fibrinogen"] = None if f is None else 1 if f < 1 else 0
    missing = sorted(k for k, v in items.items() if v is None)
    points = sum(v for v in items.values() if v is not None)
    return {"items": items, "points": points, "missing": missing, "status": status(points, missing, CDSS_MAX, 6)}


# ---- story builder ----------------------------------------------------------------------------------------------

class Edge:
    def __init__(self, slug, title, reference, description):
        self.slug, self.title, self.reference, self.description = slug, title, reference, description
        self.s = Story(slug, DAY0)
        self.s.car_t(0, "axi-cel")
        self.records = {}  # day -> analyte -> list of canonical results
        self.plt = []  # (datetime or None if date-only, day, canonical value)
        self.clinical = {}
        self.obs_ids = {}  # (day, analyte) -> ["Observation/<id>", ...]
        self.expected_days = []

    def _dt(self, day, time):
        return datetime.fromisoformat(f"{self.s.date(day)}T{time}:00")

    def result(self, analyte, day, value, unit=None, ref="A", time="06:00", loinc=None, effective=None):
        """One lab result; value and reference range in `unit`; ref "A" = profile A (canonical units only)."""
        kind = analyte
        unit = unit or CANONICAL[kind]
        fb = kind
        if ref == "A":
            assert unit == CANONICAL[kind], (self.slug, analyte, unit)
        oid = self.s.next_id("ddimer") if kind.startswith("d-dimer") else None
        obs = self.s.lab(fb, day, value, unit=unit, ref=ref, time=time, loinc=loinc, effective=effective, id=oid)
        f = factor(kind, unit)
        v = D(value) * f
        uln = None
        if ref == "A":
            uln = {"pt": D("13.5"), "aptt": D("35.0"), "d-dimer": D("0.50"),
                   "platelets": D(400), "fibrinogen": D("4.0")}[kind]
        elif ref is not None:
            uln = D(str(ref[1])) * f
        key = "d-dimer" if kind.startswith("d-dimer") else kind
        self.obs_ids.setdefault((day, key), []).append("Observation/" + obs["id"])
        basis = {"d-dimer-ddu": "DDU", "d-dimer-units": "units"}.get(kind, "FEU")
        self.records.setdefault(day, {}).setdefault(key, []).append((v, uln, basis))
        if key == "platelets":
            self.plt.append((None if effective else self._dt(day, time), day, v))

    def panel(self, day, **spec):
        """Complete panel at 06:00: spec analyte=None omits it, a string is a canonical value with profile A,
        a dict gives result() keyword arguments (value, unit, ref, time, loinc, effective, analyte)."""
        for analyte in ANALYTES:
            key = analyte.replace("-", "_")
            if key in spec and spec[key] is None:
                continue
            v = spec.get(key, NORMAL[analyte])
            if isinstance(v, dict):
                v = dict(v)
                self.result(v.pop("analyte", analyte), day, v.pop("value"), **v)
            else:
                self.result(analyte, day, v)

    def clinical_item(self, day, item, value=True):
        self.s.cdss_clinical(day, item, value)
        self.clinical.setdefault(day, {})[item] = self.clinical.get(day, {}).get(item) or value

    # ---- recompute a day -----------------------------------------------------------------------------------
    def fall(self, day):
        today = [p for p in self.plt if p[1] == day]
        if not today:
            return None
        cur = min(today, key=lambda p: p[2])
        if cur[0] is None:
            return None
        t = cur[0]
        prev = [p[2] for p in self.plt if p[0] is not None and t - timedelta(hours=24) <= p[0] < t]
        if not prev:
            return None
        return 1 if (max(prev) - cur[2]) / max(prev) >= D("0.50") else 0

    def canonical_day(self, day):
        rec = self.records.get(day, {})
        r = {"clinical": self.clinical.get(day, {}), "fall": self.fall(day)}
        if "platelets" in rec:
            r["platelets"] = min(v for v, _, _ in rec["platelets"])
        if "fibrinogen" in rec:
            r["fibrinogen"] = min(v for v, _, _ in rec["fibrinogen"])
        for a in ("pt", "aptt"):
            if a in rec:
                r[a] = max(rec[a], key=lambda x: x[0])[:2]
        if "d-dimer" in rec:
            assert len(rec["d-dimer"]) == 1
            r["d-dimer"] = rec["d-dimer"][0]
        return r

    # ---- expectations ----------------------------------------------------------------------------------------
    def expect(self, day, isth=None, cdss=None, values=None):
        """isth/cdss: (items dict, points, status, missing list); values: analyte -> dict of strings/None."""
        r = self.canonical_day(day)
        entry = {"day": day, "date": self.s.date(day)}
        for name, hand, scorer in (("isth", isth, score_isth), ("cdss", cdss, score_cdss)):
            if hand is None:
                continue
            items, points, st, missing = hand
            got = scorer(r)
            for k, v in items.items():
                assert got["items"][k] == v, (self.slug, day, name, k, v, got)
            assert (got["points"], got["status"], got["missing"]) == (points, st, sorted(missing)), \
                (self.slug, day, name, points, st, missing, got)
            entry[name] = {"status": st, "points": points, "missing": sorted(missing), "items": items}
        if values:
            out = {}
            for analyte, v in values.items():
                if v is None:
                    assert analyte not in self.records.get(day, {}), (self.slug, day, analyte)
                    out[analyte] = None
                    continue
                self.check_values(day, analyte, v, r)
                out[analyte] = {k: (json_num(x) if k in ("value", "uln", "ratio", "prolongation") else x)
                                for k, x in v.items()}
                ids = self.obs_ids.get((day, analyte), [])
                if len(ids) == 1:  # the day's only result of that analyte is its worst-of-day
                    out[analyte]["observation"] = ids[0]
            entry["values"] = out
        self.expected_days.append(entry)

    def check_values(self, day, analyte, v, r):
        if analyte == "platelets" or analyte == "fibrinogen":
            assert D(v["value"]) == r[analyte], (self.slug, day, analyte, v, r)
        elif analyte in ("pt", "aptt"):
            val, uln = r[analyte]
            assert D(v["value"]) == val, (self.slug, day, analyte, v, r)
            if "uln" in v:
                assert D(v["uln"]) == uln
            if "prolongation" in v:
                assert D(v["prolongation"]) == val - uln, (self.slug, day, analyte, v, r)
        elif analyte == "d-dimer":
            val, uln, basis = r["d-dimer"]
            assert D(v["value"]) == val, (self.slug, day, analyte, v, r)
            if "uln" in v:
                assert D(v["uln"]) == uln
            if "ratio" in v:
                assert D(v["ratio"]) == val / uln, (self.slug, day, v, val / uln)
            if "basis" in v:
                assert v["basis"] == basis
        if "unit" in v:
            want = CANONICAL[{"DDU": "d-dimer-ddu", "units": "d-dimer-units"}.get(r["d-dimer"][2], "d-dimer")] \
                if analyte == "d-dimer" else CANONICAL[analyte]
            assert v["unit"] == want, (self.slug, day, analyte, v)

    def write(self, as_of_day):
        days = sorted(self.expected_days, key=lambda e: e["day"])
        assert [e["day"] for e in days] == sorted({e["day"] for e in days})
        assert days[-1]["day"] <= as_of_day <= 28
        as_of = self.s.as_of(as_of_day)
        expected = [{"asOf": as_of, "infusionDate": DAY0, "asOfDay": as_of_day,
                     "firstDay": -7, "lastDay": as_of_day, "days": days}]
        self.s.write(self.title, self.reference, as_of, expected, self.description)
        WRITTEN.append(self.slug)


def json_num(x):
    """Exact decimal string -> JSON number (ints stay ints)."""
    d = D(x)
    if d == d.to_integral_value():
        return int(d)
    return float(str(d.normalize()))


def none_missing_isth(items, points):
    return (items, points, "met" if points >= 5 else "not-met", [])


# ---- platelets: ISTH 50/100, CDSS 50 -----------------------------------------------------------------------

# (canonical value, ISTH platelets, CDSS platelets); ascending so the 24-h fall item stays 0
PLT_ROWS = [("49.9", 2, 1), ("50", 1, 0), ("50.1", 1, 0), ("99.9", 1, 0), ("100", 0, 0), ("100.1", 0, 0)]
PLT_STORIES = [  # (unit slug, UCUM code, multiplier to the written unit, reference range or None)
    ("10-9-l", "10*9/L", D(1), "A"),
    ("10-3-ul", "10*3/uL", D(1), (150, 400, "10*3/uL")),
    ("10-3-mm3", "10*3/mm3", D(1), None),
    ("per-ul", "/uL", D(1000), (150000, 400000, "/uL")),
    ("per-mm3", "/mm3", D(1000), None),
]


def written(canonical, mult):
    v = D(canonical) * mult
    return str(v.normalize()) if v != v.to_integral_value() else str(int(v))


def platelet_stories():
    for uslug, code, mult, ref in PLT_STORIES:
        e = Edge(f"edge-isth-platelets-{uslug}",
                 f"Edge: platelets 50 / 100 x10^9/L in {code}",
                 "clinical-reference.md §4.1, §4.3, §8.1/§8.2; fhir-input-profile.md P3.2",
                 f"Platelets reported in {code} ({'no reference range' if ref is None else 'reference range in ' + code})"
                 f" just below, at and above 50 and 100 x10^9/L (ISTH < 50 -> 2, < 100 -> 1; CDSS < 50 -> 1). "
                 f"Day 0: platelets 40 x10^9/L at 06:00 (anchor for the 24-h fall item; values rise afterwards). "
                 f"Every other analyte normal (profile A).")
        e.result("platelets", 0, written("40", mult), unit=code, ref=ref)
        for i, (canon, isth_pts, cdss_pts) in enumerate(PLT_ROWS, start=1):
            e.panel(i, platelets={"value": written(canon, mult), "unit": code, "ref": ref})
            e.expect(i,
                     isth=none_missing_isth({"platelets": isth_pts}, isth_pts),
                     cdss=({"platelets": cdss_pts, "platelet-fall-24h": 0, "underlying-disease": 2},
                           2 + cdss_pts, "not-met", []),
                     values={"platelets": {"value": canon, "unit": "10*9/L"}})
        e.write(len(PLT_ROWS))


# ---- PT (ISTH and CDSS) ------------------------------------------------------------------------------------

def pt_story():
    e = Edge("edge-isth-pt-s", "Edge: PT prolongation 3 s / 6 s over ULN 13.5 s (ISTH and CDSS)",
             "clinical-reference.md §4.1, §4.3, §7.2; fhir-input-profile.md P2",
             "PT 16.4/16.5/16.6 and 19.4/19.5/19.6 s with ULN 13.5 (prolongation 2.9/3.0/3.1 and 5.9/6.0/6.1): "
             "ISTH and CDSS PT items 0/1/1 and 1/2/2 (APTT normal). Day 7: PT 19.5 s without reference range "
             "(no site range shipped) -> ISTH pt and CDSS pt-aptt missing.")
    e.result("platelets", 0, "200")
    rows = [("16.4", "2.9", 0), ("16.5", "3.0", 1), ("16.6", "3.1", 1),
            ("19.4", "5.9", 1), ("19.5", "6.0", 2), ("19.6", "6.1", 2)]
    for i, (pt, prol, pts) in enumerate(rows, start=1):
        e.panel(i, pt=pt)
        e.expect(i, isth=none_missing_isth({"pt": pts}, pts),
                 cdss=({"pt-aptt": pts}, 2 + pts, "not-met", []),
                 values={"pt": {"value": pt, "unit": "s", "uln": "13.5", "prolongation": prol}})
    e.panel(7, pt={"value": "19.5", "ref": None})
    # ISTH 0 + max pt 2 = 2 < 5 -> not-met; CDSS 2 + max pt-aptt 2 = 4 < 6 -> not-met
    e.expect(7, isth=({"pt": None}, 0, "not-met", ["pt"]),
             cdss=({"pt-aptt": None}, 2, "not-met", ["pt-aptt"]),
             values={"pt": {"value": "19.5", "unit": "s"}})
    e.write(7)


# ---- APTT (CDSS) --------------------------------------------------------------------------------------------

def aptt_story():
    e = Edge("edge-cdss-aptt-s", "Edge: CDSS PT/APTT item - APTT prolongation 10 s over ULN 35.0 s",
             "clinical-reference.md §4.3 ('or' rule), §7.3; SEMANTICS.md pt-aptt",
             "Days 1-3: PT 12.0 (normal), APTT 44.9/45.0/45.1 (prolongation 9.9/10.0/10.1) -> pt-aptt 0/1/1. "
             "Day 4: PT normal, no APTT -> missing. Day 5: PT normal, APTT 45.1 without reference range -> missing. "
             "Day 6: PT 16.5 (+3.0), no APTT -> 1. Day 7: PT 16.4 (+2.9) and APTT 45.0 (+10.0) -> 1. "
             "Day 8: PT 19.5 (+6.0), APTT 45.0 -> 2. Day 9: PT 16.4 (+2.9), APTT 44.9 (+9.9) -> 0.")
    e.result("platelets", 0, "200")
    # (day, PT, APTT spec, ISTH pt, CDSS pt-aptt, aptt values entry)
    rows = [
        (1, "12.0", "44.9", 0, 0, {"value": "44.9", "unit": "s", "uln": "35.0", "prolongation": "9.9"}),
        (2, "12.0", "45.0", 0, 1, {"value": "45.0", "unit": "s", "uln": "35.0", "prolongation": "10.0"}),
        (3, "12.0", "45.1", 0, 1, {"value": "45.1", "unit": "s", "uln": "35.0", "prolongation": "10.1"}),
        (4, "12.0", None, 0, None, None),
        (5, "12.0", {"value": "45.1", "ref": None}, 0, None, {"value": "45.1", "unit": "s"}),
        (6, "16.5", None, 1, 1, None),
        (7, "16.4", "45.0", 0, 1, {"value": "45.0", "unit": "s", "prolongation": "10.0"}),
        (8, "19.5", "45.0", 2, 2, {"value": "45.0", "unit": "s", "prolongation": "10.0"}),
        (9, "16.4", "44.9", 0, 0, {"value": "44.9", "unit": "s", "prolongation": "9.9"}),
    ]
    for day, pt, aptt, isth_pt, cdss_pa, aptt_val in rows:
        e.panel(day, pt=pt, aptt=aptt)
        if cdss_pa is None:  # 2 + max 2 = 4 < 6
            cdss = ({"pt-aptt": None}, 2, "not-met", ["pt-aptt"])
        else:
            cdss = ({"pt-aptt": cdss_pa}, 2 + cdss_pa, "not-met", [])
        e.expect(day, isth=none_missing_isth({"pt": isth_pt}, isth_pt), cdss=cdss,
                 values={"aptt": aptt_val, "pt": {"value": pt, "unit": "s"}})
    e.write(9)


# ---- fibrinogen (ISTH and CDSS) ---------------------------------------------------------------------------------

def fibrinogen_stories():
    for uslug, code, mult, ref in (("g-l", "g/L", D(1), "A"),
                                   ("mg-dl", "mg/dL", D(100), (200, 400, "mg/dL")),
                                   ("mg-l", "mg/L", D(1000), (2000, 4000, "mg/L"))):
        e = Edge(f"edge-isth-fibrinogen-{uslug}", f"Edge: fibrinogen 1.0 g/L in {code} (ISTH and CDSS)",
                 "clinical-reference.md §4.1, §4.3, §8.1/§8.2; fhir-input-profile.md P3.2",
                 f"Fibrinogen {', '.join(written(c, mult) for c in ('0.99', '1.0', '1.01'))} {code} "
                 f"(= 0.99 / 1.0 / 1.01 g/L): ISTH and CDSS fibrinogen items 1 / 0 / 0 ('< 1.0'). "
                 f"Other analytes normal.")
        e.result("platelets", 0, "200")
        for i, (canon, pts) in enumerate((("0.99", 1), ("1.0", 0), ("1.01", 0)), start=1):
            e.panel(i, fibrinogen={"value": written(canon, mult), "unit": code, "ref": ref})
            e.expect(i, isth=none_missing_isth({"fibrinogen": pts}, pts),
                     cdss=({"fibrinogen": pts}, 2 + pts, "not-met", []),
                     values={"fibrinogen": {"value": canon, "unit": "g/L"}})
        e.write(3)


# ---- D-dimer ISTH ratio 1 / 5 -------------------------------------------------------------------------------------

# (value in mg/L-like unit, ratio to ULN 0.50, ISTH item)
FEU_ROWS = [("0.49", "0.98", 0), ("0.50", "1", 0), ("0.51", "1.02", 2),
            ("2.49", "4.98", 2), ("2.50", "5", 3), ("2.51", "5.02", 3)]
# (value in ng/mL{DDU}, exact ratio to ULN 230 or None, ISTH item)
UNITS_ROWS = [("0.49", None, 0), ("0.50", "1", 0), ("0.51", None, 2),
              ("2.49", None, 2), ("2.50", "5", 3), ("2.51", None, 3)]
DDU_ROWS = [("229", None, 0), ("230", "1", 0), ("231", None, 2),
            ("1149", None, 2), ("1150", "5", 3), ("1151", None, 3)]


def isth_ddimer_stories():
    feu = [("mg-l-feu", "mg/L{FEU}", D(1)), ("ug-ml-feu", "ug/mL{FEU}", D(1)),
           ("ug-l-feu", "ug/L{FEU}", D(1000)), ("ng-ml-feu", "ng/mL{FEU}", D(1000)),
           ("mg-l-no-annotation", "mg/L", D(1))]
    for uslug, code, mult in feu:
        uln = written("0.50", mult)
        ref = "A" if code == "mg/L{FEU}" else (0, uln, code)
        e = Edge(f"edge-isth-d-dimer-{uslug}", f"Edge: ISTH D-dimer ratio 1 / 5, FEU in {code}",
                 "clinical-reference.md §4.2 (variant A), §8.1/§8.2; fhir-input-profile.md P2, P3.2",
                 f"D-dimer LOINC 48065-7 (FEU) in {code}, ULN {uln} {code}: values "
                 f"{', '.join(written(v, mult) for v, _, _ in FEU_ROWS)} -> ratio 0.98/1.0/1.02/4.98/5.0/5.02 -> "
                 f"ISTH 0/0/2/2/3/3 (r <= 1 -> 0; r >= 5 -> 3). CDSS D-dimer (absolute mg/L FEU, all < 5) -> 0."
                 + (" Unit without annotation takes the FEU basis of the LOINC code." if "{" not in code else ""))
        e.result("platelets", 0, "200")
        for i, (canon, ratio, pts) in enumerate(FEU_ROWS, start=1):
            e.panel(i, d_dimer={"value": written(canon, mult), "unit": code, "ref": ref})
            val = {"value": canon, "unit": "mg/L{FEU}", "ratio": ratio}
            if code == "mg/L{FEU}":
                val["uln"] = "0.50"
            if "{" not in code:
                val["basis"] = "FEU"
            e.expect(i, isth=none_missing_isth({"d-dimer": pts}, pts),
                     cdss=({"d-dimer": 0}, 2, "not-met", []),
                     values={"d-dimer": val})
        e.write(len(FEU_ROWS))

    ddu = [("ng-ml-ddu", "ng/mL{DDU}", D(1)), ("ug-l-ddu", "ug/L{DDU}", D(1)),
           ("ug-ml-ddu", "ug/mL{DDU}", D("0.001")), ("mg-l-ddu", "mg/L{DDU}", D("0.001"))]
    for uslug, code, mult in ddu:
        uln = written("230", mult)
        e = Edge(f"edge-isth-d-dimer-{uslug}", f"Edge: ISTH D-dimer ratio 1 / 5, DDU in {code}",
                 "clinical-reference.md §4.2, §4.3 (DDU -> CDSS D-dimer not scorable), §8.2 rule 2; "
                 "fhir-input-profile.md P3.2",
                 f"D-dimer LOINC 48066-5 (DDU) in {code}, ULN {uln} {code}: values "
                 f"{', '.join(written(v, mult) for v, _, _ in DDU_ROWS)} (= 229/230/231/1149/1150/1151 ng/mL DDU) "
                 f"-> ratio <1 / 1 / >1 / <5 / 5 / >5 -> ISTH 0/0/2/2/3/3. Never converted to FEU: CDSS D-dimer "
                 f"item missing (max 3: 2 + 3 = 5 < 6 -> not met).")
        e.result("platelets", 0, "200")
        for i, (canon, ratio, pts) in enumerate(DDU_ROWS, start=1):
            e.panel(i, d_dimer={"analyte": "d-dimer-ddu", "value": written(canon, mult), "unit": code,
                                "ref": (0, uln, code)})
            val = {"value": canon, "unit": "ng/mL{DDU}", "basis": "DDU"}
            if ratio is not None:
                val["ratio"] = ratio
            if code == "ng/mL{DDU}":
                val["uln"] = "230"
            e.expect(i, isth=none_missing_isth({"d-dimer": pts}, pts),
                     cdss=({"d-dimer": None}, 2, "not-met", ["d-dimer"]),
                     values={"d-dimer": val})
        e.write(len(DDU_ROWS))

    # units per volume (7799-0): scored only against its own ULN in the identical unit code, never converted
    unit = CANONICAL["d-dimer-units"]
    e = Edge("edge-isth-d-dimer-units", f"Edge: ISTH D-dimer ratio 1 / 5, units per volume in {unit}",
             "clinical-reference.md §4.2, §4.3 (not FEU -> CDSS D-dimer not scorable), §8.1 (7799-0: own ULN only); "
             "fhir-input-profile.md P3.2",
             f"D-dimer LOINC 7799-0 (units/volume) in {unit}, ULN 0.50 {unit}: values "
             f"{', '.join(v for v, _, _ in UNITS_ROWS)} -> ratio <1 / 1 / >1 / <5 / 5 / >5 -> ISTH 0/0/2/2/3/3. "
             f"Kept in its own unit; CDSS D-dimer item missing (max 3: 2 + 3 = 5 < 6 -> not met).")
    e.result("platelets", 0, "200")
    for i, (value, ratio, pts) in enumerate(UNITS_ROWS, start=1):
        e.panel(i, d_dimer={"analyte": "d-dimer-units", "value": value, "unit": unit, "ref": (0, "0.50", unit)})
        val = {"value": value, "unit": unit, "uln": "0.50", "basis": "units"}
        if ratio is not None:
            val["ratio"] = ratio
        e.expect(i, isth=none_missing_isth({"d-dimer": pts}, pts),
                 cdss=({"d-dimer": None}, 2, "not-met", ["d-dimer"]),
                 values={"d-dimer": val})
    e.write(len(UNITS_ROWS))


# ---- D-dimer CDSS 5 / 9 mg/L FEU ----------------------------------------------------------------------------------

# (mg/L FEU, ratio to 0.50, CDSS item); ISTH ratio always >= 5 -> 3
CDSS_DD_ROWS = [("4.99", "9.98", 0), ("5.00", "10", 2), ("5.01", "10.02", 2),
                ("8.99", "17.98", 2), ("9.00", "18", 3), ("9.01", "18.02", 3)]


def cdss_ddimer_stories():
    for uslug, code, mult in (("mg-l-feu", "mg/L{FEU}", D(1)), ("ug-ml-feu", "ug/mL{FEU}", D(1)),
                              ("ng-ml-feu", "ng/mL{FEU}", D(1000)), ("ug-l-feu", "ug/L{FEU}", D(1000)),
                              ("mg-l-no-annotation", "mg/L", D(1))):
        uln = written("0.50", mult)
        ref = "A" if code == "mg/L{FEU}" else (0, uln, code)
        e = Edge(f"edge-cdss-d-dimer-{uslug}", f"Edge: CDSS D-dimer 5 / 9 mg/L FEU in {code}",
                 "clinical-reference.md §4.3 (D-dimer absolute mg/L, FEU assumed), §8.1/§8.2",
                 f"D-dimer LOINC 48065-7 in {code} (ULN {uln}): "
                 f"{', '.join(written(v, mult) for v, _, _ in CDSS_DD_ROWS)} -> 4.99/5/5.01/8.99/9/9.01 mg/L FEU "
                 f"-> CDSS 0/2/2/2/3/3 (totals 2/4/4/4/5/5, not met). ISTH D-dimer 3 every day (ratio >= 9.98).")
        e.result("platelets", 0, "200")
        for i, (canon, ratio, pts) in enumerate(CDSS_DD_ROWS, start=1):
            e.panel(i, d_dimer={"value": written(canon, mult), "unit": code, "ref": ref})
            e.expect(i, isth=none_missing_isth({"d-dimer": 3}, 3),
                     cdss=({"d-dimer": pts}, 2 + pts, "not-met", []),
                     values={"d-dimer": {"value": canon, "unit": "mg/L{FEU}", "ratio": ratio}})
        e.write(len(CDSS_DD_ROWS))


# ---- CDSS 24-h platelet fall ----------------------------------------------------------------------------------------

def fall_stories():
    for uslug, code, mult in (("10-9-l", "10*9/L", D(1)), ("per-ul", "/uL", D(1000))):
        ref = "A" if code == "10*9/L" else (150000, 400000, "/uL")
        e = Edge(f"edge-cdss-platelet-fall-{uslug}", f"Edge: CDSS 24-h platelet fall 50 % ({code})",
                 "clinical-reference.md §4.3 (24-h fall: highest count in [t-24h, t)); fhir-input-profile.md P1",
                 "Pairs (platelets x10^9/L): d1 06:00 100 -> d2 06:00 51 (fall 49 % -> 0); d3 100 -> d4 50 (50 % -> 1); "
                 "d5 100 -> d6 49 (51 % -> 1); d7 14:30 100 -> d8 14:30 40 (exactly 24 h earlier -> counts, 1); "
                 "d9 14:29 100 -> d10 14:30 40 (24 h 1 min earlier -> outside, item missing); d11 06:00 60 and "
                 "20:00 100 -> d12 06:00 50 (previous = highest in window = 100 -> 50 % -> 1); d13 06:00 100 -> "
                 f"d14 date-only 40 (no time -> item missing). Platelets in {code}; other analytes normal at 06:00.")

        def plt(day, canon, time="06:00", effective=None):
            e.result("platelets", day, written(canon, mult), unit=code, ref=ref, time=time, effective=effective)

        # pairs on consecutive days, platelets at 06:00 with the panel
        for day, canon in ((1, "100"), (2, "51"), (3, "100"), (4, "50"), (5, "100"), (6, "49")):
            e.panel(day, platelets={"value": written(canon, mult), "unit": code, "ref": ref})
        for day in range(7, 16):
            e.panel(day, platelets=None)
        plt(7, "100", "14:30")
        plt(8, "40", "14:30")
        plt(9, "100", "14:29")
        plt(10, "40", "14:30")
        plt(11, "60", "06:00")
        plt(11, "100", "20:00")
        plt(12, "50", "06:00")
        plt(13, "100", "06:00")
        plt(14, "40", effective=e.s.date(14))
        plt(15, "200", "06:00")

        # (day, current, ISTH plt, CDSS plt, fall item)
        rows = [(2, "51", 1, 0, 0), (4, "50", 1, 0, 1), (6, "49", 2, 1, 1), (8, "40", 2, 1, 1),
                (10, "40", 2, 1, None), (12, "50", 1, 0, 1), (14, "40", 2, 1, None)]
        for day, cur, ip, cp, fall in rows:
            if fall is None:  # 2 + plt + max fall 1 <= 4 < 6
                cdss = ({"platelets": cp, "platelet-fall-24h": None}, 2 + cp, "not-met", ["platelet-fall-24h"])
            else:
                cdss = ({"platelets": cp, "platelet-fall-24h": fall}, 2 + cp + fall, "not-met", [])
            e.expect(day, isth=none_missing_isth({"platelets": ip}, ip), cdss=cdss,
                     values={"platelets": {"value": cur, "unit": "10*9/L"}})
        e.write(15)


# ---- status boundaries ------------------------------------------------------------------------------------------------

def isth_status_story():
    e = Edge("edge-status-isth", "Edge: ISTH status boundaries (total 5 / 4, partial scores)",
             "clinical-reference.md §4.1, §7.3 (partial scores, missing maxima)",
             "d1 plt 50 | PT 16.5 (+3.0) | fib 1.0 | DD 2.50 (r 5) -> 1+1+0+3 = 5 met. "
             "d2 plt 99 | PT 16.4 (+2.9) | fib 0.99 | DD 2.49 (r 4.98) -> 1+0+1+2 = 4 not met. "
             "d3 plt 49 | PT 12.0 | no fib | DD 1.00 (r 2) -> 4, fib missing (max 1) -> 5 -> indeterminate. "
             "d4 plt 200 | no PT | fib 3.0 | DD 1.00 -> 2, PT missing (max 2) -> 4 -> not met. "
             "d5 plt 49 | PT 12.0 | fib 3.0 | no DD -> 2 + max 3 = 5 -> indeterminate. "
             "d6 plt 49 | PT 19.5 (+6.0) | fib 0.99 | no DD -> 5 met despite missing D-dimer. "
             "d7 no plt | PT 12.0 | fib 0.99 | DD 1.00 -> 3 + max 2 = 5 -> indeterminate. "
             "d8 no plt | PT 12.0 | fib 3.0 | DD 1.00 -> 2 + 2 = 4 -> not met.")
    e.panel(1, platelets="50", pt="16.5", fibrinogen="1.0", d_dimer="2.50")
    e.expect(1, isth=({"platelets": 1, "pt": 1, "fibrinogen": 0, "d-dimer": 3}, 5, "met", []),
             values={"d-dimer": {"value": "2.50", "ratio": "5"}, "pt": {"prolongation": "3.0", "value": "16.5"}})
    e.panel(2, platelets="99", pt="16.4", fibrinogen="0.99", d_dimer="2.49")
    e.expect(2, isth=({"platelets": 1, "pt": 0, "fibrinogen": 1, "d-dimer": 2}, 4, "not-met", []),
             values={"d-dimer": {"value": "2.49", "ratio": "4.98"}, "pt": {"prolongation": "2.9", "value": "16.4"}})
    e.panel(3, platelets="49", fibrinogen=None, d_dimer="1.00")
    e.expect(3, isth=({"platelets": 2, "pt": 0, "fibrinogen": None, "d-dimer": 2}, 4, "indeterminate",
                      ["fibrinogen"]), values={"fibrinogen": None})
    e.panel(4, pt=None, d_dimer="1.00")
    e.expect(4, isth=({"platelets": 0, "pt": None, "fibrinogen": 0, "d-dimer": 2}, 2, "not-met", ["pt"]),
             values={"pt": None})
    e.panel(5, platelets="49", d_dimer=None)
    e.expect(5, isth=({"platelets": 2, "pt": 0, "fibrinogen": 0, "d-dimer": None}, 2, "indeterminate",
                      ["d-dimer"]), values={"d-dimer": None})
    e.panel(6, platelets="49", pt="19.5", fibrinogen="0.99", d_dimer=None)
    e.expect(6, isth=({"platelets": 2, "pt": 2, "fibrinogen": 1, "d-dimer": None}, 5, "met", ["d-dimer"]))
    e.panel(7, platelets=None, fibrinogen="0.99", d_dimer="1.00")
    e.expect(7, isth=({"platelets": None, "pt": 0, "fibrinogen": 1, "d-dimer": 2}, 3, "indeterminate",
                      ["platelets"]), values={"platelets": None})
    e.panel(8, platelets=None, d_dimer="1.00")
    e.expect(8, isth=({"platelets": None, "pt": 0, "fibrinogen": 0, "d-dimer": 2}, 2, "not-met", ["platelets"]))
    e.write(8)


def cdss_status_story():
    e = Edge("edge-status-cdss", "Edge: CDSS status boundaries (total 6 / 5, clinical items, partial scores)",
             "clinical-reference.md §4.3, §7.3; fhir-input-profile.md P5",
             "Platelets at 06:00 every day from day 0 (40), so the 24-h fall item is determinate. "
             "d1 plt 45 | DD 5.00 | PT 16.5 (+3.0) -> 2+1+0+2+1+0 = 6 met. "
             "d2 plt 45 | DD 5.00 | PT 12.0 -> 5, nothing missing -> not met. "
             "d3 as d2 + clinical bleeding true -> 6 met. d4 as d2 + bleeding true, shock true, organ dysfunction "
             "false -> 7 met. d5 plt 45 | no DD | PT 16.5 | fib 0.99 -> 5 + max 3 -> indeterminate. "
             "d6 plt 45 | no DD -> 3 + 3 = 6 -> indeterminate. d7 plt 60 | no DD -> 2 + 3 = 5 -> not met. "
             "d8 plt 30 (fall from 60 = 50 %) | DD 5.00 -> 2+1+1+2 = 6 met. "
             "d9 plt 45 | DD 5.00 -> 5 not met (clinical items of d3/d4 do not carry over).")
    e.result("platelets", 0, "40")
    e.panel(1, platelets="45", d_dimer="5.00", pt="16.5")
    e.expect(1, cdss=({"underlying-disease": 2, "platelets": 1, "platelet-fall-24h": 0, "d-dimer": 2,
                       "pt-aptt": 1, "fibrinogen": 0, "clinical-bleeding": 0}, 6, "met", []))
    e.panel(2, platelets="45", d_dimer="5.00")
    e.expect(2, cdss=({"platelets": 1, "platelet-fall-24h": 0, "d-dimer": 2, "pt-aptt": 0, "fibrinogen": 0},
                      5, "not-met", []))
    e.panel(3, platelets="45", d_dimer="5.00")
    e.clinical_item(3, "bleeding", True)
    e.expect(3, cdss=({"clinical-bleeding": 1, "clinical-shock": 0, "clinical-organ-dysfunction": 0,
                       "platelets": 1, "platelet-fall-24h": 0, "d-dimer": 2}, 6, "met", []))
    e.panel(4, platelets="45", d_dimer="5.00")
    e.clinical_item(4, "bleeding", True)
    e.clinical_item(4, "shock", True)
    e.clinical_item(4, "organ-dysfunction", False)
    e.expect(4, cdss=({"clinical-bleeding": 1, "clinical-shock": 1, "clinical-organ-dysfunction": 0},
                      7, "met", []))
    e.panel(5, platelets="45", d_dimer=None, pt="16.5", fibrinogen="0.99")
    e.expect(5, cdss=({"platelets": 1, "platelet-fall-24h": 0, "d-dimer": None, "pt-aptt": 1, "fibrinogen": 1},
                      5, "indeterminate", ["d-dimer"]))
    e.panel(6, platelets="45", d_dimer=None)
    e.expect(6, cdss=({"platelets": 1, "platelet-fall-24h": 0, "d-dimer": None}, 3, "indeterminate", ["d-dimer"]))
    e.panel(7, platelets="60", d_dimer=None)
    e.expect(7, cdss=({"platelets": 0, "platelet-fall-24h": 0, "d-dimer": None}, 2, "not-met", ["d-dimer"]))
    e.panel(8, platelets="30", d_dimer="5.00")
    e.expect(8, cdss=({"platelets": 1, "platelet-fall-24h": 1, "d-dimer": 2, "pt-aptt": 0}, 6, "met", []))
    e.panel(9, platelets="45", d_dimer="5.00")
    e.expect(9, cdss=({"clinical-bleeding": 0, "clinical-shock": 0, "platelets": 1, "platelet-fall-24h": 0,
                       "d-dimer": 2}, 5, "not-met", []))
    e.write(9)


if __name__ == "__main__":
    platelet_stories()
    pt_story()
    aptt_story()
    fibrinogen_stories()
    isth_ddimer_stories()
    cdss_ddimer_stories()
    fall_stories()
    isth_status_story()
    cdss_status_story()
    print(f"{len(WRITTEN)} stories written:")
    for slug in WRITTEN:
        print("  " + slug)
