package carac.cards;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Every story's expected-cards.json through the real engine and the card layer: at each as-of the
 * set of rule ids is exactly the expected one (an empty list = nothing may fire), each card has the
 * expected indicator and quotes the expected values, and every card is valid CDS Hooks 2.0 as far as
 * the card itself goes (summary under 140 characters, no empty strings).
 */
class ScenarioCardsTest {

  private static final Path SCENARIOS = Path.of("fhir-resources/scenarios");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CqlEvaluator evaluator;

  @BeforeAll
  static void compile() {
    evaluator = carac.cql.SharedEvaluator.get();
  }

  static Stream<Arguments> evaluations() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(SCENARIOS)) {
      for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("expected-cards.json"))).sorted().toList()) {
        for (JsonNode expected : JSON.readTree(dir.resolve("expected-cards.json").toFile())) {
          out.add(Arguments.of(Named.of(dir.getFileName() + " @ " + expected.path("asOf").asText(), dir), expected));
        }
      }
    }
    assertThat(out).as("card expectations").hasSizeGreaterThan(20);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("evaluations")
  void cardsMatchTheStory(Path dir, JsonNode expected) throws IOException {
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), Files.readString(dir.resolve("bundle.json")));
    var evaluation = evaluator.evaluate(patient.bundle(), patient.patientId(),
        OffsetDateTime.parse(expected.path("asOf").asText()), patient.dataQuality());
    String language = expected.path("language").asText("en");
    List<Card> cards = new CardAssembler(language).cards(evaluation);
    var forCards = evaluator.evaluateForCards(patient.bundle(), patient.patientId(),
        OffsetDateTime.parse(expected.path("asOf").asText()), patient.dataQuality());
    assertThat(new CardAssembler(language).cards(forCards)).as("the hook's evaluation (no chart): the same cards")
        .isEqualTo(cards);

    List<String> wanted = new ArrayList<>();
    expected.path("cards").forEach(c -> wanted.add(c.path("rule").asText()));
    assertThat(cards).extracting(c -> c.source().topic().code()).as("rules firing")
        .containsExactlyInAnyOrderElementsOf(wanted);

    for (JsonNode want : expected.path("cards")) {
      String rule = want.path("rule").asText();
      Card card = cards.stream().filter(c -> c.source().topic().code().equals(rule)).findFirst().orElseThrow();
      if (want.has("indicator")) {
        assertThat(card.indicator()).as(rule + " indicator").isEqualTo(want.path("indicator").asText());
      }
      want.path("summaryContains").forEach(q -> assertThat(card.summary()).as(rule + " summary").contains(q.asText()));
      // the expected text is what a reader sees: the Markdown escapes of record strings undone
      want.path("detailContains").forEach(q -> assertThat(RecordText.rendered(card.detail())).as(rule + " detail").contains(q.asText()));
      want.path("detailLacks").forEach(q -> assertThat(card.detail()).as(rule + " detail").doesNotContain(q.asText()));
    }
    String asOfShown = OffsetDateTime.parse(expected.path("asOf").asText())
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx"));
    for (Card card : cards) {
      assertThat(card.detail()).as("data as of: local time to the minute with the offset").contains(asOfShown)
          .doesNotContain(expected.path("asOf").asText());
      assertThat(card.detail()).as("display units, not UCUM codes").doesNotContain("10*9/L", "{FEU}", "{DDU}");
      assertThat(card.summary().length()).as("summary length of " + card.source().topic().code()).isLessThan(140);
      assertThat(card.summary()).isNotBlank();
      assertThat(card.detail()).isNotBlank().contains("CW-grade");
      assertThat(card.source().label()).isEqualTo("CARAC Watch");
      assertThat(card.uuid()).isNotBlank();
    }
    if (evaluation.days().isEmpty()) {
      assertThat(expected.has("cwGrade")).as("no course: no CW-grade to expect").isFalse();
      return;
    }
    var day = evaluation.days().get(evaluation.days().size() - 1);
    if (expected.has("cwGrade")) {
      // null = not assessable (§3.4 clarified 2026-12): R-COAG not evaluable and no event grade of 3 or more
      Integer want = expected.path("cwGrade").isNull() ? null : expected.path("cwGrade").asInt();
      assertThat(day.cwGrade()).as(dir.getFileName() + ": CW-grade at the as-of day " + day.day()).isEqualTo(want);
    }
    if (expected.has("cwGradeAtLeast")) {
      assertThat(day.cwGradeAtLeast()).as(dir.getFileName() + ": CW-grade lower bound at day " + day.day())
          .isEqualTo(expected.path("cwGradeAtLeast").asInt());
    }
    if (day.inCaracWindow()) {
      assertThat(day.cwGradeAtLeast()).as("a window day always has a lower bound").isNotNull();
      if (day.cwGrade() != null) {
        assertThat(day.cwGradeAtLeast()).isEqualTo(day.cwGrade());
      }
    }
  }
}
