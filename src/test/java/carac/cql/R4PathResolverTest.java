package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.opencds.cqf.cql.engine.fhir.model.R4FhirModelResolver;

/**
 * R4PathResolver answers every single-step property access exactly as the engine's own R4 resolver: over
 * every element of every scenario story (each child name HAPI knows, the choice names such as valueQuantity,
 * a name no type has), asked twice so the cached answer is compared too.
 */
class R4PathResolverTest {

  private final R4PathResolver fast = new R4PathResolver();
  private final R4FhirModelResolver engine = new R4FhirModelResolver();

  @Test
  void everyPropertyOfEveryScenarioElementResolvesAsTheEngineResolvesIt() throws Exception {
    List<Base> elements = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(ScenarioCqlTest.SCENARIOS)) {
      for (Path dir : dirs.filter(d -> Files.exists(d.resolve("bundle.json"))).toList()) {
        var bundle = FhirContext.forR4Cached().newJsonParser()
            .parseResource(Bundle.class, Files.readString(dir.resolve("bundle.json")));
        bundle.getEntry().forEach(e -> collect(e.getResource(), elements, new IdentityHashMap<>()));
      }
    }
    int compared = 0;
    for (Base element : elements) {
      for (String name : names(element)) {
        for (int round = 0; round < 2; round++) {
          assertThat(outcome(() -> fast.resolvePath(element, name)))
              .as("%s.%s", element.fhirType(), name)
              .isEqualTo(outcome(() -> engine.resolvePath(element, name)));
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(50_000);
  }

  @Test
  void aChoiceAskedByTheNameOfAnotherTypeIsNull() {
    var observation = new Observation().setValue(new Quantity(3));
    assertThat(fast.resolvePath(observation, "valueQuantity")).isSameAs(observation.getValue());
    assertThat(fast.resolvePath(observation, "valueString")).isNull();
    assertThat(fast.resolvePath(observation, "value")).isSameAs(observation.getValue());
    assertThat(fast.resolvePath(observation, "noSuchChild")).isNull();
    assertThat(fast.resolvePath(observation, "Observation")).isSameAs(observation);
  }

  private static void collect(Base element, List<Base> into, Map<Base, Boolean> seen) {
    if (element == null || seen.put(element, true) != null) {
      return;
    }
    into.add(element);
    for (var property : element.children()) {
      property.getValues().forEach(v -> collect(v, into, seen));
    }
  }

  private static List<String> names(Base element) {
    List<String> names = new ArrayList<>(List.of("value", "extension", "id", "noSuchChild", element.fhirType()));
    for (var property : element.children()) {
      String name = property.getName();
      names.add(name.replace("[x]", ""));
      if (name.endsWith("[x]")) {
        String stem = name.substring(0, name.length() - 3);
        for (String type : List.of("Quantity", "String", "DateTime", "Period", "Boolean", "CodeableConcept", "Instant")) {
          names.add(stem + type);
        }
      }
    }
    return names;
  }

  /** What a resolution gave: the same instances (HAPI objects by identity), equal values, or the same failure. */
  private static Object outcome(java.util.function.Supplier<Object> resolution) {
    try {
      return normal(resolution.get());
    } catch (RuntimeException e) {
      return e.getClass().getName();
    }
  }

  private static Object normal(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(R4PathResolverTest::normal).toList();
    }
    if (value instanceof Base) {
      return "instance@" + System.identityHashCode(value);
    }
    return value == null ? "null" : value.getClass().getName() + ":" + value;
  }
}
