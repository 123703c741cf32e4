package carac.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import carac.cds.CdsItSupport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The sandbox EHR page and the CARAC Watch SMART app in a real browser: headless Debian Chromium driven by
 * playwright-core ({@code frontend/e2e/browser-tests.mjs}) against this shared integration-test application
 * (pinned "today", stories loaded, real CDS Hooks service, real authorization server). The script's output
 * goes to the test log; screenshots and {@code timings.json} to {@code target/browser-screenshots/}.
 *
 * <p>Skipped only where no Chromium is installed and {@code CI} is not {@code true}; on CI it always runs.
 */
class BrowserIT extends CdsItSupport {

  private static final Path SCRIPT = Path.of("frontend/e2e/browser-tests.mjs");
  private static final Path OUT = Path.of("target/browser-screenshots");

  @Test
  void ehrPageCdsCardsAndSmartLaunchesInChromium() throws Exception {
    String chromium = System.getProperty("carac.chromium",
        System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    Assumptions.assumeTrue(ci || Files.isExecutable(Path.of(chromium)),
        "no Chromium at " + chromium + " (install Debian's chromium package; CI=true makes this test mandatory)");
    if (!Files.isDirectory(Path.of("frontend/node_modules/playwright-core"))) {
      fail("frontend/node_modules has no playwright-core: build without -Dskip.frontend or run `npm ci` in frontend/");
    }
    if (getClass().getResource("/static/app/index.html") == null) {
      fail("the SMART app is not on the classpath (static/app/): build without -Dskip.frontend");
    }
    Files.createDirectories(OUT);

    List<String> command = List.of("node", SCRIPT.toString(),
        "--base", "http://127.0.0.1:" + port, // the app's loopback redirect URI matches 127.0.0.1 on any port
        "--out", OUT.toString(),
        "--chromium", chromium);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    Thread pump = new Thread(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          System.out.println(line);
          synchronized (output) {
            output.append(line).append('\n');
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    }, "browser-tests-output");
    pump.start();
    boolean ended = process.waitFor(15, TimeUnit.MINUTES);
    if (!ended) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    pump.join(10_000);
    String log;
    synchronized (output) {
      log = output.toString();
    }
    if (!ended) {
      fail("the browser tests did not end within 15 minutes:\n" + log);
    }
    if (process.exitValue() != 0) {
      fail("the browser tests failed (exit " + process.exitValue() + "):\n" + log);
    }
    assertThat(log).contains(" passed, 0 failed");
    assertThat(OUT.resolve("timings.json")).exists();
  }
}
