package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.FhirFetchSettings;
import carac.fhir.PatientDataFetcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole patient-view pipeline without HTTP, through the real engine: each prefetch key present, null,
 * an OperationOutcome or absent, with a FHIR server that is down; the response always passes the CDS Hooks
 * self-check, and missing inputs are named on the cards.
 */
class PatientViewServiceTest {

  private static final String STORY = "tc-02-crs-dic-tocilizumab";
  private static final String HOOK = "d2a9c5a4-4a1c-4c59-9a44-2b3c7e0f1a11";

  @TempDir static Path dir;
  private static CqlEvaluator evaluator;
  private static PrefetchTemplates templates;
  private static PatientViewService service;
  private static FeedbackStore feedback;
  private static PatientDataFetcher fetcher;
  private static Bundle story;
  private static String patientId;
  private static String downServer;

  @BeforeAll
  static void setUp() throws Exception {
    evaluator = new CqlEvaluator(SiteConfiguration.empty());
    templates = new PrefetchTemplates(evaluator.dataRequirements(), 0);
    fetcher = new PatientDataFetcher(new FhirFetchSettings(Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(1), 5, 4, 0));
    feedback = new FeedbackStore("jdbc:h2:file:" + dir.resolve("feedback") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    CdsProperties properties = new CdsProperties(null, null, "Asia/Shanghai", null, 0, null, null, null, null, null, null, null, null);
    var asOf = OffsetDateTime.parse(StoryAsOf.of(STORY));
    Clock clock = Clock.fixed(asOf.toInstant(), ZoneId.of("Asia/Shanghai"));
    service = new PatientViewService(
        new PatientDataAssembler(templates, new PrefetchReader(StoryPrefetch.FHIR), fetcher),
        evaluator, properties, new PhaseTimers(new SimpleMeterRegistry()), feedback, clock);
    story = StoryPrefetch.bundle(STORY);
    patientId = StoryPrefetch.patientId(story);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      downServer = "http://127.0.0.1:" + s.getLocalPort() + "/fhir";
    }
  }

  @AfterAll
  static void tearDown() {
    fetcher.close();
    feedback.close();
  }

  private static ObjectNode call(Map<String, JsonNode> prefetch, String fhirServer) {
    return service.call(new HookRequest("patient-view", HOOK, patientId, "Practitioner/1", null, fhirServer, null, prefetch),
        "https://cds.example.org");
  }

  private static List<String> rules(ObjectNode response) {
    List<String> rules = new ArrayList<>();
    response.get("cards").forEach(c -> rules.add(c.path("source").path("topic").path("code").asText()));
    return rules;
  }

  @Test
  void fullPrefetchGivesTheStoryCardsAndPassesTheSelfCheck() throws Exception {
    ObjectNode response = call(StoryPrefetch.prefetch(story, templates), null);
    assertThat(new CdsResponseValidator().violations(response)).isEmpty();
    assertThat(rules(response)).isEqualTo(StoryAsOf.expectedRules(STORY)).doesNotContain(CardWriter.UNAVAILABLE_RULE);
    JsonNode card = response.get("cards").get(0);
    assertThat(card.get("links").get(0).get("type").asText()).isEqualTo("smart");
    assertThat(card.get("links").get(0).get("appContext").asText()).contains("\"day\":11").contains("\"rule\":\"R-");
    assertThat(card.get("overrideReasons")).isNotEmpty();
  }

