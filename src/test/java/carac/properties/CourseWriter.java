package carac.properties;

import carac.properties.Course.CarT;
import carac.properties.Course.Clinical;
import carac.properties.Course.Condition;
import carac.properties.Course.Item;
import carac.properties.Course.Lab;
import carac.properties.Course.Medication;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.UnaryOperator;
import org.hl7.fhir.r4.model.AdverseEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Writes a {@link Course} as a FHIR R4 collection Bundle (HAPI model classes), following
 * ../shared/fhir-input-profile.md. {@code ids} maps each record key to its resource id (identity, or a renaming)
 * and {@code shiftDays} moves every date and the as-of instant by whole days, each record keeping its offset.
 */
final class CourseWriter {

  static final String BASE = "https://carac-watch.example.org";
  static final String UCUM = "http://unitsofmeasure.org";
  static final String LOINC = "http://loinc.org";
  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  static final String NDC = "http://hl7.org/fhir/sid/ndc";
  static final String CPT = "http://www.ama-assn.org/go/cpt";
  static final String NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl";
  static final String LOCAL = BASE + "/CodeSystem/carac-local";
  private static final String[] NCI_GRADE = {null, "C41338", "C41339", "C41340", "C41337", "C48275"};

  private final UnaryOperator<String> ids;
  private final int shiftDays;

  CourseWriter(UnaryOperator<String> ids, int shiftDays) {
    this.ids = ids;
    this.shiftDays = shiftDays;
  }

  static CourseWriter plain() {
    return new CourseWriter(UnaryOperator.identity(), 0);
  }

  String patientId(Course course) {
    return ids.apply(course.patientKey());
  }

  OffsetDateTime asOf(Course course) {
    return OffsetDateTime.of(date(course, course.asOfDay()), course.asOfTime(), course.offset());
  }

  /** The course as a Bundle: the Patient first, then every record in the course's order. */
  Bundle bundle(Course course) {
    var bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    add(bundle, patient(course));
    for (Item item : course.items()) {
      add(bundle, resource(course, item));
    }
    return bundle;
  }

  /** Appends the course's resources (Patient included) to another bundle. */
  void addTo(Bundle bundle, Course course, boolean withPatient) {
    if (withPatient) {
      add(bundle, patient(course));
    }
    for (Item item : course.items()) {
      add(bundle, resource(course, item));
    }
  }

  private static void add(Bundle bundle, Resource r) {
    bundle.addEntry().setFullUrl(BASE + "/fhir/" + r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r);
  }

  private Patient patient(Course course) {
    var p = new Patient();
    p.setId(new IdType("Patient", patientId(course)));
    p.setGender(Enumerations.AdministrativeGender.FEMALE);
    p.getBirthDateElement().setValueAsString("1960-02-29");
    return p;
  }

  private Resource resource(Course course, Item item) {
    Resource r;
    if (item instanceof Lab lab) {
      r = observation(course, lab);
    } else if (item instanceof CarT c) {
      r = carT(course, c);
    } else if (item instanceof Medication m) {
      r = medication(course, m);
    } else if (item instanceof Condition c) {
      r = c.adverseEvent() ? adverseEvent(course, c) : condition(course, c);
    } else {
      r = clinical(course, (Clinical) item);
    }
    r.setId(new IdType(r.fhirType(), ids.apply(item.key())));
    return r;
  }

  private LocalDate date(Course course, int day) {
    return course.day0().plusDays(day + (long) shiftDays);
  }

