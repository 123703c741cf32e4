package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sandbox} (the README's sandbox command) on the packaged jar: the first start serves the sandbox and
 * records the class-data-sharing archive as it stops (SIGTERM, as Ctrl+C); the second start uses the archive
 * and serves the same stories from the same data directory.
 */
class SandboxLauncherIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void firstStartRecordsTheArchiveTheSecondUsesIt(@TempDir Path work) throws Exception {
    Path jar = Path.of("target/carac-watch.jar");
    assertThat(jar).as("the packaged application (mvn package runs before the ITs)").exists();
    Files.copy(jar, work.resolve("build-1.jar"));

    String first = startServeAndStop(work, "first");
    assertThat(first).contains("the class-data-sharing archive is recorded when the sandbox stops")
        .contains("CARAC Watch sandbox is ready").doesNotContainPattern("(?m)^\\s+at |\\bERROR\\b");
    try (var files = Files.list(work.resolve("build-1-app"))) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("sandbox-") && n.endsWith(".jsa"));
    }
    String second = startServeAndStop(work, "second");
    assertThat(second).doesNotContain("is recorded when the sandbox stops").contains("(0 written now)")
        .contains("CARAC Watch sandbox is ready").doesNotContainPattern("(?m)^\\s+at |\\bERROR\\b");
  }

  /** Starts bin/sandbox, waits for readiness, reads the SMART configuration, stops it; returns its output. */
  private String startServeAndStop(Path work, String name) throws Exception {
    int port = freePort();
    int management = freePort();
    Path log = work.resolve(name + ".log");
    var builder = new ProcessBuilder(List.of("bin/sandbox", "--server.port=" + port, "--management.server.port=" + management,
        "--carac.data-dir=" + work.resolve("data")))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("CARAC_JAR", work.resolve("build-1.jar").toString());
    Process p = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (!ready(management)) {
        assertThat(p.isAlive()).as("bin/sandbox is running: %s", Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("ready within 4 minutes").isLessThan(deadline);
        Thread.sleep(300);
      }
      var smart = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/fhir/.well-known/smart-configuration")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(smart.statusCode()).as(smart.body()).isEqualTo(200);
      assertThat(smart.body()).contains("authorization_endpoint");
    } finally {
      p.destroy(); // SIGTERM: the JVM shuts down and writes the archive
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("stopped").isTrue();
    }
    return Files.readString(log);
  }

  private boolean ready(int management) {
    try {
      var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("UP");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
