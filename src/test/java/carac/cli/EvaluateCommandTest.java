package carac.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code evaluate} command as a user runs it: real engine, real files, stdout and stderr. */
class EvaluateCommandTest {

  private static final Path TC02 = Path.of("fhir-resources/scenarios/tc-02-crs-dic-tocilizumab/bundle.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new EvaluateCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aTcBundlePrintsTheContractObject() throws Exception {
    assertThat(run("--bundle", TC02.toString(), "--as-of", "2025-04-18T18:00:00+08:00"))
        .isZero();
    JsonNode result = JSON.readTree(stdout());
    assertThat(result.get("patient").asText()).isEqualTo("Patient/tc-02-crs-dic-tocilizumab-patient");
    assertThat(result.get("infusionDate").asText()).isEqualTo("2025-04-07");
    assertThat(result.get("asOfDay").asInt()).isEqualTo(11);
    assertThat(result.get("cards").isArray()).isTrue();
    JsonNode day10 = result.get("days").get(17);
    assertThat(day10.get("day").asInt()).isEqualTo(10);
    assertThat(day10.get("date").asText()).isEqualTo("2025-04-17");
    assertThat(day10.get("isth").get("status").asText()).isEqualTo("met");
    assertThat(day10.get("isth").get("points").asInt()).isEqualTo(5);
    assertThat(day10.get("cdss").get("status").asText()).isEqualTo("not-met");
    assertThat(day10.get("cwGrade").asInt()).isEqualTo(3);
    JsonNode cards = result.get("cards");
    assertThat(cards).extracting(c -> c.get("source").get("topic").get("code").asText())
        .containsExactlyInAnyOrder("R-DIC", "R-DIC-MGMT", "R-FIB", "R-STEROID", "R-PEAK", "R-THR");
    JsonNode fib = cards.get(2);
    assertThat(fib.get("summary").asText()).isEqualTo("Fibrinogen 0.8 g/L on day 11 (< 1.5 g/L): consider replacement");
    assertThat(fib.get("indicator").asText()).isEqualTo("warning");
    assertThat(fib.get("source").get("label").asText()).isEqualTo("CARAC Watch");
    assertThat(fib.get("detail").asText()).contains("Observation/tc-02-crs-dic-tocilizumab-fib-d11")
        .contains("Provisional CARAC severity (product definition)").contains("Data as of 2025-04-18 18:00 +08:00");
    assertThat(fib.get("uuid").asText()).matches("[0-9a-f-]{36}");
    assertThat(day10.get("values").get("fibrinogen").get("unit").asText()).isEqualTo("g/L");
    assertThat(day10.get("values").get("fibrinogen").get("observation").asText()).startsWith("Observation/tc-02-");
    assertThat(stderr()).doesNotContain("Exception");
  }

  @Test
  void cardsSpeakSimplifiedChineseWhenConfigured() throws Exception {
    assertThat(run("--bundle", TC02.toString(), "--as-of", "2025-04-18T18:00:00+08:00", "--language", "zh")).isZero();
    JsonNode fib = JSON.readTree(stdout()).get("cards").get(2);
    assertThat(fib.get("summary").asText()).isEqualTo("第 11 天纤维蛋白原 0.8 g/L（< 1.5 g/L）：考虑补充");
  }

  @Test
  void withoutAsOfTheScenarioAsOfIsUsed() throws Exception {
    assertThat(run("--bundle", TC02.toString())).isZero();
    assertThat(JSON.readTree(stdout()).get("asOfDay").asInt()).isEqualTo(11);
  }

