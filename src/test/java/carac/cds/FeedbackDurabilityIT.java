package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import carac.testing.ThrowawayPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 13: an acknowledged feedback entry is on disk. The packaged application is killed with
 * SIGKILL in the middle of a stream of feedback calls; after that every acknowledged row must be in the
 * feedback database (before: the H2 write delay lost the last ~0.4 s of acknowledged rows), in the default H2
 * file store and in PostgreSQL.
 */
class FeedbackDurabilityIT {

  private static final Pattern PORT = Pattern.compile("FHIR R4 base: +http://127.0.0.1:(\\d+)/fhir");

  @TempDir Path work;

  @Test
  void everyAcknowledgedFeedbackSurvivesKill9() throws Exception {
    Path data = work.resolve("data");
    Set<String> acknowledged = acknowledgedBeforeKill9(data, List.of());
    // open the store as the restarted application does (application.yaml leaves the user name empty)
    assertEveryAcknowledgedRowIsStored(acknowledged, DriverManager.getConnection(
        "jdbc:h2:file:" + data.resolve("feedback") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "", ""));
  }

  /** The same against PostgreSQL, the store replicas share (a throwaway cluster of Debian's binaries). */
  @Test
  void everyAcknowledgedFeedbackSurvivesKill9OnPostgreSql() throws Exception {
    try (var pg = ThrowawayPostgres.start("carac_feedback")) {
      String url = pg.url("carac_feedback");
      Set<String> acknowledged = acknowledgedBeforeKill9(work.resolve("data-pg"),
          List.of("--carac.cds.feedback.url=" + url, "--carac.cds.feedback.username=postgres"));
      assertEveryAcknowledgedRowIsStored(acknowledged, DriverManager.getConnection(url, "postgres", ""));
    }
  }

  private static void assertEveryAcknowledgedRowIsStored(Set<String> acknowledged, Connection connection)
      throws Exception {
    assertThat(acknowledged.size()).as("a stream of feedback was acknowledged").isGreaterThan(50);
    int found = 0;
    try (Connection c = connection;
        ResultSet rs = c.createStatement().executeQuery("SELECT card_uuid FROM card_feedback")) {
      while (rs.next()) {
        found += acknowledged.contains(rs.getString(1)) ? 1 : 0;
      }
    }
    assertThat(found).as("acknowledged rows on disk after kill -9").isEqualTo(acknowledged.size());
  }

  /** Starts the packaged jar, streams feedback from four threads, SIGKILLs it mid-stream: what was acknowledged. */
  private Set<String> acknowledgedBeforeKill9(Path data, List<String> extraArgs) throws Exception {
    Path jar = Path.of("target/carac-watch.jar");
    assertThat(jar).as("the packaged application (mvn package runs before the ITs)").exists();
    TestEhrKeys.trustedIssuer(); // writes the test EHR's JWKS file
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
        "-Dcarac.data-dir=" + data, "-jar", jar.toString(), "--server.port=0", "--management.server.port=0",
        "--carac.sandbox.load-scenarios=false",
        "--carac.cds.security.trusted-issuers[0].issuer=" + TestEhrKeys.ISSUER,
        "--carac.cds.security.trusted-issuers[0].jwks-file=" + TestEhrKeys.JWKS_FILE.toAbsolutePath()));
    command.addAll(extraArgs);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          output.add(line);
          if (line.contains("FHIR R4 base") || line.contains("APPLICATION FAILED")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      ready.countDown();
    });
    reader.start();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try {
      assertThat(ready.await(300, TimeUnit.SECONDS)).as("started in time").isTrue();
      Matcher port = PORT.matcher(String.join("\n", output));
      assertThat(port.find()).as(String.join("\n", output)).isTrue();
      String url = "http://localhost:" + port.group(1) + "/cds-services/carac-patient-view/feedback";
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      AtomicBoolean stop = new AtomicBoolean();
      Thread[] senders = new Thread[4];
      for (int t = 0; t < senders.length; t++) {
        senders[t] = new Thread(() -> {
          while (!stop.get()) {
            String card = UUID.randomUUID().toString();
            String body = "{\"feedback\":[{\"card\":\"" + card + "\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\""
                + OffsetDateTime.now() + "\"}]}";
            try {
              var response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestEhrKeys.token(url))
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
              if (response.statusCode() == 200) {
                acknowledged.add(card);
              }
            } catch (Exception e) {
              return; // the process is gone
            }
          }
        });
        senders[t].start();
      }
      // stream until a good number is acknowledged (the JVM is cold at first), then kill mid-stream
      for (int i = 0; i < 600 && acknowledged.size() < 400; i++) {
        Thread.sleep(100);
      }
      // SIGKILL in the middle of the stream: no shutdown hook, no H2 close
      new ProcessBuilder("kill", "-9", String.valueOf(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
      process.waitFor(30, TimeUnit.SECONDS);
      stop.set(true);
      for (Thread s : senders) {
        s.join(15_000);
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      reader.join(5000);
    }
    return acknowledged;
  }
}
