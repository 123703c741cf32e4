"""Order-time stories (clinical-reference.md §7.5: R-ORD-AC, R-ORD-AC not evaluable, R-ORD-TOCI;
cql/CaracOrders.cql is authoritative for the exact semantics).

Run: python3 fhir-resources/generator/order_edges.py  -> writes fhir-resources/scenarios/ord-*/
     (scenario.json, bundle.json, expected-cql.json, expected-orders.json)

Every story: one patient, CAR-T (axi-cel) on day 0 = 2025-09-01 10:00 +08:00. expected-orders.json lists one
entry per order call: the as-of (the order time), the hook, the draftOrders Bundle the EHR sends (and for
order-select the selections), and the EXACT set of cards that must come back ([] = nothing may fire), each with
its rule, indicator, the text it must quote and its suggestion (delete with the draft's id, or create
ServiceRequests with LOINC codes). OrderScenarioTest runs every entry through the real engine and card layer,
CdsOrderHooksIT the main as-of of some stories through real HTTP.

Day d = the as-of day; "latest" platelets = the worst of day d, else of day d-1 (§7.5). Cut-offs: platelets
< 50 x10^9/L; bleeding onset within 72 h before the order (the guard's 3 days); days 0 ... 28.
"""
import json
import os

from fhirgen import Story, SNOMED, RXNORM, BASE

DAY0 = "2025-09-01"
ATC = "http://www.whocc.no/atc"
NORMAL = {"plt": "200", "pt": "12.0", "aptt": "30.0", "fib": "3.0", "dd": "0.30"}

# the EHR's drugs: (system, code, display); paracetamol must never fire
DRUGS = {
    "enoxaparin": (RXNORM, "67108", "enoxaparin"),
    "heparin": (RXNORM, "5224", "heparin"),
    "dalteparin-atc": (ATC, "B01AB04", "dalteparin"),
    "tocilizumab": (RXNORM, "612865", "tocilizumab"),
    "paracetamol": (RXNORM, "161", "acetaminophen"),
}


def delete(draft_id):
    return {"type": "delete", "resourceId": [f"MedicationRequest/{draft_id}"]}


def create(*loinc):
    return {"type": "create", "codes": list(loinc)}


def card(rule, indicator, summary=(), detail=(), suggestion=None, lacks=()):
    c = {"rule": rule, "indicator": indicator}
    if summary:
        c["summaryContains"] = list(summary)
    if detail:
        c["detailContains"] = list(detail)
    if lacks:
        c["detailLacks"] = list(lacks)
    if suggestion:
        c["suggestion"] = suggestion
    return c


class OrderStory:
    def __init__(self, slug, title, description, car_t=True):
        self.slug, self.title, self.description = slug, title, description
        self.s = Story(slug, DAY0)
        if car_t:
            self.s.car_t(0, "axi-cel")
        self.car_t = car_t
        self.entries = []
        self.drafts = 0

    def panels(self, days, **by_day):
        for d in days:
            v = dict(NORMAL)
            v.update(by_day.get(f"d{d}", {}))
            self.s.panel(d, **v)

    def draft(self, drug, status="draft", patient=None, contained=False):
        """A MedicationRequest the EHR holds as a draft (never stored on the FHIR server)."""
        self.drafts += 1
        system, code, display = DRUGS[drug]
        mr = {"resourceType": "MedicationRequest", "id": f"{self.slug}-draft-{self.drafts}", "status": status,
              "intent": "order", "subject": {"reference": f"Patient/{patient or self.s.patient_id}"}}
        if contained:
            # a clinical-drug (SCD) code the CQL does not list, with its ingredient named in the Medication
            mr["contained"] = [{"resourceType": "Medication", "id": "med",
                                "code": {"coding": [{"system": RXNORM, "code": "854235",
                                                     "display": "0.4 ML enoxaparin sodium 100 MG/ML Prefilled Syringe"}]},
                                "ingredient": [{"itemCodeableConcept": {"coding": [{"system": system, "code": code,
                                                                                    "display": display}]}}]}]
            mr["medicationReference"] = {"reference": "#med"}
        else:
            mr["medicationCodeableConcept"] = {"coding": [{"system": system, "code": code, "display": display}],
                                               "text": display}
        return mr

    def expect(self, day, drafts, cards, hook="order-sign", time="18:00", select=None):
        e = {"asOf": self.s.as_of(day, time), "asOfDay": day, "hook": hook,
             "draftOrders": {"resourceType": "Bundle", "type": "collection",
                             "entry": [{"resource": d} for d in drafts]},
             "cards": cards}
        if hook == "order-select":
            e["selections"] = [f"MedicationRequest/{d['id']}" for d in (select or drafts)]
        self.entries.append(e)

    def write(self, main_day):
        s = self.s
        seen, cql = set(), []
        for e in self.entries:
            if e["asOf"] not in seen:
                seen.add(e["asOf"])
                cql.append({"asOf": e["asOf"], "infusionDate": DAY0 if self.car_t else None,
                            "asOfDay": e["asOfDay"] if self.car_t else None})
        for e in self.entries:
            del e["asOfDay"]
        folder = s.write(self.title, "§7.5 order-time rules", s.as_of(main_day), cql, self.description)
        with open(os.path.join(folder, "expected-orders.json"), "w", encoding="utf-8") as f:
            json.dump(self.entries, f, indent=2, ensure_ascii=False)
            f.write("\n")


