package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import carac.cards.CardAssembler;
import carac.cql.CaracEvaluation.Criterion;
import carac.cql.CaracEvaluation.Series;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencds.cqf.cql.engine.runtime.Quantity;

/**
 * The SMART app's chart data through the real engine and card layer: every story with an
 * expected-chart.json gets exactly its events (kind, day, date, grade, resource), never a record of another
 * patient, and the day spans of the CQL; the series' cut-off lines are the CQL's own definitions, evaluated
 * here, never numbers written in this test.
 */
class ChartDataTest {

  private static final Path SCENARIOS = Path.of("fhir-resources/scenarios");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CqlEvaluator evaluator;
  private static CqlDefinitions definitions;

  /** A cut-off the chart must draw: the defining library and define, and the rule criterion it becomes. */
  record Cutoff(String library, String define, String rule, Integer points) {}

  private static final Map<String, List<Cutoff>> CUTOFFS = Map.of(
      "platelets", List.of(
          new Cutoff("CaracIsthDic", "ISTH Platelet Severe Cut-off", "isth", 2),
          new Cutoff("CaracIsthDic", "ISTH Platelet Moderate Cut-off", "isth", 1),
          new Cutoff("CaracCdssDic", "CDSS Platelet Cut-off", "cdss", 1),
          new Cutoff("CaracRules", "Coagulopathy Platelet Cut-off", "r-coag", null),
          new Cutoff("CaracRules", "LMWH Platelet Cut-off", "r-dic-mgmt-lmwh", null)),
      "fibrinogen", List.of(
          new Cutoff("CaracRules", "Low Fibrinogen Cut-off", "r-fib", null),
          new Cutoff("CaracRules", "Low Fibrinogen Cut-off", "r-coag", null),
          new Cutoff("CaracIsthDic", "ISTH Fibrinogen Cut-off", "isth", 1),
          new Cutoff("CaracCdssDic", "CDSS Fibrinogen Cut-off", "cdss", 1)),
      "pt", List.of(
          new Cutoff("CaracIsthDic", "ISTH PT Prolongation Severe Cut-off", "isth", 2),
          new Cutoff("CaracIsthDic", "ISTH PT Prolongation Moderate Cut-off", "isth", 1),
          new Cutoff("CaracCdssDic", "CDSS PT Prolongation Severe Cut-off", "cdss", 2),
          new Cutoff("CaracCdssDic", "CDSS PT Prolongation Moderate Cut-off", "cdss", 1),
          new Cutoff("CaracRules", "Coagulopathy PT Prolongation", "r-coag", null)),
      "aptt", List.of(
          new Cutoff("CaracCdssDic", "CDSS APTT Prolongation Cut-off", "cdss", 1),
          new Cutoff("CaracRules", "Coagulopathy APTT Prolongation", "r-coag", null)),
      "d-dimer", List.of(
          new Cutoff("CaracIsthDic", "ISTH D-dimer Strong Increase Ratio", "isth", 3),
          new Cutoff("CaracIsthDic", "ISTH D-dimer Moderate Increase Ratio", "isth", 2),
          new Cutoff("CaracRules", "Thrombosis D-dimer Ratio", "r-thr", null)),
      "alt", List.of(new Cutoff("CaracRules", "ALT ULN Multiple", "r-alt", null)));

  @BeforeAll
  static void compile() {
    evaluator = new CqlEvaluator(SiteConfiguration.empty());
    definitions = new CqlDefinitions();
  }

