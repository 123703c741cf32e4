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
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the packaged application behind one public URL (as behind a load balancer) share one
 * PostgreSQL for the CDS database: a CDS client JWT used at one replica is refused at the other.
 */
class ReplicasIT {

  private static final String PUBLIC_BASE = "https://cds.hospital.example";
  private static final Pattern PORT = Pattern.compile("CDS Hooks discovery: +http://[^:]+:(\\d+)/cds-services");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path work;

  @Test
  void aTokenUsedAtOneReplicaIsRefusedAtTheOther() throws Exception {
    try (var pg = ThrowawayPostgres.start("carac_cds")) {
      var a = CompletableFuture.supplyAsync(() -> Instance.start(work.resolve("a"), pg.url("carac_cds")));
      var b = CompletableFuture.supplyAsync(() -> Instance.start(work.resolve("b"), pg.url("carac_cds")));
      try (Instance first = a.get(); Instance second = b.get()) {
        String token = TestEhrKeys.token(PUBLIC_BASE + "/cds-services");
        assertThat(discovery(first, token)).as("first use").isEqualTo(200);
        assertThat(discovery(second, token)).as("replayed at the other replica").isEqualTo(401);
        assertThat(discovery(first, token)).as("replayed at the same replica").isEqualTo(401);

        String another = TestEhrKeys.token(PUBLIC_BASE + "/cds-services");
        assertThat(discovery(second, another)).isEqualTo(200);
        assertThat(discovery(first, another)).isEqualTo(401);

        try (var c = DriverManager.getConnection(pg.url("carac_cds"), "postgres", "")) {
          var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM cds_jti_seen WHERE issuer = '" + TestEhrKeys.ISSUER + "'");
          rs.next();
          assertThat(rs.getInt(1)).as("both jti in the shared table").isEqualTo(2);
        }
      }
    }
  }

  private static int discovery(Instance instance, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(instance.base + "/cds-services"))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The packaged jar as a child process: its own data directory, the shared CDS database, no stories. */
  private record Instance(Process process, String base) implements AutoCloseable {

    static Instance start(Path dataDir, String jdbcUrl) {
      Path jar = Path.of("target/carac-watch.jar");
      assertThat(jar).as("the packaged application (mvn package runs before the ITs)").exists();
      try {
        Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Dcarac.data-dir=" + dataDir, "-jar", jar.toString(),
            "--server.port=0", "--management.server.port=0", "--carac.sandbox.load-scenarios=false",
            "--carac.cds.public-base-url=" + PUBLIC_BASE,
            "--carac.cds.feedback.url=" + jdbcUrl, "--carac.cds.feedback.username=postgres",
            "--carac.cds.security.trusted-issuers[0].issuer=" + TestEhrKeys.ISSUER,
            "--carac.cds.security.trusted-issuers[0].jwks-file=" + TestEhrKeys.JWKS_FILE.toAbsolutePath())
            .redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
          try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
              output.add(line);
              if (PORT.matcher(line).find() || line.contains("APPLICATION FAILED")) {
                ready.countDown();
              }
            }
          } catch (IOException e) {
            // the process ended
          }
          ready.countDown();
        });
        reader.setDaemon(true);
        reader.start();
        ready.await(300, TimeUnit.SECONDS);
        Matcher port = PORT.matcher(String.join("\n", output));
        if (!port.find()) {
          process.destroyForcibly();
          throw new AssertionError("instance did not start:\n" + String.join("\n", output));
        }
        return new Instance(process, "http://127.0.0.1:" + port.group(1));
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
