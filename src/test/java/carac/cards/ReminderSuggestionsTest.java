package carac.cards;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import carac.cql.CqlEvaluator;
import carac.cql.SiteConfiguration;
import carac.fhir.PatientBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patient-view suggestions (clinical-reference.md §7.5): R-MON and R-TOCI-MON offer a create-ServiceRequest
 * suggestion for exactly the missing tests (LOINC from the CQL); no other card suggests anything, and nothing
 * suggested is ever a medication.
 */
class ReminderSuggestionsTest {

  private static CqlEvaluator evaluator;

  @BeforeAll
  static void compile() {
    evaluator = carac.cql.SharedEvaluator.get();
  }

  private static List<Card> cards(String story, String asOf, String language) throws Exception {
    var patient = PatientBundle.parse(FhirContext.forR4Cached(),
        Files.readString(Path.of("fhir-resources/scenarios", story, "bundle.json")));
    var evaluation = evaluator.evaluate(patient.bundle(), patient.patientId(), OffsetDateTime.parse(asOf), patient.dataQuality());
    return new CardAssembler(language).cards(evaluation);
  }

  private static Set<String> codes(Card card) {
    assertThat(card.suggestions()).hasSize(1);
    Set<String> codes = new TreeSet<>();
    for (Card.Action a : card.suggestions().get(0).actions()) {
      assertThat(a.type()).isEqualTo("create");
      Map<String, Object> r = a.resource();
      assertThat(r).containsEntry("resourceType", "ServiceRequest").containsEntry("status", "draft")
          .containsEntry("intent", "order");
      @SuppressWarnings("unchecked")
      var coding = ((List<Map<String, Object>>) ((Map<String, Object>) r.get("code")).get("coding")).get(0);
      assertThat(coding).containsEntry("system", "http://loinc.org");
      codes.add((String) coding.get("code"));
    }
    return codes;
  }

  @Test
  void monitoringGapsOrderExactlyTheMissingTests() throws Exception {
    // tc-14 @ its as-of: day 7 lacks APTT and D-dimer, day 20 D-dimer (scenario.json): APTT 14979-9, D-dimer 48065-7
    List<Card> cards = cards("tc-14-monitoring-gaps", "2025-10-07T18:00:00+08:00", "en");
    Card mon = cards.stream().filter(c -> c.source().topic().code().equals("R-MON")).findFirst().orElseThrow();
    assertThat(mon.detail()).contains("APTT").contains("D-dimer");
    assertThat(codes(mon)).containsExactly("14979-9", "48065-7");
    assertThat(mon.suggestions().get(0).actions().get(0).resource().get("subject"))
        .isEqualTo(Map.of("reference", "Patient/tc-14-monitoring-gaps-patient"));
  }

  @Test
  void tocilizumabWithoutFibrinogenOrdersFibrinogenAndOtherCardsSuggestNothing() throws Exception {
    for (String language : List.of("en", "zh")) {
      List<Card> cards = cards("edge-rule-toci-mon", "2025-09-08T18:00:00+08:00", language);
      Card toci = cards.stream().filter(c -> c.source().topic().code().equals("R-TOCI-MON")).findFirst().orElseThrow();
      assertThat(codes(toci)).containsExactly("3255-7");
      assertThat(toci.suggestions().get(0).label()).isNotBlank().doesNotContain("{");
    }
    for (Card c : cards("tc-02-crs-dic-tocilizumab", "2025-04-18T18:00:00+08:00", "en")) {
      if (!Set.of("R-MON", "R-TOCI-MON").contains(c.source().topic().code())) {
        assertThat(c.suggestions()).as(c.source().topic().code()).isEmpty();
      }
    }
  }

}
