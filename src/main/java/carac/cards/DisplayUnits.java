package carac.cards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Display units: how a UCUM code is shown to a clinician ({@code 10*9/L} → {@code ×10⁹/L}, {@code mg/L{FEU}}
 * → {@code mg/L FEU}), per language, from the one table {@code display-units.json} that the SMART app uses too.
 * Data and the summary contract keep the UCUM code; a code not in the table is shown as it is.
 */
public final class DisplayUnits {

  private static final JsonNode TABLE = load();

  private DisplayUnits() {}

  /** The unit as shown in this language; null stays null. */
  public static String shown(String ucum, Locale locale) {
    if (ucum == null) {
      return null;
    }
    JsonNode entry = TABLE.get(ucum);
    if (entry == null || !entry.isObject()) {
      return ucum;
    }
    String language = "zh".equals(locale.getLanguage()) ? "zh" : "en";
    return entry.path(language).asText(ucum);
  }

  /** A number followed by its unit as shown ({@code 42 ×10⁹/L}; no space before an empty unit). */
  static String withUnit(String number, String ucum, Locale locale) {
    String unit = shown(ucum, locale);
    return unit == null || unit.isEmpty() ? number : number + " " + unit;
  }

  private static JsonNode load() {
    try (InputStream in = DisplayUnits.class.getResourceAsStream("/display-units.json")) {
      if (in == null) {
        throw new IllegalStateException("display-units.json missing from the classpath");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