# ---- R-ORD-AC: platelets 49 / 50 / 51 on d and on d-1 only; no count on d and d-1 ------------------------

def platelets():
    o = OrderStory("ord-ac-platelets", "R-ORD-AC edge: platelets 49 / 50 / 51 on the order day and the day before",
                   "Complete normal panels on days 6, 7, 8, 10, 11, 13, 14, 16. Platelets 49 on day 8, 50 on day 11, "
                   "51 on day 14 (x10^9/L). No panel on days 9, 12, 15, 17, 18. Anticoagulant drafts at 18:00: day 8 "
                   "(49 on d: critical), day 9 (49 on d-1 only: critical), day 11 / 12 (50: nothing), day 14 / 15 (51: "
                   "nothing), day 18 (no count on days 17 and 18: not evaluable). Must-not-fire on day 8: paracetamol, "
                   "an active enoxaparin order, another patient's draft.")
    o.panels([6, 7, 8, 10, 11, 13, 14, 16], d8={"plt": "49"}, d11={"plt": "50"}, d14={"plt": "51"})
    enox = o.draft("enoxaparin")
    o.expect(8, [enox], [card("R-ORD-AC", "critical", ["enoxaparin order on day 8", "platelets 49 10*9/L on day 8"],
                              [f"MedicationRequest/{enox['id']}", "Observation/ord-ac-platelets-platelets-3", "below 50 10*9/L"],
                              delete(enox["id"]))])
    hep = o.draft("heparin")
    o.expect(8, [hep], [card("R-ORD-AC", "critical", ["heparin order on day 8"], [f"MedicationRequest/{hep['id']}"],
                             delete(hep["id"]))], hook="order-select")
    dal = o.draft("dalteparin-atc")
    o.expect(8, [dal], [card("R-ORD-AC", "critical", ["dalteparin order on day 8"], [], delete(dal["id"]))])
    para = o.draft("paracetamol")
    o.expect(8, [para], [])
    active = o.draft("enoxaparin", status="active")
    o.expect(8, [active], [])
    other = o.draft("enoxaparin", patient="ord-ac-bleeding-patient")
    o.expect(8, [other], [])
    # order-select: only the selected draft is spoken about (paracetamol selected, enoxaparin still a draft)
    para2, enox2 = o.draft("paracetamol"), o.draft("enoxaparin")
    o.expect(8, [para2, enox2], [], hook="order-select", select=[para2])
    # order-sign of both: only the anticoagulant speaks
    o.expect(8, [para2, enox2], [card("R-ORD-AC", "critical", ["enoxaparin order on day 8"], [],
                                      delete(enox2["id"]))])
    contained = o.draft("enoxaparin", contained=True)
    o.expect(9, [contained], [card("R-ORD-AC", "critical", ["platelets 49 10*9/L on day 8"],
                                   [f"MedicationRequest/{contained['id']}"], delete(contained["id"]))])
    for day in (11, 12, 14, 15):
        o.expect(day, [o.draft("enoxaparin")], [])
    ne = o.draft("enoxaparin")
    o.expect(18, [ne], [card("R-ORD-AC", "warning", ["platelet count not known for day 18/17"],
                             ["no platelet count on day 18 or day 17"], create("777-3"))])
    o.write(8)


# ---- R-ORD-AC: a platelet count that cannot be read -------------------------------------------------------

def unreadable():
    o = OrderStory("ord-ac-unreadable", "R-ORD-AC: an unreadable platelet count is not evaluable, never normal",
                   "Platelets without a unit on day 7 (no readable count on day 6): not evaluable, the Observation "
                   "quoted. Day 9: unreadable count, day 8 platelets 40 (latest readable below 50): critical. Day 11: "
                   "unreadable count, day 10 platelets 200: still not evaluable (day 10 does not clear day 11).")
    for day in (7, 9, 11):   # platelets-1, -2, -3: a value without any unit (no-unit: cannot be read)
        obs = o.s.lab("platelets", day, 45)
        obs["valueQuantity"] = {"value": obs["valueQuantity"]["value"]}
    o.panels([8, 10], d8={"plt": "40"})   # platelets-4 (day 8), -5 (day 10)
    enox = o.draft("enoxaparin")
    o.expect(7, [enox], [card("R-ORD-AC", "warning", ["platelet count not known for day 7/6"],
                              ["Observation/ord-ac-unreadable-platelets-1", "could not be read"], create("777-3"))])
    o.expect(9, [enox], [card("R-ORD-AC", "critical", ["platelets 40 10*9/L on day 8"],
                              ["Observation/ord-ac-unreadable-platelets-4"], delete(enox["id"]))])
    o.expect(11, [enox], [card("R-ORD-AC", "warning", ["platelet count not known for day 11/10"],
                               ["Observation/ord-ac-unreadable-platelets-3"], create("777-3"))])
    o.write(7)


