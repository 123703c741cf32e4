"""Builders for the scenario pack (fhir-resources/scenarios/<slug>/).

A development tool, not part of the product: each story script calls these builders and writes
bundle.json, scenario.json and expected-cql.json into its folder; the folders are committed and
are what the tests, the sandbox and the browser tests read. Codes and units follow
../shared/fhir-input-profile.md (P1-P6); the clinical meaning is ../shared/clinical-reference.md.
"""
import json
import os
from datetime import date, timedelta

BASE = "https://carac-watch.example.org"
LOCAL = BASE + "/CodeSystem/carac-local"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC = "http://hl7.org/fhir/sid/ndc"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")

# analyte -> (preferred LOINC, canonical UCUM code)
ANALYTES = {
    "platelets": ("777-3", "10*9/L"),
    "pt": ("5902-2", "s"),
    "inr": ("6301-6", "{INR}"),
    "aptt": ("14979-9", "s"),
    "fibrinogen": ("3255-7", "g/L"),
    "d-dimer": ("48065-7", "mg/L{FEU}"),
    "d-dimer-ddu": ("48066-5", "ng/mL{DDU}"),
    "d-dimer-units": ("7799-0", "[arb'U]/mL"),
    "ldh": ("2532-0", "U/L"),
    "creatinine": ("2160-0", "mg/dL"),
    "creatinine-molar": ("14682-9", "umol/L"),
    "alt": ("1742-6", "U/L"),
    "il-6": ("26881-3", "pg/mL"),
    "il-10": ("26848-2", "pg/mL"),
    "ferritin": ("2276-4", "ng/mL"),
    "crp": ("1988-5", "mg/L"),
    "anc": ("751-8", "10*9/L"),
    "hemoglobin": ("718-7", "g/dL"),
}

# clinical-reference.md §9.0 Lab profile A: (low, high, UCUM code)
PROFILE_A = {
    "pt": (11.0, 13.5, "s"),
    "aptt": (25.0, 35.0, "s"),
    "fibrinogen": (2.0, 4.0, "g/L"),
    "d-dimer": (0, 0.50, "mg/L{FEU}"),
    "platelets": (150, 400, "10*9/L"),
    "alt": (0, 40, "U/L"),
    "ldh": (120, 246, "U/L"),
    "creatinine": (0.60, 1.20, "mg/dL"),
}

CAR_T = {  # product -> MedicationAdministration coding (system, code)
    "axi-cel": (RXNORM, "1987402"),
    "brexu-cel": (RXNORM, "2387347"),
    "liso-cel": (RXNORM, "2479140"),
    "cilta-cel": (RXNORM, "2594780"),
    "obe-cel": (RXNORM, "2700168"),
    "tisa-cel": (NDC, "0078-0846-19"),
    "ide-cel": (NDC, "59572-515-01"),
}


# clinical-reference.md §8.6, fhir-input-profile.md P7: chart context only (no rule reads them)
STEROID = {"dexamethasone": "3264", "methylprednisolone": "6902"}
ANTICOAGULANT = {"enoxaparin": "67108", "heparin": "5224"}


def num(v):
    """JSON number from a Python value; strings like '1.40' keep their written decimals."""
    if isinstance(v, str):
        return json.loads(v)
    return v


def qty(value, code, text_only=False):
    if text_only:
        return {"value": num(value), "unit": code}
    return {"value": num(value), "unit": code, "system": UCUM, "code": code}


def card(rule, indicator, summary=(), detail=(), lacks=()):
    """One expected card of expected-cards.json: rule id, indicator and the text it must (not) quote."""
    c = {"rule": rule, "indicator": indicator}
    if summary:
        c["summaryContains"] = list(summary)
    if detail:
        c["detailContains"] = list(detail)
    if lacks:
        c["detailLacks"] = list(lacks)
    return c


