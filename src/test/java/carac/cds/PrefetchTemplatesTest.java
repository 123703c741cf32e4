package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prefetch comes from the CQL's own retrieves: every retrieve is covered by a template of its type
 * (unfiltered, or with all its codes), and no template asks for a type the CQL never reads.
 */
class PrefetchTemplatesTest {

  private static CqlEvaluator evaluator;
  private static PrefetchTemplates templates;

  @BeforeAll
  static void derive() {
    evaluator = new CqlEvaluator(SiteConfiguration.empty());
    templates = new PrefetchTemplates(evaluator.dataRequirements(), 180);
  }

  @Test
  void theCqlRetrievesWhatTheStoriesNeed() {
    var types = new HashSet<String>();
    evaluator.dataRequirements().forEach(r -> types.add(r.type()));
    assertThat(types).contains("Patient", "Observation", "Condition", "MedicationAdministration", "Procedure");
    assertThat(evaluator.dataRequirements()).anyMatch(r -> r.type().equals("Observation") && !r.codes().isEmpty());
  }

  @Test
  void everyRetrieveIsCoveredByATemplate() {
    for (var requirement : templates.requirements()) {
      if (requirement.type().equals("Patient")) {
        assertThat(templates.templates().get("patient")).isEqualTo("Patient/{{context.patientId}}");
        continue;
      }
      if (requirement.type().equals("Medication")) {
        assertThat(templates.templates().values()).anyMatch(t -> t.contains("_include=MedicationAdministration:medication"));
        continue;
      }
      String template = templates.templates().get(PrefetchTemplates.keyOf(requirement.type()));
      assertThat(template).as("template for " + requirement.type()).startsWith(requirement.type() + PrefetchTemplates.patientSearch(requirement.type()));
      Set<String> codes = codesOf(template);
      if (!codes.isEmpty()) {
        assertThat(requirement.codes()).as("a retrieve without codes needs an unfiltered template").isNotEmpty();
        requirement.codes().forEach(c -> assertThat(codes).contains(c.system() + "|" + c.code()));
      }
    }
  }

  @Test
  void noTemplateForATypeTheCqlDoesNotRead() {
    var types = new HashSet<String>();
    templates.requirements().forEach(r -> types.add(r.type()));
    for (String template : templates.templates().values()) {
      String type = template.split("[/?]")[0];
      assertThat(types).contains(type);
    }
  }

  @Test
  void adverseEventsAreSearchedBySubjectAsR4HasNoPatientParameter() {
    assertThat(templates.templates().get("adverse-events")).isEqualTo("AdverseEvent?subject=Patient/{{context.patientId}}");
  }

  @Test
  void observationsCarryTheLookBackWindow() {
    assertThat(templates.templates().get("observations")).contains("&date=ge{{today() - 180 days}}");
    assertThat(new PrefetchTemplates(evaluator.dataRequirements(), 0).templates().get("observations")).doesNotContain("date=");
  }

  @Test
  void resolvesTokens() {
    String q = PrefetchTemplates.resolve("Observation?patient={{context.patientId}}&date=ge{{today() - 30 days}}",
        Map.of("patientId", "p-1"), LocalDate.of(2025, 4, 18));
    assertThat(q).isEqualTo("Observation?patient=p-1&date=ge2025-03-19");
  }

  @Test
  void refusesIdsThatWouldChangeTheQuery() {
    assertThatThrownBy(() -> PrefetchTemplates.resolve("Observation?patient={{context.patientId}}",
        Map.of("patientId", "p-1&_id=p-2"), LocalDate.now())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrefetchTemplates.resolve("Observation?patient={{userPractitionerId}}",
        Map.of(), LocalDate.now())).isInstanceOf(IllegalArgumentException.class);
  }

  private static Set<String> codesOf(String template) {
    for (String param : template.substring(template.indexOf('?') + 1).split("&")) {
      if (param.startsWith("code=")) {
        return new HashSet<>(Arrays.asList(param.substring(5).split(",")));
      }
    }
    return Set.of();
  }
}
