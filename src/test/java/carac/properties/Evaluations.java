package carac.properties;

import carac.cards.CardAssembler;
import carac.cql.CaracEvaluation;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The real pipeline of the {@code evaluate} command (PatientBundle, the shared {@link CqlEvaluator}, English
 * cards) and the evaluation as JSON, with decimals compared by value. The evaluator is built once per JVM:
 * translating the libraries takes seconds, evaluating a course tens of milliseconds.
 */
final class Evaluations {

  static final ObjectMapper JSON = new ObjectMapper();
  private static volatile CqlEvaluator evaluator;
  private static final AtomicLong COURSES = new AtomicLong();
  private static final AtomicLong PATIENT_DAYS = new AtomicLong();

  private Evaluations() {}

  static CqlEvaluator evaluator() {
    if (evaluator == null) {
      synchronized (Evaluations.class) {
        if (evaluator == null) {
          evaluator = new CqlEvaluator(SiteConfiguration.empty());
        }
      }
    }
    return evaluator;
  }

  /** Evaluates a one-patient bundle the way {@code evaluate} does (other patients' records are dropped). */
  static JsonNode evaluate(Bundle bundle, OffsetDateTime asOf) {
    var patient = PatientBundle.of(bundle.copy());
    CaracEvaluation evaluation = evaluator().evaluate(patient.bundle(), patient.patientId(), asOf, patient.dataQuality());
    checkCourseCheck(patient, asOf, evaluation);
    return json(evaluation);
  }

  /**
   * The hooks' lean path answers from the course check over the course data alone (issue 15): on every generated
   * course it must agree with the whole evaluation, or a patient with a course could go without cards.
   */
  private static void checkCourseCheck(PatientBundle patient, OffsetDateTime asOf, CaracEvaluation evaluation) {
    java.util.Set<String> types = new java.util.HashSet<>(List.of("Patient"));
    evaluator().courseDataRequirements().forEach(r -> types.add(r.type()));
    Bundle courseData = new Bundle().setType(Bundle.BundleType.COLLECTION);
    patient.bundle().getEntry().stream().filter(e -> types.contains(e.getResource().fhirType()))
        .forEach(e -> courseData.addEntry().setResource(e.getResource()));
    boolean hasCourse = evaluator().hasCourse(courseData, patient.patientId(), asOf);
    if (hasCourse != (evaluation.infusionDate() != null)) {
      throw new AssertionError("course check on " + types + " says " + hasCourse + ", the whole evaluation says infusion "
          + evaluation.infusionDate() + " (as of " + asOf + ")");
    }
  }

  /** Evaluates one patient of a bundle straight through the engine, without PatientBundle's filter. */
  static JsonNode evaluateDirect(Bundle bundle, String patientId, OffsetDateTime asOf) {
    return json(evaluator().evaluate(bundle.copy(), patientId, asOf, List.of()));
  }

  private static JsonNode json(CaracEvaluation evaluation) {
    JsonNode node = normalise(JSON.valueToTree(new CardAssembler("en").withCards(evaluation)));
    COURSES.incrementAndGet();
    PATIENT_DAYS.addAndGet(node.path("days").size());
    return node;
  }

  /** Numbers by value (45.000 = 45), card uuids dropped (they hash the patient id and dates). */
  static JsonNode normalise(JsonNode node) {
    if (node.isNumber()) {
      return DecimalNode.valueOf(node.decimalValue().stripTrailingZeros());
    }
    if (node instanceof ObjectNode object) {
      object.remove("uuid");
      var names = object.fieldNames();
      List<String> keys = new java.util.ArrayList<>();
      names.forEachRemaining(keys::add);
      for (String k : keys) {
        object.set(k, normalise(object.get(k)));
      }
      return object;
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, normalise(array.get(i)));
      }
    }
    return node;
  }

  /** Evaluations run and patient-days checked in this JVM so far (reported by each property class). */
  static String tally() {
    return COURSES.get() + " evaluations, " + PATIENT_DAYS.get() + " patient-days";
  }

  static long courses() {
    return COURSES.get();
  }

  static long patientDays() {
    return PATIENT_DAYS.get();
  }
}