# ---- R-ORD-AC: bleeding onset 72 h vs 73 h before the order ----------------------------------------------

def bleeding():
    o = OrderStory("ord-ac-bleeding", "R-ORD-AC edge: bleeding onset 72 h vs 73 h before the order",
                   "Complete normal panels days 6-14 (platelets 200). Bleeding (SNOMED 131148009) with onset day 10 "
                   "18:00. Enoxaparin draft on day 13 at 18:00 (exactly 72 h: critical) and at 19:00 (73 h: nothing).")
    o.panels(range(6, 15))
    bleed = o.s.condition(10, SNOMED, "131148009", "bleed", time="18:00")
    enox = o.draft("enoxaparin")
    o.expect(13, [enox], [card("R-ORD-AC", "critical", ["bleeding from day 10"],
                               [f"Condition/{bleed['id']}", f"MedicationRequest/{enox['id']}"], delete(enox["id"]))])
    o.expect(13, [enox], [], time="19:00")
    o.write(13)


# ---- R-WIN: day 28 vs 29 ----------------------------------------------------------------------------------

def window():
    o = OrderStory("ord-ac-window", "R-ORD-AC edge: day 28 vs day 29 (CARAC window)",
                   "Platelets 30 x10^9/L (complete panels otherwise normal) on days 27, 28 and 29. Enoxaparin and "
                   "tocilizumab drafts on day 28 (in the window: critical, info) and day 29 (outside: nothing).")
    o.panels([27, 28, 29], d27={"plt": "30"}, d28={"plt": "30"}, d29={"plt": "30"})
    enox, toci = o.draft("enoxaparin"), o.draft("tocilizumab")
    o.expect(28, [enox, toci], [card("R-ORD-AC", "critical", ["platelets 30 10*9/L on day 28"], [], delete(enox["id"])),
                                card("R-ORD-TOCI", "info", ["latest 3 g/L (day 28)"], [], create("3255-7"))])
    o.expect(29, [enox, toci], [])
    o.write(28)


# ---- R-ORD-TOCI ------------------------------------------------------------------------------------------

def tocilizumab():
    o = OrderStory("ord-toci", "R-ORD-TOCI: tocilizumab draft quotes the latest fibrinogen",
                   "Fibrinogen 1.8 g/L on day 4 (complete panel), nothing since. Tocilizumab draft on day 6: info "
                   "card quoting 1.8 g/L on day 4, suggestion to order fibrinogen (LOINC 3255-7). On day 2 (no "
                   "fibrinogen yet): 'no fibrinogen result yet'. Enoxaparin on day 6: no count on days 5 and 6, "
                   "not evaluable.")
    o.panels([4], d4={"fib": "1.8"})
    toci = o.draft("tocilizumab")
    o.expect(6, [toci], [card("R-ORD-TOCI", "info", ["tocilizumab order on day 6", "latest 1.8 g/L (day 4)"],
                              ["Observation/ord-toci-fibrinogen-1", "Perl"], create("3255-7"))])
    o.expect(2, [toci], [card("R-ORD-TOCI", "info", ["no fibrinogen result yet"], [], create("3255-7"))],
             hook="order-select")
    enox = o.draft("enoxaparin")
    o.expect(6, [toci, enox], [card("R-ORD-TOCI", "info", ["latest 1.8 g/L (day 4)"], [], create("3255-7")),
                               card("R-ORD-AC", "warning", ["platelet count not known for day 6/5"], [],
                                    create("777-3"))])
    o.write(6)


# ---- must not fire: a patient without CAR-T ---------------------------------------------------------------

def no_car_t():
    o = OrderStory("ord-nofire-no-car-t", "Order-time rules must not fire without a CAR-T infusion",
                   "No CAR-T record; platelets 30 x10^9/L and bleeding the same day. Enoxaparin and tocilizumab "
                   "drafts: no card.", car_t=False)
    o.s.panel(8, **dict(NORMAL, plt="30"))
    o.s.condition(8, SNOMED, "131148009", "bleed", time="07:00")
    o.expect(8, [o.draft("enoxaparin"), o.draft("tocilizumab")], [])
    o.write(8)


if __name__ == "__main__":
    for f in (platelets, unreadable, bleeding, window, tocilizumab, no_car_t):
        f()
    print("order stories written")
