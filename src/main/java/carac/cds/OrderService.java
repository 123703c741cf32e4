package carac.cds;

import ca.uhn.fhir.context.FhirContext;
import carac.cards.Card;
import carac.cards.OrderCardAssembler;
import carac.cql.CqlEvaluator;
import carac.cql.OrderEvaluation;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order-time services {@code carac-order-select} and {@code carac-order-sign} (clinical-reference.md §7.5):
 * the same data gathering as patient-view (prefetch, then call-backs), then the CQL library CaracOrders over
 * the call's draft orders, cards with suggestions, and the CDS Hooks 2.0 check before the response leaves.
 */
public final class OrderService {

  public static final String SELECT_SERVICE_ID = "carac-order-select";
  public static final String SIGN_SERVICE_ID = "carac-order-sign";
  public static final String SELECT_HOOK = "order-select";
  public static final String SIGN_HOOK = "order-sign";

  private static final Logger log = LoggerFactory.getLogger(OrderService.class);

  private final PatientDataAssembler assembler;
  private final CqlEvaluator evaluator;
  private final OrderCardAssembler cards;
  private final CardWriter writer;
  private final CdsResponseValidator validator = new CdsResponseValidator();
  private final PhaseTimers timers;
  private final FeedbackStore feedback;
  private final Clock clock;

  OrderService(PatientDataAssembler assembler, CqlEvaluator evaluator, CdsProperties properties, PhaseTimers timers,
      FeedbackStore feedback, Clock clock) {
    this.assembler = assembler;
    this.evaluator = evaluator;
    this.cards = new OrderCardAssembler(properties.language());
    this.writer = new CardWriter(properties);
    this.timers = timers;
    this.feedback = feedback;
    this.clock = properties.timeZone().isBlank() ? clock : clock.withZone(ZoneId.of(properties.timeZone()));
  }

  /** The hook a service id answers, or null. */
  static String hookOf(String serviceId) {
    return switch (serviceId) {
      case SELECT_SERVICE_ID -> SELECT_HOOK;
      case SIGN_SERVICE_ID -> SIGN_HOOK;
      default -> null;
    };
  }

  ObjectNode call(HookRequest request, DraftOrders drafts, String serviceBase) {
    OffsetDateTime asOf = OffsetDateTime.now(clock);
    var timed = timers.forEndpoint(request.hook());
    Map<String, Long> spent = new LinkedHashMap<>();
    PatientDataAssembler.PhaseClock phases = PatientDataAssembler.PhaseClock.recording(timed, spent);
    var ifCourse = assembler.gatherIfCourse(request, asOf.toLocalDate(), phases, course -> {
      PatientBundle p = PatientBundle.of(course.bundle());
      return evaluator.hasCourse(p.bundle(), p.patientId(), asOf);
    });
    if (ifCourse.isEmpty()) { // no CAR-T course: the order-time rules (§7.5) do not apply
      log.info("hookInstance={} hook={} cards=0 course=none phaseMicros={}", request.hookInstance(), request.hook(), spent);
      return writer.withoutCourse(request.patientId(), asOf, request.hookInstance(), serviceBase);
    }
    var gathered = ifCourse.get();
    PatientBundle patient = PatientBundle.of(gathered.bundle());
    OrderEvaluation evaluation = phases.time("cql",
        () -> evaluator.evaluateOrders(patient.bundle(), patient.patientId(), asOf, drafts.medicationRequests()));
    ObjectNode response = phases.time("cards", () -> {
      List<Card> rendered = cards.cards(evaluation);
      ObjectNode body = writer.write(new CardWriter.Subject(evaluation.patient(), evaluation.asOf(), evaluation.asOfDay()),
          rendered, gathered.unavailable(), request.hookInstance(), serviceBase);
      List<String> problems = validator.violations(body);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("response fails CDS Hooks 2.0: " + problems);
      }
      feedback.recordIssued(rendered);
      return body;
    });
    log.info("hookInstance={} hook={} drafts={} cards={} unavailable={} callbacks={} phaseMicros={}",
        request.hookInstance(), request.hook(), drafts.medicationRequests().size(), response.get("cards").size(),
        gathered.unavailable().stream().map(Unavailable::key).toList(), gathered.callbacks(), spent);
    return response;
  }

  static DraftOrders drafts(byte[] body, String hook) {
    return DraftOrders.parse(HookRequestParser.readJson(body).get("context"), hook, FhirContext.forR4Cached());
  }
}
