package carac.cds;

import carac.cards.Card;
import carac.cards.CardAssembler;
import carac.cql.CaracEvaluation;
import carac.cql.CaracEvaluation.DataQualityIssue;
import carac.cql.CqlEvaluator;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One patient-view call: gather the data (prefetch, then call-backs), evaluate a fresh CQL context for
 * this patient only, word the cards, add the service's parts and check the response against CDS Hooks 2.0
 * before it leaves. Nothing is kept between calls except the issued card ids for feedback statistics.
 */
public final class PatientViewService {

  public static final String SERVICE_ID = "carac-patient-view";
  public static final String HOOK = "patient-view";
  static final String ENDPOINT = "patient-view";

  private static final Logger log = LoggerFactory.getLogger(PatientViewService.class);

  private final PatientDataAssembler assembler;
  private final CqlEvaluator evaluator;
  private final CardAssembler cards;
  private final CardWriter writer;
  private final CdsResponseValidator validator = new CdsResponseValidator();
  private final PhaseTimers timers;
  private final FeedbackStore feedback;
  private final Clock clock;

  PatientViewService(PatientDataAssembler assembler, CqlEvaluator evaluator, CdsProperties properties,
      PhaseTimers timers, FeedbackStore feedback, Clock clock) {
    this.assembler = assembler;
    this.evaluator = evaluator;
    this.cards = new CardAssembler(properties.language());
    this.writer = new CardWriter(properties);
    this.timers = timers;
    this.feedback = feedback;
    this.clock = properties.timeZone().isBlank() ? clock : clock.withZone(ZoneId.of(properties.timeZone()));
  }

  ObjectNode call(HookRequest request, String serviceBase) {
    OffsetDateTime asOf = OffsetDateTime.now(clock);
    var timed = timers.forEndpoint(ENDPOINT);
    java.util.Map<String, Long> spent = new java.util.LinkedHashMap<>();
    PatientDataAssembler.PhaseClock phases = PatientDataAssembler.PhaseClock.recording(timed, spent);
    var ifCourse = assembler.gatherIfCourse(request, asOf.toLocalDate(), phases, course -> hasCourse(course, asOf));
    if (ifCourse.isEmpty()) {
      log.info("hookInstance={} cards=0 course=none phaseMicros={}", request.hookInstance(), spent);
      return writer.withoutCourse(request.patientId(), asOf, request.hookInstance(), serviceBase);
    }
    var gathered = ifCourse.get();
    PatientBundle patient = PatientBundle.of(gathered.bundle());
    List<DataQualityIssue> issues = new ArrayList<>(gathered.dataQuality());
    issues.addAll(patient.dataQuality());
    CaracEvaluation evaluation =
        phases.time("cql", () -> evaluator.evaluateForCards(patient.bundle(), patient.patientId(), asOf, issues));
    ObjectNode response = phases.time("cards", () -> {
      List<Card> rendered = cards.cards(evaluation);
      ObjectNode body = writer.write(evaluation, rendered, gathered.unavailable(), request.hookInstance(), serviceBase);
      java.util.Set<String> kept = dropInvalidCards(body, request.hookInstance());
      List<String> problems = validator.violations(body);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("response fails CDS Hooks 2.0: " + problems);
      }
      feedback.recordIssued(rendered.stream().filter(c -> kept.contains(c.uuid())).toList());
      return body;
    });
    log.info("hookInstance={} cards={} unavailable={} callbacks={} phaseMicros={}", request.hookInstance(),
        response.get("cards").size(), gathered.unavailable().stream().map(Unavailable::key).toList(), gathered.callbacks(),
        spent);
    return response;
  }

  /** The lean path's course check: CQL over only the data that decide it. */
  private boolean hasCourse(PatientDataAssembler.Gathered course, OffsetDateTime asOf) {
    PatientBundle patient = PatientBundle.of(course.bundle());
    return evaluator.hasCourse(patient.bundle(), patient.patientId(), asOf);
  }

  /**
   * One card that fails the CDS Hooks 2.0 check (e.g. a summary too long) is dropped, logged and counted,
   * never the whole response: the patient's other cards still reach the clinician.
   */
  private java.util.Set<String> dropInvalidCards(ObjectNode body, String hookInstance) {
    var cardsNode = (com.fasterxml.jackson.databind.node.ArrayNode) body.get("cards");
    java.util.Set<String> kept = new java.util.HashSet<>();
    for (int i = cardsNode.size() - 1; i >= 0; i--) {
      var one = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      one.putArray("cards").add(cardsNode.get(i));
      List<String> problems = validator.violations(one);
      if (problems.isEmpty()) {
        kept.add(cardsNode.get(i).path("uuid").asText());
      } else {
        String rule = cardsNode.get(i).path("source").path("topic").path("code").asText("unknown");
        log.warn("hookInstance={} card {} dropped: fails CDS Hooks 2.0: {}", hookInstance, rule, problems);
        timers.cardDropped(rule);
        cardsNode.remove(i);
      }
    }
    return kept;
  }
}
