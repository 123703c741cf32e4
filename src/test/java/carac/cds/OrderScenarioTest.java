package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import carac.cards.Card;
import carac.cards.OrderCardAssembler;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every order call of the stories' expected-orders.json (written by fhir-resources/generator/order_edges.py)
 * through the request check (draftOrders, selections), the real engine (CaracOrders), the card layer and the
 * CDS Hooks writer and validator: exactly the expected rules fire, with the expected indicator, wording and
 * suggestion (delete with the draft's id; create a complete draft ServiceRequest with the LOINC code).
 */
class OrderScenarioTest {

  private static final Path SCENARIOS = Path.of("fhir-resources/scenarios");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CqlEvaluator evaluator;

  @BeforeAll
  static void compile() {
    evaluator = carac.cql.SharedEvaluator.get();
  }

  static Stream<Arguments> calls() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(SCENARIOS)) {
      for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("expected-orders.json"))).sorted().toList()) {
        int i = 0;
        for (JsonNode expected : JSON.readTree(dir.resolve("expected-orders.json").toFile())) {
          out.add(Arguments.of(Named.of(dir.getFileName() + " #" + i++ + " " + expected.path("hook").asText() + " @ "
              + expected.path("asOf").asText(), dir), expected));
        }
      }
    }
    assertThat(out).as("order expectations").hasSizeGreaterThan(20);
    return out.stream();
  }

  /** A draft coded only with a site-local code counts through SiteConfiguration.drugCodes, and only then. */
  @org.junit.jupiter.api.Test
  void siteLocalDrugCodesClassifyTheDraft() throws IOException {
    Path dir = SCENARIOS.resolve("ord-ac-platelets");
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), Files.readString(dir.resolve("bundle.json")));
    var draft = new org.hl7.fhir.r4.model.MedicationRequest();
    draft.setId("local-1");
    draft.setStatus(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus.DRAFT);
    draft.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patient.patientId()));
    draft.setMedication(new org.hl7.fhir.r4.model.CodeableConcept().addCoding(
        new org.hl7.fhir.r4.model.Coding("urn:oid:1.2.3.4.5.local-drugs", "ENOX-40", "Clexane 40 mg")));
    OffsetDateTime asOf = OffsetDateTime.parse(JSON.readTree(dir.resolve("scenario.json").toFile()).get("asOf").asText());
    var site = new CqlEvaluator(new SiteConfiguration(List.of(), List.of(), List.of(),
        List.of(new SiteConfiguration.DrugCode("urn:oid:1.2.3.4.5.local-drugs", "ENOX-40", "anticoagulant"))));
    var local = new OrderCardAssembler("en").cards(site.evaluateOrders(patient.bundle(), patient.patientId(), asOf, List.of(draft)));
    assertThat(local).extracting(c -> c.source().topic().code() + " " + c.indicator()).containsExactly("R-ORD-AC critical");
    assertThat(local.get(0).summary()).contains("Clexane 40 mg");
    var plain = new OrderCardAssembler("en").cards(evaluator.evaluateOrders(patient.bundle(), patient.patientId(), asOf, List.of(draft)));
    assertThat(plain).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void cardsMatchTheStory(Path dir, JsonNode expected) throws IOException {
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), Files.readString(dir.resolve("bundle.json")));
    ObjectNode context = JSON.createObjectNode();
    context.set("draftOrders", expected.get("draftOrders"));
    if (expected.has("selections")) {
      context.set("selections", expected.get("selections"));
    }
    var drafts = DraftOrders.parse(context, expected.path("hook").asText(), FhirContext.forR4Cached());
    var evaluation = evaluator.evaluateOrders(patient.bundle(), patient.patientId(),
        OffsetDateTime.parse(expected.path("asOf").asText()), drafts.medicationRequests());
    List<Card> cards = new OrderCardAssembler("en").cards(evaluation);
    List<Card> zh = new OrderCardAssembler("zh").cards(evaluation);
    assertThat(zh).extracting(c -> c.source().topic().code() + c.indicator())
        .containsExactlyElementsOf(cards.stream().map(c -> c.source().topic().code() + c.indicator()).toList());
    for (Card c : zh) {
      assertThat(c.summary()).as("zh summary").doesNotContain("{").hasSizeLessThan(140);
      assertThat(c.detail()).as("zh detail").doesNotContain("{0}").contains("MedicationRequest/");
    }
    ObjectNode body = new CardWriter(new CdsProperties(null, null, null, null, null, null, null, null, null, null, null, null, null)).write(
        new CardWriter.Subject(evaluation.patient(), evaluation.asOf(), evaluation.asOfDay()), cards, List.of(),
        "00000000-0000-0000-0000-000000000000", "http://localhost:8080");
    assertThat(new CdsResponseValidator().violations(body)).as("CDS Hooks 2.0").isEmpty();

    List<String> wanted = new ArrayList<>();
    expected.path("cards").forEach(c -> wanted.add(c.path("rule").asText() + " " + c.path("indicator").asText()));
    List<String> got = new ArrayList<>();
    body.get("cards").forEach(c -> got.add(c.path("source").path("topic").path("code").asText() + " "
        + c.path("indicator").asText()));
    assertThat(got).as("rules firing").containsExactlyInAnyOrderElementsOf(wanted);

    for (JsonNode want : expected.path("cards")) {
      String rule = want.path("rule").asText();
      JsonNode card = null;
      for (JsonNode c : body.get("cards")) {
        if (c.path("source").path("topic").path("code").asText().equals(rule)
            && c.path("indicator").asText().equals(want.path("indicator").asText())) {
          card = c;
        }
      }
      assertThat(card).isNotNull();
      String summary = card.path("summary").asText();
      String detail = card.path("detail").asText();
      want.path("summaryContains").forEach(q -> assertThat(summary).as(rule + " summary").contains(q.asText()));
      want.path("detailContains").forEach(q -> assertThat(detail).as(rule + " detail").contains(q.asText()));
      want.path("detailLacks").forEach(q -> assertThat(detail).as(rule + " detail").doesNotContain(q.asText()));
      assertThat(card.path("overrideReasons").size()).as("override reasons").isGreaterThan(0);
      JsonNode suggestion = want.get("suggestion");
      if (suggestion == null) {
        assertThat(card.has("suggestions")).isFalse();
        continue;
      }
      assertThat(card.path("selectionBehavior").asText()).isEqualTo("at-most-one");
      JsonNode actions = card.path("suggestions").get(0).path("actions");
      assertThat(card.path("suggestions")).hasSize(1);
      if (suggestion.path("type").asText().equals("delete")) {
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).path("type").asText()).isEqualTo("delete");
        assertThat(actions.get(0).path("resourceId")).isEqualTo(suggestion.get("resourceId"));
        assertThat(card.path("overrideReasons").toString()).contains("benefit-outweighs-risk");
      } else {
        List<String> codes = new ArrayList<>();
        for (JsonNode a : actions) {
          assertThat(a.path("type").asText()).isEqualTo("create");
          JsonNode r = a.path("resource");
          assertThat(r.path("resourceType").asText()).isEqualTo("ServiceRequest");
          assertThat(r.path("status").asText()).isEqualTo("draft");
          assertThat(r.path("intent").asText()).isEqualTo("order");
          assertThat(r.path("subject").path("reference").asText()).isEqualTo(evaluation.patient());
          assertThat(r.path("code").path("coding").get(0).path("system").asText()).isEqualTo("http://loinc.org");
          codes.add(r.path("code").path("coding").get(0).path("code").asText());
        }
        List<String> wantCodes = new ArrayList<>();
        suggestion.path("codes").forEach(c -> wantCodes.add(c.asText()));
        assertThat(codes).containsExactlyInAnyOrderElementsOf(wantCodes);
      }
    }
  }
}