class Story:
    def __init__(self, slug, day0, offset="+08:00", birth="1961-05-20", gender="male"):
        self.slug = slug
        self.day0 = day0 if isinstance(day0, date) else date.fromisoformat(day0)
        self.offset = offset
        self.resources = []
        self.counter = {}
        self.patient_id = f"{slug}-patient"
        self.add({"resourceType": "Patient", "id": self.patient_id,
                  "name": [{"family": slug.upper(), "given": ["Test"]}],
                  "gender": gender, "birthDate": birth})

    # ---- time -------------------------------------------------------------------------------
    def date(self, day):
        return (self.day0 + timedelta(days=day)).isoformat()

    def dt(self, day, time="06:00"):
        return f"{self.date(day)}T{time}:00{self.offset}"

    def as_of(self, day, time="18:00"):
        return self.dt(day, time)

    # ---- resources --------------------------------------------------------------------------
    def next_id(self, stem):
        n = self.counter.get(stem, 0) + 1
        self.counter[stem] = n
        return f"{self.slug}-{stem}-{n}"

    def add(self, resource):
        self.resources.append(resource)
        return resource

    def subject(self, patient=None):
        return {"reference": f"Patient/{patient or self.patient_id}"}

    def car_t(self, day, product="axi-cel", time="10:00", status="completed", kind="medication", code=None):
        if kind == "procedure":
            system, c = code or (CPT, "38228")
            return self.add({"resourceType": "Procedure", "id": self.next_id("cart-proc"), "status": status,
                             "code": {"coding": [{"system": system, "code": c}]},
                             "subject": self.subject(), "performedDateTime": self.dt(day, time)})
        system, c = code or CAR_T[product]
        return self.add({"resourceType": "MedicationAdministration", "id": self.next_id("cart"), "status": status,
                         "medicationCodeableConcept": {"coding": [{"system": system, "code": c}], "text": product},
                         "subject": self.subject(), "effectiveDateTime": self.dt(day, time)})

    def medication(self, day, rxnorm, stem, time="09:00", status="completed"):
        return self.add({"resourceType": "MedicationAdministration", "id": self.next_id(stem), "status": status,
                         "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": rxnorm}]},
                         "subject": self.subject(), "effectiveDateTime": self.dt(day, time)})

    def steroid(self, day, drug="dexamethasone", time="14:00", status="completed"):
        return self.medication(day, STEROID[drug], drug[:4], time, status)

    def anticoagulant(self, day, drug="enoxaparin", time="12:00", status="completed"):
        return self.medication(day, ANTICOAGULANT[drug], drug[:4], time, status)

    def lymphodepletion(self, day, time="08:00"):
        return self.medication(day, "24698", "ld-flu", time)  # fludarabine

    def tocilizumab(self, day, time="12:00"):
        return self.medication(day, "612865", "toci", time)

    def lab(self, analyte, day, value, unit=None, time="06:00", ref="A", loinc=None, status="final",
            text_only=False, id=None, patient=None, effective=None, **extra):
        """One laboratory Observation.

        analyte: key of ANALYTES; unit: UCUM code (default canonical); ref: "A" (profile A, in the
        canonical unit), None (no range), or (low, high, code); text_only: unit only as 'unit' text;
        effective: override effectiveDateTime (e.g. a date-only string) or False for none."""
        code, canonical = ANALYTES[analyte]
        obs = {"resourceType": "Observation", "id": id or self.next_id(analyte.split("-")[0] if analyte.startswith("d-dimer") else analyte),
               "status": status,
               "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                         "code": "laboratory"}]}],
               "code": {"coding": [{"system": LOINC, "code": loinc or code}]},
               "subject": self.subject(patient)}
        if effective is None:
            obs["effectiveDateTime"] = self.dt(day, time)
        elif effective is not False:
            obs["effectiveDateTime"] = effective
        if value is not None:
            obs["valueQuantity"] = qty(value, unit or canonical, text_only)
        base = analyte if analyte in PROFILE_A else None
        if ref == "A" and base:
            low, high, rc = PROFILE_A[base]
            obs["referenceRange"] = [{"low": qty(low, rc), "high": qty(high, rc)}]
        elif isinstance(ref, tuple):
            low, high, rc = ref
            rr = {"high": qty(high, rc)}
            if low is not None:
                rr = {"low": qty(low, rc), "high": qty(high, rc)}
            obs["referenceRange"] = [rr]
        obs.update(extra)
        return self.add(obs)

    def panel(self, day, plt=None, pt=None, aptt=None, fib=None, dd=None, time="06:00"):
        for analyte, v in (("platelets", plt), ("pt", pt), ("aptt", aptt), ("fibrinogen", fib), ("d-dimer", dd)):
            if v is not None:
                self.lab(analyte, day, v, time=time)

    def condition(self, day, system, code, stem, time="08:00", grade_nci=None, isth_major=None,
                  abatement_day=None, verification="confirmed"):
        c = {"resourceType": "Condition", "id": self.next_id(stem),
             "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                                "code": verification}]},
             "code": {"coding": [{"system": system, "code": code}]},
             "subject": self.subject(), "onsetDateTime": self.dt(day, time)}
        ext = []
        if grade_nci:
            ext.append({"url": BASE + "/StructureDefinition/ctcae-grade",
                        "valueCodeableConcept": {"coding": [{"system": NCIT, "code": grade_nci}]}})
        if isth_major is not None:
            ext.append({"url": BASE + "/StructureDefinition/isth-major-bleeding", "valueBoolean": isth_major})
        if ext:
            c["extension"] = ext
        if abatement_day is not None:
            c["abatementDateTime"] = self.dt(abatement_day, "23:00")
        return self.add(c)

    def crs(self, day, grade, **kw):
        return self.condition(day, ICD10CM, f"D89.83{grade}", "crs", **kw)

    def icans(self, day, grade, **kw):
        return self.condition(day, ICD10CM, f"G92.0{grade}", "icans", **kw)

    def cdss_clinical(self, day, item, value=True, time="09:00"):
        """item: bleeding | shock | organ-dysfunction (fhir-input-profile P5)."""
        return self.add({"resourceType": "Observation", "id": self.next_id("cdss-" + item), "status": "final",
                         "code": {"coding": [{"system": LOCAL, "code": "cdss-clinical-" + item}]},
                         "subject": self.subject(), "effectiveDateTime": self.dt(day, time),
                         "valueBoolean": value})

    # ---- chart expectations (expected-chart.json) -------------------------------------------
    def event(self, kind, day, resource, grade=None):
        """One expected chart event for a resource of this story (day since infusion, its date)."""
        return {"kind": kind, "day": day, "date": self.date(day), "grade": grade,
                "resource": f"{resource['resourceType']}/{resource['id']}"}

    def chart(self, as_of, events, window=True):
        """One as-of of expected-chart.json: the exact set of events; window/peak present iff day 0 exists."""
        return {"asOf": as_of, "hasWindow": window, "events": events}

    def write_chart(self, expected):
        folder = os.path.join(SCENARIOS, self.slug)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "expected-chart.json"), "w", encoding="utf-8") as f:
            json.dump(expected, f, indent=2, ensure_ascii=False)
            f.write("\n")

    # ---- output -----------------------------------------------------------------------------
    def bundle(self):
        return {"resourceType": "Bundle", "id": f"{self.slug}-bundle", "type": "collection",
                "entry": [{"fullUrl": f"{BASE}/fhir/{r['resourceType']}/{r['id']}", "resource": r}
                          for r in self.resources]}

    def write(self, title, reference, as_of, expected, description=""):
        folder = os.path.join(SCENARIOS, self.slug)
        os.makedirs(folder, exist_ok=True)
        scenario = {"title": title, "reference": reference, "asOf": as_of,
                    "patient": f"Patient/{self.patient_id}", "description": description}
        for name, content in (("scenario.json", scenario), ("bundle.json", self.bundle()),
                              ("expected-cql.json", expected)):
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                json.dump(content, f, indent=2, ensure_ascii=False)
                f.write("\n")
        return folder