  @Test
  void aDirectoryIsABatchThatSkipsTheBrokenBundle(@TempDir Path dir) throws Exception {
    Files.copy(TC02, dir.resolve("a.json"));
    Files.copy(Path.of("fhir-resources/scenarios/tc-15b-no-car-t/bundle.json"), dir.resolve("b.json"));
    Files.writeString(dir.resolve("c.json"), "{ not json");
    Files.writeString(dir.resolve("d.json"),
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}");

    assertThat(run("--bundle", dir.toString(), "--as-of", "2025-07-01T18:00:00+08:00")).isEqualTo(1);

    var lines = stdout().strip().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines[0]).get("patient").asText()).endsWith("tc-02-crs-dic-tocilizumab-patient");
    assertThat(JSON.readTree(lines[1]).get("patient").asText()).endsWith("tc-15b-no-car-t-patient");
    assertThat(JSON.readTree(lines[1]).get("infusionDate").isNull()).isTrue();
    assertThat(stderr()).contains("skipped c.json: not a readable FHIR resource")
        .contains("skipped d.json: the bundle has no Patient")
        .contains("evaluated 2 patient(s), skipped 2 bundle(s)")
        .contains("4/4")
        .doesNotContain("\tat ");
  }

  @Test
  void aScenarioFolderIsPassedOverWithoutSkips() throws Exception {
    // scenario.json (no resourceType) and expected-*.json (arrays) are not bundles: passed over, exit 0
    assertThat(run("--bundle", "fhir-resources/scenarios/tc-01-uncomplicated-course")).isZero();
    assertThat(stdout().strip().split("\n")).hasSize(1);
    assertThat(stderr()).contains("skipped 0 bundle(s)").doesNotContain("scenario.json");
  }

  @Test
  void anNdjsonFileIsABatch(@TempDir Path dir) throws Exception {
    String one = JSON.readTree(TC02.toFile()).toString();
    Files.writeString(dir.resolve("cohort.ndjson"), one + "\n" + one + "\n");
    assertThat(run("--bundle", dir.resolve("cohort.ndjson").toString(), "--as-of", "2025-04-18T18:00:00+08:00"))
        .isZero();
    assertThat(stdout().strip().split("\n")).hasSize(2);
  }

  @Test
  void badInputGivesOneLineAndANonZeroExit(@TempDir Path dir) throws Exception {
    record Case(String content, String message) {}
    var cases = new Case[] {
      new Case("hello", "error: not JSON"),
      new Case("{\"resourceType\":\"Patient\",\"id\":\"p\"}", "error: not a FHIR Bundle (resourceType 'Patient')"),
      new Case("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
          + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"a\"}},"
          + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"b\"}}]}", "error: the bundle has 2 Patients"),
      new Case("{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", "error: the bundle has no Patient"),
    };
    for (Case c : cases) {
      out.reset();
      err.reset();
      Path file = dir.resolve("input.json");
      Files.writeString(file, c.content());
      assertThat(run("--bundle", file.toString(), "--as-of", "2025-04-18T18:00:00+08:00")).as(c.message()).isEqualTo(2);
      assertThat(stderr()).startsWith(c.message());
      assertThat(stderr().strip().lines().count()).as("one line for " + c.message()).isEqualTo(1);
      assertThat(stdout()).isEmpty();
    }
  }

  @Test
  void badUsageIsExplained() {
    assertThat(run("--bundle", "does-not-exist.json")).isEqualTo(2);
    assertThat(stderr()).contains("no such file or directory").contains("usage: evaluate");
    err.reset();
    assertThat(run("--bundle", TC02.toString(), "--as-of", "yesterday")).isEqualTo(2);
    assertThat(stderr()).contains("--as-of must be an ISO date-time with offset");
  }

  @Test
  void anotherPatientsRecordsNeverReachTheResult(@TempDir Path dir) throws Exception {
    JsonNode bundle = JSON.readTree(TC02.toFile());
    var entries = (com.fasterxml.jackson.databind.node.ArrayNode) bundle.get("entry");
    var foreign = (com.fasterxml.jackson.databind.node.ObjectNode) entries.get(entries.size() - 1).deepCopy();
    var resource = (com.fasterxml.jackson.databind.node.ObjectNode) foreign.get("resource");
    resource.put("id", "intruder-obs");
    resource.putObject("subject").put("reference", "Patient/someone-else");
    foreign.put("fullUrl", "https://carac-watch.example.org/fhir/" + resource.get("resourceType").asText() + "/intruder-obs");
    entries.add(foreign);
    Path file = dir.resolve("mixed.json");
    Files.writeString(file, bundle.toString());

    assertThat(run("--bundle", file.toString(), "--as-of", "2025-04-18T18:00:00+08:00")).isZero();
    assertThat(stdout()).doesNotContain("intruder-obs").doesNotContain("someone-else").contains("other-patient");
  }
}
