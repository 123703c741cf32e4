package carac.properties;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every reproduction kept in src/test/resources/property-findings/ (one folder per finding of the
 * property layer: original.json, variant.json, finding.json, written by {@link Finding}) through the same
 * check; each must hold now that its defect is fixed. Adding a finding is copying its folder.
 */
class PropertyFindingsReplayTest {

  static final Path FINDINGS = Path.of("src/test/resources/property-findings");

  @TestFactory
  Stream<DynamicTest> everyKeptFindingHoldsNow() throws IOException {
    List<Path> folders;
    try (Stream<Path> dirs = Files.list(FINDINGS)) {
      folders = dirs.filter(d -> Files.isRegularFile(d.resolve("finding.json"))).sorted().toList();
    }
    return folders.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> replay(dir)));
  }

  private static void replay(Path dir) throws IOException {
    JsonNode finding = Evaluations.JSON.readTree(dir.resolve("finding.json").toFile());
    var kind = Finding.Kind.valueOf(finding.path("check").asText());
    Bundle original = read(dir.resolve("original.json"));
    Bundle variant = Files.isRegularFile(dir.resolve("variant.json")) ? read(dir.resolve("variant.json")) : null;
    OffsetDateTime asOf = OffsetDateTime.parse(finding.path("asOf").asText());
    OffsetDateTime variantAsOf = finding.hasNonNull("variantAsOf")
        ? OffsetDateTime.parse(finding.get("variantAsOf").asText()) : null;
    assertThat(Finding.run(kind, original, asOf, variant, variantAsOf, finding.path("params")))
        .as(dir.getFileName() + ": " + finding.path("note").asText())
        .isEmpty();
  }

  private static Bundle read(Path file) throws IOException {
    return FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, Files.readString(file));
  }
}
