package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/**
 * The packaged sandbox started twice on one data directory, as a user restarts it: the second start
 * finds the stories already moved to today, writes nothing, and serves the same data with the same key.
 */
class SandboxRestartIT {

  private static final List<String> STORIES =
      List.of("tc-01-uncomplicated-course", "tc-02-crs-dic-tocilizumab", "tc-15b-no-car-t");
  private static final Pattern PORT = Pattern.compile("FHIR R4 base: +http://127.0.0.1:(\\d+)/fhir");
  private static final Pattern WRITTEN = Pattern.compile("(\\d+) patient stories in the FHIR server \\((\\d+) written now\\)");

  @TempDir Path work;

  @Test
  void aRestartKeepsTheDataAndWritesNothingTwice() throws Exception {
    Path scenarios = work.resolve("scenarios");
    for (String story : STORIES) {
      FileSystemUtils.copyRecursively(Path.of("fhir-resources/scenarios", story), scenarios.resolve(story));
    }
    Snapshot first = startAndLook(scenarios);
    assertThat(first.stories()).isEqualTo(STORIES.size());
    assertThat(first.written()).isEqualTo(STORIES.size());
    assertThat(first.observations()).isEqualTo(observationsIn(scenarios));
    assertThat(first.storyTags()).as("each Patient's own story name").containsExactly(
        "tc-01-uncomplicated-course=tc-01-uncomplicated-course", "tc-02-crs-dic-tocilizumab=tc-02-crs-dic-tocilizumab");

    Snapshot second = startAndLook(scenarios);
    assertThat(second.written()).as("nothing rewritten on restart").isZero();
    assertThat(second.stories()).isEqualTo(STORIES.size());
    assertThat(second.taggedPatients()).isEqualTo(first.taggedPatients()).isEqualTo(STORIES.size());
    assertThat(second.observations()).isEqualTo(first.observations());
    assertThat(second.patientVersion()).isEqualTo(first.patientVersion()).isEqualTo("1");
    assertThat(second.signingKeyId()).as("the signing key persists in the data directory").isEqualTo(first.signingKeyId());
  }

  private static int observationsIn(Path scenarios) throws IOException {
    int n = 0;
    for (String story : STORIES) {
      JsonNode bundle = SmartClient.JSON.readTree(scenarios.resolve(story).resolve("bundle.json").toFile());
      for (JsonNode entry : bundle.path("entry")) {
        n += entry.path("resource").path("resourceType").asText().equals("Observation") ? 1 : 0;
      }
    }
    return n;
  }

  record Snapshot(int stories, int written, int taggedPatients, int observations, String patientVersion, String signingKeyId,
      List<String> storyTags) {}

  private Snapshot startAndLook(Path scenarios) throws Exception {
    Path jar = Path.of("target/carac-watch.jar");
    assertThat(jar).as("the packaged application (mvn package runs before the ITs)").exists();
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
        "-Dcarac.data-dir=" + work.resolve("data"), "-jar", jar.toString(),
        "--server.port=0", "--management.server.port=0", "--carac.sandbox.scenarios=" + scenarios)
        .redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          output.add(line);
          if (line.contains("sandbox is ready") || line.contains("APPLICATION FAILED")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      ready.countDown();
    });
    reader.start();
    try {
      boolean started = ready.await(300, TimeUnit.SECONDS);
      assertThat(started).as("started in time; output so far:\n%s", String.join("\n", output)).isTrue();
      Thread.sleep(200); // the URL lines follow the ready line
      String log = String.join("\n", output);
      Matcher port = PORT.matcher(log);
      Matcher written = WRITTEN.matcher(log);
      assertThat(port.find() && written.find()).as(log).isTrue();
      String base = "http://127.0.0.1:" + port.group(1);
      var client = new SmartClient(base);
      String token = client.token(Map.of("grant_type", "client_credentials", "scope", "user/*.rs"),
          "carac-confidential-test:change-me-confidential").path("access_token").asText();
      int tagged = total(client, base + "/fhir/Patient?_tag=" + ScenarioLoader.TAG_SYSTEM + "%7Cstory&_summary=count", token);
      int observations = total(client, base + "/fhir/Observation?_summary=count", token);
      JsonNode patient = SmartClient.JSON.readTree(client.get(base + "/fhir/Patient/tc-02-crs-dic-tocilizumab-patient", token).body());
      JsonNode keys = SmartClient.JSON.readTree(client.get(base + "/oauth2/jwks").body());
      List<String> storyTags = new java.util.ArrayList<>();
      for (String story : List.of("tc-01-uncomplicated-course", "tc-02-crs-dic-tocilizumab")) {
        JsonNode p = SmartClient.JSON.readTree(client.get(base + "/fhir/Patient/" + story + "-patient", token).body());
        p.path("meta").path("tag").forEach(t -> {
          if (t.path("system").asText().equals(ScenarioLoader.STORY_TAG_SYSTEM)) {
            storyTags.add(t.path("code").asText() + "=" + t.path("display").asText());
          }
        });
      }
      return new Snapshot(Integer.parseInt(written.group(1)), Integer.parseInt(written.group(2)), tagged, observations,
          patient.path("meta").path("versionId").asText(), keys.path("keys").path(0).path("kid").asText(), storyTags);
    } finally {
      process.destroy(); // SIGTERM: Spring closes the H2 database cleanly, as Ctrl+C does
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      reader.join(5000);
    }
  }

  private static int total(SmartClient client, String url, String token) throws Exception {
    var response = client.get(url, token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return SmartClient.JSON.readTree(response.body()).path("total").asInt(-1);
  }
}
