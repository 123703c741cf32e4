"""Writes expected-cards.json for the TC stories from clinical-reference.md §9 (Clinical core II).

Each entry: the as-of instant, the exact set of rules whose cards must show ([] = nothing may fire),
per card the indicator and the values the card must quote, and the CW-grade of the as-of day.
Run after the story scripts: python3 fhir-resources/generator/tc_cards.py
"""
import json
import os

from fhirgen import card

SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")




def as_of(slug, index=0):
    with open(os.path.join(SCENARIOS, slug, "expected-cql.json"), encoding="utf-8") as f:
        return json.load(f)[index]["asOf"]


def day_as_of(slug, day, time="18:00:00"):
    """As-of instant on a given day of the story (day 0 from its first expected evaluation)."""
    with open(os.path.join(SCENARIOS, slug, "expected-cql.json"), encoding="utf-8") as f:
        first = json.load(f)[0]
    from datetime import date, timedelta
    d0 = date.fromisoformat(first["infusionDate"])
    offset = first["asOf"][-6:]
    return f"{(d0 + timedelta(days=day)).isoformat()}T{time}{offset}"


PEAK = lambda: card("R-PEAK", "info", ["peak period"])
MON = lambda *s: card("R-MON", "info", s)

STORIES = {
    # as-of day 14 has no laboratory results: R-COAG not evaluable, so the grade is unknown, at least 0
    # (§3.4 clarified 2026-12; §9 TC-01's "CW-grade 0" is the grade of the panel days 6-13)
    "tc-01-uncomplicated-course": [{"asOf": as_of("tc-01-uncomplicated-course"), "cards": [], "cwGrade": None,
                                    "cwGradeAtLeast": 0}],
    "tc-02-crs-dic-tocilizumab": [
        {"asOf": day_as_of("tc-02-crs-dic-tocilizumab", 9), "cards": [], "cwGrade": 0},
        {"asOf": day_as_of("tc-02-crs-dic-tocilizumab", 10), "cwGrade": 3, "cards": [
            card("R-DIC", "critical", ["day 10", "ISTH 5 (met)", "CDSS 5 (not met)"]),
            card("R-DIC-MGMT", "critical", ["day 10"], ["LMWH: may be considered", "cryoprecipitate"]),
            card("R-STEROID", "warning", ["CRS grade 3", "day 10"]),
            PEAK(),
            card("R-THR", "info", ["D-dimer 11.2 × ULN"])]},
        {"asOf": as_of("tc-02-crs-dic-tocilizumab"), "cwGrade": 3, "cards": [
            card("R-DIC", "critical", ["day 11", "ISTH 8 (met)", "CDSS 10 (met)"],
                 ["Platelets: 42 ×10⁹/L, day 11", "Observation/tc-02-"]),
            card("R-DIC-MGMT", "critical", ["LMWH not suggested"],
                 ["Anticoagulation not suggested", "platelets 42 ×10⁹/L < 50 ×10⁹/L", "cryoprecipitate"]),
            card("R-FIB", "warning", ["Fibrinogen 0.8 g/L on day 11", "< 1.5 g/L"], ["Tocilizumab", "Perl et al. 2024"]),
            card("R-STEROID", "warning", ["CRS grade 3", "day 11"]),
            PEAK(),
            card("R-THR", "info", ["D-dimer 19.2 × ULN", "consumptive pattern day 11"])]},
        {"asOf": as_of("tc-02-crs-dic-tocilizumab"), "language": "zh", "cwGrade": 3, "cards": [
            card("R-DIC", "critical", ["第 11 天"]), card("R-DIC-MGMT", "critical", ["不建议"]),
            card("R-FIB", "warning", ["0.8 g/L"]), card("R-STEROID", "warning", ["3 级"]),
            card("R-PEAK", "info"), card("R-THR", "info")]},
    ],
    "tc-03-isth-items-at-boundary": [{"asOf": as_of("tc-03-isth-items-at-boundary"), "cwGrade": 3, "cards": [
        card("R-DIC", "critical", ["day 12", "ISTH 5 (met)", "CDSS 3 (not met)"]),
        card("R-DIC-MGMT", "critical", [], ["LMWH: may be considered"]),
        card("R-FIB", "warning", ["Fibrinogen 1 g/L on day 12"]),
        card("R-STEROID", "warning", ["CRS grade 2", "day 12"]),
        MON(), PEAK(),
        card("R-THR", "info", ["consumptive pattern day 12"], lacks=["D-dimer above"])]}],
    "tc-04-below-isth-fibrinogen-mg-dl": [{"asOf": as_of("tc-04-below-isth-fibrinogen-mg-dl"), "cwGrade": 1, "cards": [
        card("R-FIB", "warning", ["Fibrinogen 0.99 g/L on day 12"], ["99 mg/dL = 0.99 g/L"]),
        MON(), PEAK(),
        card("R-THR", "info", ["consumptive pattern day 12"], lacks=["D-dimer above"])]}],
    "tc-05-d-dimer-ddu-pt-15": [{"asOf": as_of("tc-05-d-dimer-ddu-pt-15"), "cwGrade": 1, "cards": [
        card("R-FIB", "warning", ["Fibrinogen 1.4 g/L on day 10"], ["140 mg/dL = 1.4 g/L"]),
        MON(), PEAK(),
        card("R-THR", "info", ["D-dimer 5.5 × ULN"], ["1265 ng/mL DDU"], lacks=["Consumptive pattern", "mg/L FEU"])]}],
    "tc-06-window-edges": [
        {"asOf": as_of("tc-06-window-edges", 0), "cwGrade": None, "cwGradeAtLeast": 0, "cards": [
            card("R-THR", "info", ["baseline platelets 40 ×10⁹/L"]),
            card("R-BLD", "info", ["EASIX 10", "baseline platelets 40"], ["Baseline timing uncertain"])]},
        {"asOf": as_of("tc-06-window-edges", 1), "cwGrade": 1, "cards": [
            card("R-FIB", "warning", ["Fibrinogen 1.4 g/L on day 28"]), MON(),
            card("R-THR", "info"), card("R-BLD", "info")]},
        {"asOf": as_of("tc-06-window-edges", 2), "cwGrade": 1, "cards": [card("R-THR", "info", ["baseline platelets 40"])]},
    ],
    "tc-07-missing-data-indeterminate": [
        {"asOf": day_as_of("tc-07-missing-data-indeterminate", 12), "cwGrade": 1, "cards": [
            card("R-FIB", "warning", ["Fibrinogen 0.9 g/L on day 12"],
                 ["DIC not assessable", "ISTH incomplete: PT, D-dimer missing; partial 3"]), PEAK()]},
        {"asOf": as_of("tc-07-missing-data-indeterminate"), "cwGrade": 3, "cards": [
            card("R-DIC", "critical", ["day 13", "ISTH 6 (met)"], ["Missing: PT"]),
            card("R-DIC-MGMT", "critical", ["LMWH not suggested"], ["platelets 40 ×10⁹/L < 50 ×10⁹/L"]),
            card("R-FIB", "warning", ["Fibrinogen 0.8 g/L on day 13"]),
            MON("day 12"), PEAK(),
            card("R-THR", "info", ["D-dimer 13 × ULN"])]},
    ],
    "tc-08-alt-3x-uln-crs-grade": [
        {"asOf": day_as_of("tc-08-alt-3x-uln-crs-grade", 5), "cwGrade": 1, "cards": [card("R-FIB", "warning", ["1.35 g/L"])]},
        {"asOf": as_of("tc-08-alt-3x-uln-crs-grade"), "cwGrade": 1, "cards": [
            card("R-FIB", "warning", ["Fibrinogen 1.3 g/L on day 6"]),
            card("R-STEROID", "warning", ["CRS grade 2", "day 6"]),
            card("R-ALT", "warning", ["ALT 121 U/L = 3.03 × ULN on day 6", "> 3 × ULN"])]},
    ],
    "tc-09a-easix-creatinine-umol": [{"asOf": as_of("tc-09a-easix-creatinine-umol"), "cards": [
        card("R-THR", "info", ["baseline platelets 62"]),
        card("R-BLD", "info", ["EASIX 8.12", "IL-10 9.2 pg/mL", "baseline platelets 62"],
             ["group: high", "Korell et al. 2022"])]}],
    "tc-09b-easix-il10-at-cutoff": [{"asOf": as_of("tc-09b-easix-il10-at-cutoff"), "cards": [
        card("R-THR", "info", ["baseline platelets 40"]),
        card("R-BLD", "info", ["baseline platelets 40"], ["group: low"], lacks=["(> 7.65)", "Baseline IL-10 above"])]}],
    "tc-10-tocilizumab-falling-fibrinogen": [{"asOf": as_of("tc-10-tocilizumab-falling-fibrinogen"), "cwGrade": 1, "cards": [
        card("R-FIB", "warning", ["Fibrinogen 1.45 g/L on day 7"], ["Tocilizumab", "Perl et al. 2024"])]}],
    "tc-11-thrombosis-risk-then-dvt": [
        {"asOf": as_of("tc-11-thrombosis-risk-then-dvt", 0), "cwGrade": 1, "cards": [
            card("R-FIB", "warning", ["Fibrinogen 1.3 g/L on day 9"]),
            card("R-THR", "info", ["ICANS grade 3", "D-dimer 6.2 × ULN", "consumptive pattern day 9"],
                 lacks=["Baseline platelets below"]),
            card("R-BLD", "info", ["ICANS grade 3"])]},
        {"asOf": as_of("tc-11-thrombosis-risk-then-dvt", 1), "cwGrade": 2, "cards": [
            card("R-THR", "info", ["ICANS grade 3"]), card("R-BLD", "info", ["ICANS grade 3"])]},
    ],
    "tc-12-ich-overt-dic": [{"asOf": as_of("tc-12-ich-overt-dic"), "cwGrade": 4, "cards": [
        card("R-DIC", "critical", ["day 17", "ISTH 5 (met)", "CDSS 4 (not met)"]),
        card("R-DIC-MGMT", "critical", ["LMWH not suggested"], ["platelets 18 ×10⁹/L < 50 ×10⁹/L", "bleeding", "cryoprecipitate"]),
        card("R-FIB", "warning", ["Fibrinogen 1.2 g/L on day 17"]),
        card("R-THR", "info", ["consumptive pattern day 17"], lacks=["D-dimer above"])]}],
    "tc-13a-hematotox-high": [{"asOf": as_of("tc-13a-hematotox-high"), "cards": [
        card("R-THR", "info", ["baseline platelets 80"]), card("R-BLD", "info", ["baseline platelets 80"]),
        card("R-HT", "info", ["CAR-HEMATOTOX 6"], ["B-ALL"])]}],
    "tc-13b-hematotox-low": [{"asOf": as_of("tc-13b-hematotox-low"), "cards": []}],
    "tc-14-monitoring-gaps": [
        {"asOf": as_of("tc-14-monitoring-gaps", 0), "cards": [MON("day 7")]},
        {"asOf": as_of("tc-14-monitoring-gaps", 1), "cards": [MON(), PEAK()]},
        {"asOf": as_of("tc-14-monitoring-gaps", 2), "cards": [MON("20")]},
    ],
    "tc-15a-split-infusion-day0": [
        {"asOf": as_of("tc-15a-split-infusion-day0", 0), "cwGrade": 1, "cards": [
            card("R-FIB", "warning", ["Fibrinogen 1.3 g/L on day 28"]), MON()]},
        {"asOf": as_of("tc-15a-split-infusion-day0", 1), "cards": [card("R-FIB", "warning", ["Fibrinogen 1.3 g/L on day 28"])]},
        {"asOf": as_of("tc-15a-split-infusion-day0", 2), "cards": []},
    ],
    "tc-15b-no-car-t": [{"asOf": as_of("tc-15b-no-car-t"), "cards": []}],
}

if __name__ == "__main__":
    for slug, expected in STORIES.items():
        with open(os.path.join(SCENARIOS, slug, "expected-cards.json"), "w", encoding="utf-8") as f:
            json.dump(expected, f, indent=2, ensure_ascii=False)
            f.write("\n")
    print(f"wrote {len(STORIES)} expected-cards.json files")
