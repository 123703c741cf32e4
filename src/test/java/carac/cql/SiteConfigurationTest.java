package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import carac.fhir.PatientBundle;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Site configuration (fhir-input-profile.md P8) reaches the CQL: a mapped local unit string is
 * interpreted, and a site range supplies the ULN of a result that carries none. Without the
 * configuration the same records stay uninterpreted (dq-unit-and-status-problems expects that).
 */
class SiteConfigurationTest {

  private static final Path STORY = Path.of("fhir-resources/scenarios/dq-unit-and-status-problems");

  @Test
  void siteUnitMapAndSiteRangeAreUsedOnlyWhereTheResultLacksThem() throws Exception {
    var site = new SiteConfiguration(
        List.of(new SiteConfiguration.UnitMapping("777-3", "K/uL", "10*3/uL")),
        List.of(new SiteConfiguration.ReferenceRange("48065-7", "mg/L{FEU}", BigDecimal.ZERO, new BigDecimal("0.50"))),
        List.of());
    var patient = PatientBundle.parse(FhirContext.forR4Cached(), Files.readString(STORY.resolve("bundle.json")));
    var result = new CqlEvaluator(site).evaluate(patient.bundle(), patient.patientId(),
        OffsetDateTime.parse("2025-10-18T18:00:00+08:00"), patient.dataQuality());

    var day6 = result.days().stream().filter(d -> d.date().equals("2025-10-12")).findFirst().orElseThrow();
    var platelets = day6.values().get("platelets");
    assertThat(platelets.observation()).isEqualTo("Observation/dq-unit-and-status-problems-platelets-9");
    assertThat(platelets.value()).isEqualByComparingTo("30");
    assertThat(platelets.unit()).isEqualTo("10*9/L");

    var day10 = result.days().stream().filter(d -> d.date().equals("2025-10-16")).findFirst().orElseThrow();
    var dDimer = day10.values().get("d-dimer");
    assertThat(dDimer.observation()).isEqualTo("Observation/dq-unit-and-status-problems-d-9");
    assertThat(dDimer.ulnSource()).isEqualTo("site");
    assertThat(dDimer.ratio()).isEqualByComparingTo("2");
    assertThat(day10.isth().items().get("d-dimer")).isEqualTo(2);

    assertThat(result.dataQuality()).noneMatch(q -> q.resource() != null
        && q.resource().endsWith("platelets-9") && q.code().equals("unit-unknown"));
    assertThat(result.dataQuality()).noneMatch(q -> q.resource() != null
        && q.resource().endsWith("d-9") && q.code().equals("no-reference-range"));
  }
}
