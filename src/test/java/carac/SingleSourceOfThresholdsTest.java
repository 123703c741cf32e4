package carac;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * CQL is the single source of clinical truth: no code (LOINC, RxNorm, CPT, ICD-10-PCS) and no
 * clinical cut-off declared in cql/ may be written again in Java or TypeScript product sources.
 */
class SingleSourceOfThresholdsTest {

  private static final Path CQL = Path.of("cql");
  private static final List<Path> PRODUCT_SOURCES = List.of(Path.of("src/main/java"), Path.of("frontend/src"));

  /** {@code code "x": '777-3' from "LOINC"} and the quoted product codes of code lists. */
  private static final Pattern CODE = Pattern.compile("^code \"[^\"]+\": '([^']+)' from", Pattern.MULTILINE);

  /** A named numeric define: {@code define "ISTH Fibrinogen Cut-off": 1.0 'g/L'}. */
  private static final Pattern NUMERIC_DEFINE =
      Pattern.compile("^define \"([^\"]+)\": (-?\\d+(?:\\.\\d+)?)( '([^']+)')?\\s*$", Pattern.MULTILINE);

  @Test
  void noCqlCodeAppearsInJavaOrTypeScript() throws IOException {
    Set<String> codes = new LinkedHashSet<>();
    for (String cql : cqlTexts()) {
      Matcher m = CODE.matcher(cql);
      while (m.find()) {
        codes.add(m.group(1));
      }
    }
    assertThat(codes).as("codes found in cql/").contains("777-3", "3255-7", "48065-7");
    assertThat(occurrences(codes, code -> Pattern.compile("(?<![\\w.-])" + Pattern.quote(code) + "(?![\\w-])")))
        .as("codes of cql/ written in Java/TypeScript sources")
        .isEmpty();
  }

  /**
   * Cut-offs with a decimal point or of three or more digits, and every threshold unit literal, must not
   * appear as literals in product sources. One- and two-digit integers (points, days, 50 x10^9/L) are
   * everywhere in ordinary code (widths, exit codes), so they are flagged only where they are compared
   * ({@code < 50}, {@code 28 >=}), which is how a copied threshold would be used.
   */
  @Test
  void noCqlThresholdAppearsInJavaOrTypeScript() throws IOException {
    Set<String> numbers = new LinkedHashSet<>();
    Set<String> comparedNumbers = new LinkedHashSet<>();
    Set<String> units = new LinkedHashSet<>();
    for (String cql : cqlTexts()) {
      Matcher m = NUMERIC_DEFINE.matcher(cql);
      while (m.find()) {
        String value = m.group(2);
        if (value.contains(".") || value.replace("-", "").length() >= 3) {
          numbers.add(value);
        } else {
          comparedNumbers.add(value);
        }
        if (m.group(4) != null && m.group(4).length() > 2) {
          units.add("'" + m.group(4) + "'");
          units.add("\"" + m.group(4) + "\"");
        }
      }
    }
    assertThat(numbers).as("thresholds found in cql/").contains("100", "1.0", "5.0", "0.50", "7.65");
    assertThat(comparedNumbers).as("small thresholds found in cql/").contains("50", "28", "3");
    List<String> found = new ArrayList<>();
    found.addAll(occurrences(numbers, n -> Pattern.compile("(?<![\\w.\"'])" + Pattern.quote(n) + "(?![\\w.])")));
    found.addAll(occurrences(comparedNumbers, n -> Pattern.compile(
        "(?:[<>]=?|[!=]=)\\s*" + Pattern.quote(n) + "(?![\\w.])|(?<![\\w.])" + Pattern.quote(n) + "\\s*(?:[<>]=?|[!=]=)")));
    found.addAll(occurrences(units, u -> Pattern.compile(Pattern.quote(u))));
    assertThat(found).as("thresholds of cql/ written in Java/TypeScript sources").isEmpty();
  }

  private static List<String> cqlTexts() throws IOException {
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.list(CQL)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".cql")).toList()) {
        texts.add(Files.readString(p));
      }
    }
    return texts;
  }

  private static List<String> occurrences(Set<String> needles, java.util.function.Function<String, Pattern> pattern)
      throws IOException {
    List<String> found = new ArrayList<>();
    for (Path root : PRODUCT_SOURCES) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : files.filter(f -> f.toString().matches(".*\\.(java|ts|tsx)$")).toList()) {
          String code = stripComments(Files.readString(p));
          for (String needle : needles) {
            if (pattern.apply(needle).matcher(code).find()) {
              found.add(p + ": " + needle);
            }
          }
        }
      }
    }
    return found;
  }

  private static String stripComments(String source) {
    return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
  }
}
