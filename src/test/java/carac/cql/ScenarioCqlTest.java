package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ca.uhn.fhir.context.FhirContext;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every story of fhir-resources/scenarios through the real CQL engine at each as-of instant of
 * its expected-cql.json and compares what the expectation states (format: scenarios/README.md).
 * Adding a case is adding a folder.
 */
class ScenarioCqlTest {

  static final Path SCENARIOS = Path.of("fhir-resources/scenarios");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static CqlEvaluator evaluator;

  @BeforeAll
  static void compileLibraries() {
    evaluator = new CqlEvaluator(SiteConfiguration.empty());
  }

  static Stream<Arguments> evaluations() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(SCENARIOS)) {
      for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("expected-cql.json"))).sorted().toList()) {
        for (JsonNode expected : JSON.readTree(dir.resolve("expected-cql.json").toFile())) {
          String name = dir.getFileName() + " @ " + expected.path("asOf").asText();
          out.add(Arguments.of(Named.of(name, dir), expected));
        }
      }
    }
    assertThat(out).as("scenario evaluations").hasSizeGreaterThan(30);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("evaluations")
  void scenarioMatchesExpectedResults(Path dir, JsonNode expected) throws IOException {
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), Files.readString(dir.resolve("bundle.json")));
    var asOf = OffsetDateTime.parse(expected.path("asOf").asText());
    CaracEvaluation result = evaluator.evaluate(patient.bundle(), patient.patientId(), asOf, patient.dataQuality());
    JsonNode actual = JSON.valueToTree(result);
    List<String> mismatches = new ArrayList<>();
    compareTop(expected, actual, mismatches);
    assertThat(mismatches).as("mismatches in " + dir.getFileName() + " at " + asOf).isEmpty();
  }

  /**
   * The hooks' lean path (issue 15): the course check over only the course data (what
   * {@link CqlEvaluator#courseDataRequirements()} names) agrees with the whole evaluation at every as-of.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("evaluations")
  void courseCheckOnTheCourseDataAloneAgreesWithTheWholeEvaluation(Path dir, JsonNode expected) throws IOException {
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), Files.readString(dir.resolve("bundle.json")));
    var asOf = OffsetDateTime.parse(expected.path("asOf").asText());
    var types = new HashSet<>(List.of("Patient"));
    evaluator.courseDataRequirements().forEach(r -> types.add(r.type()));
    var courseData = new org.hl7.fhir.r4.model.Bundle();
    patient.bundle().getEntry().stream().filter(e -> types.contains(e.getResource().fhirType()))
        .forEach(e -> courseData.addEntry().setResource(e.getResource()));
    String infusion = evaluator.evaluate(patient.bundle(), patient.patientId(), asOf, List.of()).infusionDate();
    assertThat(evaluator.hasCourse(courseData, patient.patientId(), asOf)).as("course check").isEqualTo(infusion != null);
  }

  @org.junit.jupiter.api.Test
  void theCourseCheckReadsOnlyCarTRecords() {
    assertThat(evaluator.courseDataRequirements()).extracting(CqlEvaluator.DataRequirement::type)
        .containsOnly("MedicationAdministration", "Medication", "Procedure");
  }

  private static void compareTop(JsonNode expected, JsonNode actual, List<String> out) {
    for (String key : List.of("infusionDate", "asOfDay")) {
      if (expected.has(key)) {
        same(key, expected.get(key), actual.get(key), out);
      }
    }
    JsonNode days = actual.get("days");
    if (expected.has("firstDay")) {
      same("firstDay", expected.get("firstDay"), days.isEmpty() ? null : days.get(0).get("day"), out);
    }
    if (expected.has("lastDay")) {
      same("lastDay", expected.get("lastDay"), days.isEmpty() ? null : days.get(days.size() - 1).get("day"), out);
    }
    for (JsonNode day : expected.path("days")) {
      JsonNode actualDay = null;
      for (JsonNode d : days) {
        if (d.get("day").asInt() == day.get("day").asInt()) {
          actualDay = d;
        }
      }
      String at = "day " + day.get("day").asInt();
      if (actualDay == null) {
        out.add(at + ": missing from output");
        continue;
      }
      compareDay(at, day, actualDay, out);
    }
    if (expected.has("baseline")) {
      subset("baseline", expected.get("baseline"), actual.get("baseline"), out);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("course").fields(); it.hasNext(); ) {
      var field = it.next();
      JsonNode a = actual.path("course");
      if (!a.has(field.getKey())) {
        out.add("course." + field.getKey() + ": absent from output");
      } else if (field.getValue().isArray()) {
        sameSet("course." + field.getKey(), field.getValue(), a.get(field.getKey()), out);
      } else {
        same("course." + field.getKey(), field.getValue(), a.get(field.getKey()), out);
      }
    }
    if (expected.has("dataQuality")) {
      for (JsonNode issue : expected.get("dataQuality")) {
        boolean found = false;
        for (JsonNode a : actual.get("dataQuality")) {
          found |= a.path("resource").asText().equals(issue.path("resource").asText())
              && a.path("code").asText().equals(issue.path("code").asText());
        }
        if (!found) {
          out.add("dataQuality: missing " + issue + " in " + actual.get("dataQuality"));
        }
      }
    }
    if (expected.has("dataQualityCount")) {
      same("dataQualityCount", expected.get("dataQualityCount"), JSON.valueToTree(actual.get("dataQuality").size()), out);
    }
  }

  private static void compareDay(String at, JsonNode expected, JsonNode actual, List<String> out) {
    for (String key : List.of("date", "cwGrade", "cwGradeAtLeast")) {
      if (expected.has(key)) {
        same(at + " " + key, expected.get(key), actual.get(key), out);
      }
    }
    if (expected.has("unreadable")) {
      sameSet(at + " unreadable", expected.get("unreadable"), actual.get("unreadable"), out);
    }
    // three-valued rules: a key written as null must be null ("not evaluable"), true/false exactly
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("rules").fields(); it.hasNext(); ) {
      var rule = it.next();
      JsonNode a = actual.path("rules");
      if (!a.has(rule.getKey())) {
        out.add(at + " rules." + rule.getKey() + ": absent from output");
        continue;
      }
      if (rule.getValue().isArray()) {
        sameSet(at + " rules." + rule.getKey(), rule.getValue(), a.get(rule.getKey()), out);
      } else {
        same(at + " rules." + rule.getKey(), rule.getValue(), a.get(rule.getKey()), out);
      }
    }
    if (expected.has("plateletFall24h")) {
      subset(at + " plateletFall24h", expected.get("plateletFall24h"), actual.get("plateletFall24h"), out);
    }
    for (String score : List.of("isth", "cdss")) {
      JsonNode e = expected.get(score);
      if (e == null) {
        continue;
      }
      JsonNode a = actual.get(score);
      for (String key : List.of("status", "points")) {
        if (e.has(key)) {
          same(at + " " + score + "." + key, e.get(key), a.get(key), out);
        }
      }
      if (e.has("missing")) {
        var want = new HashSet<String>();
        e.get("missing").forEach(n -> want.add(n.asText()));
        var got = new HashSet<String>();
        a.get("missing").forEach(n -> got.add(n.asText()));
        if (!want.equals(got)) {
          out.add(at + " " + score + ".missing: expected " + want + " but was " + got);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = e.path("items").fields(); it.hasNext(); ) {
        var item = it.next();
        same(at + " " + score + ".items." + item.getKey(), item.getValue(), a.get("items").get(item.getKey()), out);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.path("values").fields(); it.hasNext(); ) {
      var value = it.next();
      JsonNode a = actual.get("values").get(value.getKey());
      String where = at + " values." + value.getKey();
      if (value.getValue().isNull()) {
        if (a != null) {
          out.add(where + ": expected no value but was " + a);
        }
        continue;
      }
      if (a == null) {
        out.add(where + ": missing");
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> f = value.getValue().fields(); f.hasNext(); ) {
        var field = f.next();
        same(where + "." + field.getKey(), field.getValue(), a.get(field.getKey()), out);
      }
    }
  }

  /**
   * Every field written in the expectation matches (recursively); a number written with fewer decimals
   * than the result carries is compared at its written precision (8.12 matches EASIX 8.12290174).
   */
  private static void subset(String what, JsonNode expected, JsonNode actual, List<String> out) {
    if (expected.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        var field = it.next();
        subset(what + "." + field.getKey(), field.getValue(), actual == null ? null : actual.get(field.getKey()), out);
      }
      return;
    }
    if (expected.isNumber() && actual != null && actual.isNumber()) {
      var want = new BigDecimal(expected.asText());
      var got = new BigDecimal(actual.asText());
      if (got.scale() > want.scale()) {
        got = got.setScale(Math.max(want.scale(), 0), java.math.RoundingMode.HALF_UP);
      }
      if (want.compareTo(got) != 0) {
        out.add(what + ": expected " + expected + " but was " + actual);
      }
      return;
    }
    same(what, expected, actual, out);
  }

  /** Two JSON lists of strings equal as sets (order is not part of the contract). */
  private static void sameSet(String what, JsonNode expected, JsonNode actual, List<String> out) {
    var want = new HashSet<String>();
    expected.forEach(n -> want.add(n.asText()));
    var got = new HashSet<String>();
    if (actual != null) {
      actual.forEach(n -> got.add(n.asText()));
    }
    if (!want.equals(got)) {
      out.add(what + ": expected " + want + " but was " + got);
    }
  }

  /** Equal JSON, numbers compared as exact decimals (2.50 equals 2.5), null equals absent. */
  private static void same(String what, JsonNode expected, JsonNode actual, List<String> out) {
    boolean expectedNull = expected == null || expected.isNull();
    boolean actualNull = actual == null || actual.isNull();
    if (expectedNull || actualNull) {
      if (expectedNull != actualNull) {
        out.add(what + ": expected " + expected + " but was " + actual);
      }
      return;
    }
    if (expected.isNumber() && actual.isNumber()) {
      if (new BigDecimal(expected.asText()).compareTo(new BigDecimal(actual.asText())) != 0) {
        out.add(what + ": expected " + expected + " but was " + actual);
      }
      return;
    }
    if (!expected.equals(actual)) {
      out.add(what + ": expected " + expected + " but was " + actual);
    }
  }

  @org.junit.jupiter.api.Test
  void everyScenarioFolderHasItsFiles() throws IOException {
    try (Stream<Path> dirs = Files.list(SCENARIOS)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        for (String file : List.of("scenario.json", "bundle.json", "expected-cql.json")) {
          assertEquals(true, Files.isRegularFile(dir.resolve(file)), dir + " lacks " + file);
        }
      }
    }
  }
}
