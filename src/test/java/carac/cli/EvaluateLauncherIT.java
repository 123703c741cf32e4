package carac.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/evaluate} on the packaged jar: its first run records the class-data-sharing archive, the second
 * uses it, and both print what {@code java -jar … evaluate} prints (the launcher changes JVM settings, never
 * the answer); a bad bundle still exits 2 with its one-line error.
 */
class EvaluateLauncherIT {

  private static final String BUNDLE = "fhir-resources/scenarios/tc-01-uncomplicated-course/bundle.json";

  record Run(int exit, String out, String err) {}

  private static Run run(Path work, List<String> command) throws Exception {
    Path out = work.resolve("out-" + System.nanoTime());
    Path err = work.resolve("err-" + System.nanoTime());
    var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("CARAC_JAR", work.resolve("build-1.jar").toString());
    Process p = builder.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void recordsItsArchiveOnceAndAnswersAsJavaJar(@TempDir Path work) throws Exception {
    Path jar = Path.of("target/carac-watch.jar");
    assertThat(jar).as("the packaged application (mvn package runs before the ITs)").exists();
    Files.copy(jar, work.resolve("build-1.jar"));

    Run first = run(work, List.of("bin/evaluate", "--bundle", BUNDLE));
    assertThat(first.exit()).as(first.err()).isZero();
    try (var files = Files.list(work.resolve("build-1-app"))) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("evaluate-") && n.endsWith(".jsa"));
    }
    Run second = run(work, List.of("bin/evaluate", "--bundle", BUNDLE));
    Run plain = run(work, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        work.resolve("build-1.jar").toString(), "evaluate", "--bundle", BUNDLE));
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out()).isEqualTo(plain.out());
    assertThat(new ObjectMapper().readTree(second.out()).get("infusionDate").asText()).isEqualTo("2025-03-03");

    Run bad = run(work, List.of("bin/evaluate", "--bundle", work.resolve("missing.json").toString()));
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("error: ").doesNotContain("Exception");
  }
}
