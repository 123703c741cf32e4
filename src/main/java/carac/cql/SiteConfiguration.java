package carac.cql;

import java.math.BigDecimal;
import java.util.List;

/**
 * Site configuration the CQL receives as parameters (fhir-input-profile.md P8). It maps local units and
 * codes and supplies reference ranges for results that carry none; it never holds clinical cut-offs.
 * Shipped default: empty.
 */
public record SiteConfiguration(
    List<UnitMapping> unitMap, List<ReferenceRange> referenceRanges, List<LocalCode> carTCodes,
    List<DrugCode> drugCodes) {

  /** A raw unit string seen with a LOINC code, mapped to the UCUM code it means at this site. */
  public record UnitMapping(String loinc, String unit, String ucum) {}

  /** The site's range for a LOINC code reported in a UCUM unit, used only when a result has none. */
  public record ReferenceRange(String loinc, String ucum, BigDecimal low, BigDecimal high) {}

  /** A site-local code (system, code) that marks a CAR-T administration. */
  public record LocalCode(String system, String code) {}

  /**
   * A site-local drug code and the order-time drug class it belongs to ({@code anticoagulant} or
   * {@code tocilizumab}, clinical-reference.md §7.5, §8.6), for draft orders coded only locally.
   */
  public record DrugCode(String system, String code, String drugClass) {}

  public SiteConfiguration(List<UnitMapping> unitMap, List<ReferenceRange> referenceRanges, List<LocalCode> carTCodes) {
    this(unitMap, referenceRanges, carTCodes, List.of());
  }

  public SiteConfiguration {
    drugCodes = drugCodes == null ? List.of() : List.copyOf(drugCodes);
    unitMap = unitMap == null ? List.of() : List.copyOf(unitMap);
    referenceRanges = referenceRanges == null ? List.of() : List.copyOf(referenceRanges);
    carTCodes = carTCodes == null ? List.of() : List.copyOf(carTCodes);
  }

  public static SiteConfiguration empty() {
    return new SiteConfiguration(List.of(), List.of(), List.of(), List.of());
  }
}
