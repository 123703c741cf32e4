"""Stories for what the property-based layer (src/test/java/carac/properties) found.

Run: python3 fhir-resources/generator/property_findings.py -> writes fhir-resources/scenarios/pf-*/

pf-worst-of-day-ties: equally abnormal results on one day. Renaming resource ids changed which result the
day's worst-of-day value cited (Observation and time): the engine reads a bundle in hash order of the ids
and the CQL took the first of a descending sort, whose order of ties is not kept. Now (§7.2, as the 24-h
fall of §4.3 clarified 2026-12) the earliest timed result of equal worst values represents the day, and the
previous count of a 24-h fall is the earliest of equal highest counts. Values, items and rules never changed;
only the cited result did. Each pair below is written later-first, under ids that sort either way.
"""
from fhirgen import Story
from three_valued import DAY0


def ref(resource):
    return f"{resource['resourceType']}/{resource['id']}"


def worst_of_day_ties():
    s = Story("pf-worst-of-day-ties", DAY0)
    s.car_t(0)
    picks = {}
    # day 6: every analyte twice with the same value, the later result first in the bundle
    for analyte, value, first_id, second_id in (
            ("platelets", "80", "zz-plt", "aa-plt"), ("pt", "17.0", "aa-pt", "zz-pt"),
            ("aptt", "48.0", "zz-aptt", "aa-aptt"), ("fibrinogen", "1.2", "aa-fib", "zz-fib"),
            ("d-dimer", "3.00", "zz-dd", "aa-dd"), ("alt", "150", "aa-alt", "zz-alt")):
        s.lab(analyte, 6, value, time="15:00", id=f"{s.slug}-{first_id}")
        picks[analyte] = s.lab(analyte, 6, value, time="06:00", id=f"{s.slug}-{second_id}")
    # day 7 06:00: platelets 30; both day-6 counts (80 at 06:00 and 15:00) lie in its 24 h: previous 80
    s.lab("platelets", 7, "30", time="06:00")
    as_of = s.as_of(7)
    # day 6 (hand-computed): platelets 80 -> ISTH 1; PT 17.0 - 13.5 = 3.5 -> 1; fibrinogen 1.2 >= 1.0 -> 0;
    #   D-dimer 3.00 / 0.50 = 6 -> 3 (strong): ISTH 5 met -> R-DIC true -> CW-grade 3
    cql = [{
        "asOf": as_of, "infusionDate": DAY0, "asOfDay": 7,
        "days": [
            {"day": 6, "cwGrade": 3, "cwGradeAtLeast": 3,
             "isth": {"status": "met", "points": 5},
             "values": {a: {"observation": ref(r)} for a, r in picks.items()}},
            {"day": 7, "plateletFall24h": {"current": 30, "previous": 80,
                                           "previousObservation": ref(picks["platelets"])}},
        ]}]
    s.write("Equally abnormal results: the earliest represents the day",
            "§7.2 worst-of-day, §4.3 (clarified 2026-12); found by carac.properties (renaming ids)", as_of, cql,
            "Day 6: every analyte twice with the same value (15:00 written first, then 06:00): the 06:00 "
            "result is cited whatever the resource ids. Day 7: the 24-h fall's previous count is the earlier of "
            "two equal day-6 counts.")


if __name__ == "__main__":
    worst_of_day_ties()
    print("wrote pf-worst-of-day-ties")