  private DateTimeType dateTime(Course course, int day, LocalTime time, ZoneOffset offset) {
    return new DateTimeType(OffsetDateTime.of(date(course, day), time, offset)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
  }

  private Reference subject(Course course) {
    return new Reference("Patient/" + patientId(course));
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  private Observation observation(Course course, Lab lab) {
    var o = new Observation();
    o.setStatus(Observation.ObservationStatus.fromCode(lab.status()));
    o.addCategory(concept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"));
    o.setCode(concept(LOINC, lab.analyte().loincs.get(lab.loinc())));
    o.setSubject(subject(course));
    if (lab.quirk() == Course.Quirk.DATE_ONLY) {
      o.setEffective(new DateTimeType(date(course, lab.day()).toString()));
    } else {
      o.setEffective(dateTime(course, lab.day(), lab.time(), lab.offset()));
    }
    Analyte.Unit unit = lab.analyte().units.get(lab.unit());
    BigDecimal reported = lab.value() == null ? null : lab.analyte().in(lab.unit(), lab.value()).orElseThrow();
    switch (lab.quirk()) {
      case DATA_ABSENT -> o.setDataAbsentReason(
          concept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "error"));
      case DATA_ABSENT_WITH_VALUE -> {
        o.setValue(quantity(reported, unit.code()));
        o.setDataAbsentReason(concept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed"));
      }
      case COMPARATOR -> o.setValue(quantity(reported, unit.code()).setComparator(Quantity.QuantityComparator.LESS_THAN));
      case TEXT_UNIT -> o.setValue(new Quantity().setValue(reported).setUnit("K/uL"));
      case UNKNOWN_CODE -> o.setValue(new Quantity().setValue(reported).setUnit("mmol/L").setSystem(UCUM).setCode("mmol/L"));
      case NO_UNIT -> o.setValue(new Quantity().setValue(reported));
      default -> o.setValue(quantity(reported, unit.code()));
    }
    if (lab.uln() != null) {
      String rangeUnit = lab.analyte().units.get(lab.rangeUnit()).code();
      o.addReferenceRange().setHigh(quantity(lab.analyte().in(lab.rangeUnit(), lab.uln()).orElseThrow(), rangeUnit));
    }
    return o;
  }

  private static Quantity quantity(BigDecimal value, String code) {
    return new Quantity().setValue(value).setUnit(code).setSystem(UCUM).setCode(code);
  }

  private Resource carT(Course course, CarT c) {
    if (c.form() == 2) {
      var p = new Procedure();
      p.setStatus(Procedure.ProcedureStatus.fromCode(c.status()));
      p.setCode(concept(CPT, "38228"));
      p.setSubject(subject(course));
      p.setPerformed(dateTime(course, c.day(), c.time(), c.offset()));
      return p;
    }
    var m = new MedicationAdministration();
    m.setStatus(MedicationAdministration.MedicationAdministrationStatus.fromCode(c.status()));
    m.setMedication(c.form() == 1 ? concept(NDC, "71287-119-01") : concept(RXNORM, "1987402"));
    m.setSubject(subject(course));
    m.setEffective(dateTime(course, c.day(), c.time(), c.offset()));
    return m;
  }

  private Resource medication(Course course, Medication med) {
    var m = new MedicationAdministration();
    m.setStatus(MedicationAdministration.MedicationAdministrationStatus.fromCode(med.status()));
    m.setMedication(concept(RXNORM, med.rxnorm()));
    m.setSubject(subject(course));
    m.setEffective(dateTime(course, med.day(), med.time(), med.offset()));
    return m;
  }

  private Resource condition(Course course, Condition c) {
    var r = new org.hl7.fhir.r4.model.Condition();
    if (c.verification() != null) {
      r.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", c.verification()));
    }
    r.setCode(concept(c.system(), c.code()));
    r.setSubject(subject(course));
    r.setOnset(dateTime(course, c.day(), c.time(), c.offset()));
    if (c.abatementDay() != null) {
      r.setAbatement(dateTime(course, c.abatementDay(), LocalTime.of(23, 0), c.offset()));
    }
    eventExtensions(r, c, BASE + "/StructureDefinition/ctcae-grade");
    return r;
  }

  private Resource adverseEvent(Course course, Condition c) {
    var ae = new AdverseEvent();
    ae.setActuality(AdverseEvent.AdverseEventActuality.fromCode(c.actuality()));
    ae.setEvent(concept(c.system(), c.code()));
    ae.setSubject(subject(course));
    ae.setDateElement(dateTime(course, c.day(), c.time(), c.offset()));
    eventExtensions(ae, c, "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade");
    return ae;
  }

  private static void eventExtensions(org.hl7.fhir.r4.model.DomainResource r, Condition c, String gradeUrl) {
    if (c.grade() != null && (c.kind() == Course.EventKind.BLEEDING || c.kind() == Course.EventKind.THROMBOSIS)) {
      r.addExtension(gradeUrl, concept(NCIT, NCI_GRADE[c.grade()]));
    }
    if (c.isthMajor() != null) {
      r.addExtension(BASE + "/StructureDefinition/isth-major-bleeding", new BooleanType(c.isthMajor()));
    }
  }

  private Resource clinical(Course course, Clinical c) {
    var o = new Observation();
    o.setStatus(Observation.ObservationStatus.fromCode(c.status()));
    o.setCode(concept(LOCAL, c.item()));
    o.setSubject(subject(course));
    o.setEffective(dateTime(course, c.day(), c.time(), c.offset()));
    o.setValue(new BooleanType(c.value()));
    return o;
  }

}