  static Stream<Arguments> expectations() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(SCENARIOS)) {
      for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("expected-chart.json"))).sorted().toList()) {
        for (JsonNode expected : JSON.readTree(dir.resolve("expected-chart.json").toFile())) {
          out.add(Arguments.of(Named.of(dir.getFileName() + " @ " + expected.path("asOf").asText(), dir), expected));
        }
      }
    }
    assertThat(out).as("chart expectations").hasSizeGreaterThanOrEqualTo(8);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expectations")
  void eventsAndDaySpansMatchTheStory(Path dir, JsonNode expected) throws IOException {
    String bundleJson = Files.readString(dir.resolve("bundle.json"));
    JsonNode app = appJson(bundleJson, expected.path("asOf").asText(), "en");

    if (expected.path("hasWindow").asBoolean()) {
      var timeline = definitions.evaluate("CaracTimeline", List.of("First Table Day", "CARAC Window Last Day"));
      var cards = definitions.evaluate("CaracCards", List.of("Peak First Day", "Peak Last Day"));
      assertThat(app.get("window").get("first").asInt()).isEqualTo(timeline.get("First Table Day"));
      assertThat(app.get("window").get("last").asInt()).isEqualTo(timeline.get("CARAC Window Last Day"));
      assertThat(app.get("peakWindow").get("first").asInt()).isEqualTo(cards.get("Peak First Day"));
      assertThat(app.get("peakWindow").get("last").asInt()).isEqualTo(cards.get("Peak Last Day"));
    } else {
      assertThat(app.get("window").isNull()).as("window without an infusion").isTrue();
      assertThat(app.get("peakWindow").isNull()).as("peak window without an infusion").isTrue();
    }

    List<String> want = new ArrayList<>();
    expected.path("events").forEach(e -> want.add(key(e)));
    List<String> got = new ArrayList<>();
    app.get("events").forEach(e -> got.add(key(e)));
    assertThat(got).as("events").containsExactlyInAnyOrderElementsOf(want);

    List<Integer> days = new ArrayList<>();
    Map<String, String> subjects = subjects(bundleJson);
    String patient = "Patient/" + PatientBundle.parse(FhirContext.forR4Cached(), bundleJson).patientId();
    for (JsonNode e : app.get("events")) {
      assertThat(e.get("label").asText()).as("label of " + e).isNotBlank();
      assertThat(subjects.get(e.get("resource").asText())).as("patient of " + e.get("resource")).isEqualTo(patient);
      days.add(e.get("day").asInt());
    }
    assertThat(days).as("events ordered by day").isSorted();
  }

  @Test
  void seriesLinesAreTheCqlDefinitions() throws IOException {
    var evaluation = evaluate(Files.readString(SCENARIOS.resolve("tc-02-crs-dic-tocilizumab/bundle.json")),
        "2025-04-18T18:00:00+08:00");
    assertThat(evaluation.series()).extracting(Series::analyte).containsExactlyInAnyOrderElementsOf(CUTOFFS.keySet());
    for (Series series : evaluation.series()) {
      List<String> want = new ArrayList<>();
      for (Cutoff c : CUTOFFS.get(series.analyte())) {
        Object defined = definitions.evaluate(c.library(), List.of(c.define())).get(c.define());
        BigDecimal value = defined instanceof Quantity q ? q.getValue() : (BigDecimal) defined;
        if (defined instanceof Quantity q) {
          assertThat(q.getUnit()).as(c.define() + " unit = series unit").isEqualTo(series.unit());
        } else {
          assertThat(series.scale()).as(c.define() + " is a ratio").isEqualTo("ratio");
        }
        want.add(c.rule() + "|" + c.points() + "|" + value.stripTrailingZeros().toPlainString());
      }
      List<String> got = new ArrayList<>();
      Set<BigDecimal> lineValues = new HashSet<>();
      for (var line : series.thresholds()) {
        assertThat(lineValues.add(line.value().stripTrailingZeros())).as("one line per value").isTrue();
        assertThat(line.source()).as("source of " + series.analyte()).contains("clinical-reference.md §");
        for (Criterion c : line.criteria()) {
          assertThat(c.source()).contains("clinical-reference.md §").containsPattern("\\b(19|20)\\d\\d\\b");
          assertThat(line.source()).contains(c.source());
          got.add(c.rule() + "|" + c.points() + "|" + line.value().stripTrailingZeros().toPlainString());
        }
      }
      assertThat(got).as(series.analyte() + " lines").containsExactlyInAnyOrderElementsOf(want);
    }
  }

  /** The shapes of the app's types.ts, worded in both languages, for a story with every analyte. */
  @Test
  void appJsonHasTheShapesTheAppReads() throws IOException {
    String bundle = Files.readString(SCENARIOS.resolve("tc-02-crs-dic-tocilizumab/bundle.json"));
    JsonNode en = appJson(bundle, "2025-04-18T18:00:00+08:00", "en");
    JsonNode zh = appJson(bundle, "2025-04-18T18:00:00+08:00", "zh");
    Map<String, JsonNode> day10 = new HashMap<>();
    en.get("days").forEach(d -> {
      if (d.get("day").asInt() == 10) {
        d.get("values").fields().forEachRemaining(f -> day10.put(f.getKey(), f.getValue()));
      }
    });
    for (int i = 0; i < en.get("series").size(); i++) {
      JsonNode s = en.get("series").get(i);
      assertThat(fields(s)).containsExactlyInAnyOrder("analyte", "label", "scale", "unit", "thresholds");
      JsonNode value = day10.get(s.get("analyte").asText());
      assertThat(value).as("day-10 value of " + s.get("analyte")).isNotNull();
      assertThat(value.path(s.get("scale").asText()).isNumber()).as("plotted field " + s.get("scale")).isTrue();
      assertThat(s.get("unit").asText()).isNotBlank().doesNotContain("\\");
      assertThat(zh.get("series").get(i).get("label").asText()).isNotBlank();
      for (int j = 0; j < s.get("thresholds").size(); j++) {
        JsonNode t = s.get("thresholds").get(j);
        assertThat(fields(t)).containsExactlyInAnyOrder("value", "label", "source");
        assertThat(t.get("label").asText()).contains(t.get("value").decimalValue().stripTrailingZeros().toPlainString());
        assertThat(zh.get("series").get(i).get("thresholds").get(j).get("label").asText()).isNotBlank();
      }
    }
    assertThat(en.get("series").findValuesAsText("label")).isNotEqualTo(zh.get("series").findValuesAsText("label"));
    for (JsonNode e : en.get("events")) {
      assertThat(fields(e)).containsExactlyInAnyOrder("kind", "day", "date", "label", "grade", "resource");
    }
    assertThat(en.get("events").findValuesAsText("label")).contains("Dexamethasone");
    assertThat(zh.get("events").findValuesAsText("label")).contains("地塞米松");
    assertThat(fields(en.get("peakWindow"))).containsExactlyInAnyOrder("first", "last");
  }

  @Test
  void aPatientWithoutInfusionHasSeriesButNoDayAxis() throws IOException {
    JsonNode app = appJson(Files.readString(SCENARIOS.resolve("tc-15b-no-car-t/bundle.json")),
        "2025-06-15T18:00:00+08:00", "en");
    assertThat(app.get("series").size()).isEqualTo(CUTOFFS.size());
    assertThat(app.get("events").isEmpty()).isTrue();
    assertThat(app.get("window").isNull()).isTrue();
    assertThat(app.get("peakWindow").isNull()).isTrue();
  }

  private static CaracEvaluation evaluate(String bundleJson, String asOf) {
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), bundleJson);
    return evaluator.evaluate(patient.bundle(), patient.patientId(), OffsetDateTime.parse(asOf), patient.dataQuality());
  }

  /** What POST /api/summary sends: the evaluation worded by the card layer, as Jackson writes it. */
  private static JsonNode appJson(String bundleJson, String asOf, String language) {
    return JSON.valueToTree(new CardAssembler(language).withCards(evaluate(bundleJson, asOf)));
  }

  private static String key(JsonNode e) {
    return e.get("kind").asText() + "|" + e.get("day").asInt() + "|" + e.get("date").asText() + "|"
        + (e.get("grade") == null || e.get("grade").isNull() ? "-" : e.get("grade").asText()) + "|"
        + e.get("resource").asText();
  }

  /** "Type/id" → subject reference of every record in the story's bundle, as written in the file. */
  private static Map<String, String> subjects(String bundleJson) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (JsonNode entry : JSON.readTree(bundleJson).path("entry")) {
      JsonNode r = entry.path("resource");
      out.put(r.path("resourceType").asText() + "/" + r.path("id").asText(), r.path("subject").path("reference").asText());
    }
    return out;
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
