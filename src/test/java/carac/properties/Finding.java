package carac.properties;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;

/**
 * One run of a property on one course: evaluates the original and its variant through the real engine,
 * applies the property's {@link Kind} check and, when it fails, writes a reproduction folder (original.json,
 * variant.json, finding.json) under target/property-findings/ and fails with the problems and that folder.
 * Copy the folder to src/test/resources/property-findings/ to keep it: {@code PropertyFindingsReplayTest}
 * replays every kept folder through the same check.
 */
final class Finding {

  static final Path OUTPUT = Path.of("target/property-findings");

  /** The checks a property applies to an original evaluation and its variant. */
  enum Kind {
    RENAME, UNITS, SHIFT, ORDER, REMOVAL, ISOLATION, INVARIANTS, LESS_ABNORMAL;

    List<String> problems(JsonNode original, JsonNode variant, JsonNode params) {
      return switch (this) {
        case RENAME -> Checks.sameAfterRenaming(original, variant, renames(params));
        case UNITS -> Checks.sameInCanonicalUnits(original, variant);
        case SHIFT -> Checks.sameAfterShift(original, variant, params.path("shiftDays").asInt());
        case ORDER, LESS_ABNORMAL -> Checks.same(original, variant);
        case ISOLATION -> params.hasNonNull("directPatient") ? Checks.same(original, variant)
            : Checks.sameWithoutOtherPatientNotes(original, variant);
        case REMOVAL -> Checks.monotone(original, variant);
        case INVARIANTS -> Checks.invariants(original);
      };
    }
  }

  private Finding() {}

  /**
   * Evaluates and checks; {@code params} carries what the check and the replay need (renames, shiftDays,
   * "directPatient" to evaluate the variant straight through the engine for that patient).
   */
  static void check(String property, Kind kind, Bundle original, OffsetDateTime asOf, Bundle variant,
      OffsetDateTime variantAsOf, Map<String, Object> params) {
    JsonNode p = Evaluations.JSON.valueToTree(params);
    List<String> problems = run(kind, original, asOf, variant, variantAsOf, p);
    if (!problems.isEmpty()) {
      Path folder = write(property, kind, original, asOf, variant, variantAsOf, p, problems);
      throw new AssertionError(property + " does not hold (" + problems.size() + " problems; reproduction in "
          + folder + "):\n  " + String.join("\n  ", problems));
    }
  }

  /** The check itself, shared with the replay of kept findings. */
  static List<String> run(Kind kind, Bundle original, OffsetDateTime asOf, Bundle variant,
      OffsetDateTime variantAsOf, JsonNode params) {
    JsonNode a = Evaluations.evaluate(original, asOf);
    if (kind == Kind.INVARIANTS) {
      return kind.problems(a, null, params);
    }
    JsonNode b = params.hasNonNull("directPatient")
        ? Evaluations.evaluateDirect(variant, params.get("directPatient").asText(), variantAsOf)
        : Evaluations.evaluate(variant, variantAsOf);
    List<String> problems = new java.util.ArrayList<>(kind.problems(a, b, params));
    // every evaluated course is also checked for what must hold within one evaluation
    Checks.invariants(a).forEach(p -> problems.add("invariant: " + p));
    return problems;
  }

  private static Map<String, String> renames(JsonNode params) {
    Map<String, String> map = new HashMap<>();
    params.path("renames").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static Path write(String property, Kind kind, Bundle original, OffsetDateTime asOf, Bundle variant,
      OffsetDateTime variantAsOf, JsonNode params, List<String> problems) {
    var parser = FhirContext.forR4Cached().newJsonParser().setPrettyPrint(true);
    try {
      Files.createDirectories(OUTPUT);
      Path folder = Files.createTempDirectory(OUTPUT, property + "-");
      Files.writeString(folder.resolve("original.json"), parser.encodeResourceToString(original));
      if (variant != null) {
        Files.writeString(folder.resolve("variant.json"), parser.encodeResourceToString(variant));
      }
      ObjectNode finding = Evaluations.JSON.createObjectNode();
      finding.put("property", property);
      finding.put("check", kind.name());
      finding.put("asOf", asOf.toString());
      finding.put("variantAsOf", variantAsOf == null ? null : variantAsOf.toString());
      finding.set("params", params);
      finding.set("problems", Evaluations.JSON.valueToTree(problems));
      finding.put("note", "what was found, the cause and the fix (fill in when kept)");
      Files.writeString(folder.resolve("finding.json"),
          Evaluations.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(finding));
      return folder;
    } catch (IOException e) {
      throw new IllegalStateException("could not write the reproduction of " + property, e);
    }
  }
}
