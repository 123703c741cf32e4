package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.hapi.fluentpath.FhirPathR4;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The engine's data access evaluates FHIRPath without StructureDefinitions (CqlFhirContext): on element paths it
 * answers exactly as HAPI's full engine, over every resource of every scenario story, every element path of one
 * and two steps (which covers every code path and context path the CQL retrieves by); other paths are refused.
 */
class CqlFhirContextTest {

  private final FhirPathR4 light = new FhirPathR4(CqlFhirContext.create());
  private final FhirPathR4 full = new FhirPathR4(FhirContext.forR4Cached());

  @Test
  void everyElementPathOfEveryScenarioResourceEvaluatesAsWithTheStructureDefinitions() throws Exception {
    int compared = 0;
    for (Resource resource : scenarioResources()) {
      for (String path : elementPaths(resource)) {
        assertThat(CqlFhirContext.isElementPath(path)).as(path).isTrue();
        List<IBase> expected = full.evaluate(resource, path, IBase.class);
        List<IBase> actual = light.evaluate(resource, path, IBase.class);
        assertThat(actual).as("%s %s", resource.getIdElement().getValue(), path).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
          assertThat(((Base) actual.get(i)).equalsDeep((Base) expected.get(i)))
              .as("%s %s [%d]", resource.getIdElement().getValue(), path, i).isTrue();
        }
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(10_000);
  }

  @Test
  void everyPathTheCqlRetrievesByIsAnElementPath() {
    for (var requirement : SharedEvaluator.get().dataRequirements()) {
      if (requirement.codePath() != null) {
        assertThat(CqlFhirContext.isElementPath(requirement.codePath())).as(requirement.toString()).isTrue();
      }
    }
  }

  @Test
  void onlyPathsOfElementNamesAreElementPaths() {
    assertThat(List.of("code", "subject", "subject.reference", "medication", "valueQuantity"))
        .allMatch(CqlFhirContext::isElementPath);
    assertThat(List.of("Observation.code", "code.where(true)", "code[0]", "code.coding.first()", "", " code",
        "value as Quantity", "subject|patient")).noneMatch(CqlFhirContext::isElementPath);
  }

  @Test
  void theRetrieveProviderRefusesAPathThatIsNotAnElementPath() {
    var terminology = new org.opencds.cqf.fhir.cql.engine.terminology.RepositoryTerminologyProvider(
        new org.opencds.cqf.fhir.utility.repository.InMemoryFhirRepository(CqlFhirContext.get()));
    var retrieve = new IndexedBundleRetrieveProvider(CqlFhirContext.get(), terminology,
        new Bundle().addEntry(new Bundle.BundleEntryComponent().setResource(new Observation())));
    assertThatThrownBy(() -> retrieve.retrieve("Patient", "subject", "p1", "Observation", null,
        "Observation.code", List.of(), null, null, null, null, null))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Observation.code");
  }

  private static List<Resource> scenarioResources() throws Exception {
    List<Resource> resources = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(ScenarioCqlTest.SCENARIOS)) {
      for (Path dir : dirs.filter(d -> Files.exists(d.resolve("bundle.json"))).sorted().toList()) {
        var bundle = FhirContext.forR4Cached().newJsonParser()
            .parseResource(Bundle.class, Files.readString(dir.resolve("bundle.json")));
        bundle.getEntry().forEach(e -> resources.add(e.getResource()));
      }
    }
    return resources;
  }

  /** Every child name of the resource, and every child name of each of those elements' values, as paths. */
  private static Set<String> elementPaths(Base resource) {
    Set<String> paths = new LinkedHashSet<>();
    for (var property : resource.children()) {
      String name = property.getName().replace("[x]", "");
      paths.add(name);
      for (Base value : property.getValues()) {
        for (var child : value.children()) {
          paths.add(name + "." + child.getName().replace("[x]", ""));
        }
      }
    }
    return paths;
  }
}
