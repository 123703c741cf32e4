package carac.properties;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The laboratory analytes the generator writes, as ../shared/fhir-input-profile.md P3.2 accepts them: LOINC
 * codes, canonical UCUM unit and every accepted unit with its factor (canonical = reported x factor). Test
 * data only: the product reads these from cql/.
 */
enum Analyte {
  PLATELETS("platelets", "10*9/L", List.of("777-3", "26515-7", "778-1", "49497-1"),
      List.of(u("10*9/L", "1"), u("10*3/uL", "1"), u("10*3/mm3", "1"), u("/uL", "0.001"), u("/mm3", "0.001"))),
  PT("pt", "s", List.of("5902-2", "5964-2"), List.of(u("s", "1"))),
  INR("inr", "{INR}", List.of("6301-6", "34714-6", "46418-0"), List.of(u("{INR}", "1"), u("1", "1"))),
  APTT("aptt", "s", List.of("14979-9", "3173-2"), List.of(u("s", "1"))),
  FIBRINOGEN("fibrinogen", "g/L", List.of("3255-7", "48664-7", "30902-1"),
      List.of(u("g/L", "1"), u("mg/dL", "0.01"), u("mg/L", "0.001"))),
  D_DIMER_FEU("d-dimer", "mg/L{FEU}", List.of("48065-7", "48067-3", "71427-9"),
      List.of(u("mg/L{FEU}", "1"), u("ug/mL{FEU}", "1"), u("ug/L{FEU}", "0.001"), u("ng/mL{FEU}", "0.001"),
          u("mg/L", "1"), u("ug/mL", "1"), u("ug/L", "0.001"), u("ng/mL", "0.001"))),
  D_DIMER_DDU("d-dimer", "ng/mL{DDU}", List.of("48066-5", "48058-2", "91556-1"),
      List.of(u("ng/mL{DDU}", "1"), u("ug/L{DDU}", "1"), u("ug/mL{DDU}", "1000"), u("mg/L{DDU}", "1000"),
          u("ng/mL", "1"), u("ug/L", "1"), u("ug/mL", "1000"), u("mg/L", "1000"))),
  ALT("alt", "U/L", List.of("1742-6"), List.of(u("U/L", "1"), u("ukat/L", "60")));

  /** One accepted UCUM code and its factor to the canonical unit. */
  record Unit(String code, BigDecimal factor) {}

  /** Removal group: results of one group are one rule input (D-dimer FEU and DDU are one input). */
  final String group;
  final String canonical;
  final List<String> loincs;
  final List<Unit> units;

  Analyte(String group, String canonical, List<String> loincs, List<Unit> units) {
    this.group = group;
    this.canonical = canonical;
    this.loincs = loincs;
    this.units = units;
  }

  private static Unit u(String code, String factor) {
    return new Unit(code, new BigDecimal(factor));
  }

  /** The canonical quantity written in unit {@code index}, or empty when it has no finite decimal there. */
  Optional<BigDecimal> in(int index, BigDecimal canonicalValue) {
    try {
      return Optional.of(canonicalValue.divide(units.get(index).factor()).stripTrailingZeros());
    } catch (ArithmeticException nonTerminating) {
      return Optional.empty();
    }
  }
}