  @Test
  void nullMeansNoDataNotMissing() throws Exception {
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(story, templates));
    prefetch.put("conditions", com.fasterxml.jackson.databind.node.NullNode.instance);
    ObjectNode response = call(prefetch, null);
    assertThat(rules(response)).doesNotContain(CardWriter.UNAVAILABLE_RULE);
  }

  @Test
  void anOperationOutcomeOrAbsentKeyIsFetchedAndElseNamedUnavailable() throws Exception {
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(story, templates));
    prefetch.put("observations", StoryPrefetch.operationOutcome());
    prefetch.remove("conditions");
    ObjectNode response = call(prefetch, downServer);
    assertThat(new CdsResponseValidator().violations(response)).isEmpty();
    assertThat(rules(response).get(0)).isEqualTo(CardWriter.UNAVAILABLE_RULE);
    String detail = response.get("cards").get(0).get("detail").asText();
    assertThat(detail).contains("observations").contains("conditions").contains("unreachable").doesNotContain(patientId);
  }

  @Test
  void noPatientIsA412() throws Exception {
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(story, templates));
    prefetch.remove("patient");
    assertThatThrownBy(() -> call(prefetch, null)).isInstanceOfSatisfying(CdsException.class,
        e -> assertThat(e.status().value()).isEqualTo(412));
    assertThatThrownBy(() -> call(prefetch, downServer)).isInstanceOfSatisfying(CdsException.class,
        e -> assertThat(e.status().value()).isEqualTo(412));
  }

  @Test
  void anotherPatientInThePatientKeyIsA412() throws Exception {
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(story, templates));
    ObjectNode other = prefetch.get("patient").deepCopy();
    other.put("id", "someone-else");
    prefetch.put("patient", other);
    assertThatThrownBy(() -> call(prefetch, null)).isInstanceOfSatisfying(CdsException.class,
        e -> assertThat(e.status().value()).isEqualTo(412));
  }

  @Test
  void noClinicalDataAtAllIsA412() throws Exception {
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(story, templates));
    prefetch.keySet().stream().filter(k -> !k.equals("patient")).toList()
        .forEach(k -> prefetch.put(k, StoryPrefetch.operationOutcome()));
    assertThatThrownBy(() -> call(prefetch, downServer)).isInstanceOfSatisfying(CdsException.class,
        e -> assertThat(e.status().value()).isEqualTo(412));
  }

  // ---- the lean path (issue 15): the course check first, over the keys that decide it ----------------------

  private static PatientViewService leanService(PrefetchTemplates lean) throws Exception {
    var asOf = OffsetDateTime.parse(StoryAsOf.of(STORY));
    return new PatientViewService(new PatientDataAssembler(lean, new PrefetchReader(StoryPrefetch.FHIR), fetcher), evaluator,
        new CdsProperties(null, null, "Asia/Shanghai", null, 0, null, null, null, null, null, null, null, PrefetchTemplates.Profile.LEAN),
        new PhaseTimers(new SimpleMeterRegistry()), feedback, Clock.fixed(asOf.toInstant(), ZoneId.of("Asia/Shanghai")));
  }

  private static PrefetchTemplates leanTemplates() {
    return new PrefetchTemplates(evaluator.dataRequirements(), evaluator.courseDataRequirements(), 0, PrefetchTemplates.Profile.LEAN);
  }

  private static Map<String, JsonNode> advertisedOnly(Bundle bundle, PrefetchTemplates lean) throws Exception {
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(bundle, lean));
    prefetch.keySet().retainAll(lean.advertised().keySet());
    return prefetch;
  }

  @Test
  void theLeanProfileAdvertisesOnlyTheCourseKeys() {
    assertThat(leanTemplates().advertised().keySet()).containsExactly("patient", "medication-administrations", "procedures");
    assertThat(templates.advertised()).isEqualTo(templates.templates());
  }

  @Test
  void aPatientWithoutACourseIsAnsweredFromTheCourseKeysAloneWithoutACallBack() throws Exception {
    var lean = leanTemplates();
    Bundle noCourse = StoryPrefetch.bundle("tc-15b-no-car-t");
    ObjectNode response = leanService(lean).call(new HookRequest("patient-view", HOOK, StoryPrefetch.patientId(noCourse),
        "Practitioner/1", null, downServer, null, advertisedOnly(noCourse, lean)), "https://cds.example.org");
    // the down server was never asked for the other keys: no data-unavailable card
    assertThat(response.get("cards")).isEmpty();
    assertThat(new CdsResponseValidator().violations(response)).isEmpty();
  }

  @Test
  void aPatientWithACourseUnderTheLeanProfileHasTheRestFetched() throws Exception {
    var lean = leanTemplates();
    ObjectNode response = leanService(lean).call(new HookRequest("patient-view", HOOK, patientId, "Practitioner/1", null,
        downServer, null, advertisedOnly(story, lean)), "https://cds.example.org");
    assertThat(rules(response).get(0)).isEqualTo(CardWriter.UNAVAILABLE_RULE);
    String detail = response.get("cards").get(0).get("detail").asText();
    assertThat(detail).contains("observations").contains("conditions").doesNotContain("procedures");
  }

  @Test
  void anUnavailableCourseKeyIsNeverTakenForNoCourse() throws Exception {
    var lean = leanTemplates();
    Bundle noCourse = StoryPrefetch.bundle("tc-15b-no-car-t");
    var prefetch = new HashMap<>(StoryPrefetch.prefetch(noCourse, lean));
    prefetch.put("medication-administrations", StoryPrefetch.operationOutcome());
    ObjectNode response = leanService(lean).call(new HookRequest("patient-view", HOOK, StoryPrefetch.patientId(noCourse),
        "Practitioner/1", null, downServer, null, prefetch), "https://cds.example.org");
    assertThat(rules(response)).containsExactly(CardWriter.UNAVAILABLE_RULE);
    assertThat(response.get("cards").get(0).get("detail").asText()).contains("medication-administrations");
  }

  @Test
  void issuedCardsAreRecordedForFeedback() throws Exception {
    ObjectNode response = call(StoryPrefetch.prefetch(story, templates), null);
    feedback.flush();
    String uuid = response.get("cards").get(0).get("uuid").asText();
    feedback.save(List.of(new FeedbackStore.Entry(uuid, "overridden", List.of(), "s", "not-applicable", "n/a", null,
        OffsetDateTime.parse("2025-04-18T10:00:00Z"))), "iss");
    assertThat(feedback.summary()).anyMatch(w -> w.rule().startsWith("R-") && w.overridden() >= 1
        && w.overrideReasons().containsKey("not-applicable") && w.week().equals("2025-W16"));
  }
}
