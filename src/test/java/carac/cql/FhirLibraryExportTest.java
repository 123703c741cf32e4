package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Library;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fhir-resources/libraries/ holds what the current CQL translates to: another clinical-reasoning server must run
 * exactly the content the product runs. Regenerate after a CQL change with
 * {@code ./mvnw -B -q test -Dtest=FhirLibraryExportTest -Dcarac.libraries.write=true -Dskip.frontend}.
 */
class FhirLibraryExportTest {

  static final Path COMMITTED = Path.of("fhir-resources/libraries");

  @Test
  void theCommittedLibrariesAreWhatTheCurrentCqlGives(@TempDir Path fresh) throws Exception {
    var export = new FhirLibraryExport(SharedEvaluator.get());
    if (Boolean.getBoolean("carac.libraries.write")) {
      export.write(COMMITTED);
    }
    export.write(fresh);
    for (String name : CqlLibraries.ALL) {
      String file = "Library-" + name + ".json";
      assertThat(COMMITTED.resolve(file)).as(file + " (regenerate: see this test's comment)").exists();
      assertThat(Files.readString(COMMITTED.resolve(file))).as(file + " is stale: regenerate (see this test's comment)")
          .isEqualTo(Files.readString(fresh.resolve(file)));
    }
    try (var files = Files.list(COMMITTED)) {
      assertThat(files.count()).as("one file per library").isEqualTo(CqlLibraries.ALL.size());
    }
  }

  @Test
  void eachLibraryCarriesItsCqlElmParametersAndDataRequirements() throws Exception {
    var parser = FhirContext.forR4Cached().newJsonParser();
    Library data = parser.parseResource(Library.class, Files.readString(COMMITTED.resolve("Library-CaracDataElements.json")));
    assertThat(data.getUrl()).isEqualTo(FhirLibraryExport.CANONICAL + "CaracDataElements");
    assertThat(data.getContent()).extracting(c -> c.getContentType()).containsExactly("text/cql", "application/elm+json");
    assertThat(new String(data.getContent().get(0).getData(), StandardCharsets.UTF_8))
        .isEqualTo(ClasspathCqlSources.read("CaracDataElements"));
    assertThat(new String(data.getContent().get(1).getData(), StandardCharsets.UTF_8)).contains("\"library\"");
    assertThat(data.getParameter()).extracting(p -> p.getName()).contains("As Of", "Site Unit Map", "Site CAR-T Codes");
    assertThat(data.getDataRequirement()).anyMatch(r -> r.getType().equals("Observation") && !r.getCodeFilter().isEmpty());
    Library summary = parser.parseResource(Library.class, Files.readString(COMMITTED.resolve("Library-CaracSummary.json")));
    assertThat(summary.getRelatedArtifact()).extracting(a -> a.getResource())
        .contains(FhirLibraryExport.CANONICAL + "CaracRules|0.1.0", "http://hl7.org/fhir/Library/FHIRHelpers|4.0.1");
  }
}
