package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import carac.cds.CdsItSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sandbox FHIR server's search semantics, checked against the story as written in
 * fhir-resources/scenarios (dates there are before the shift; the shift is whole days, so order is kept).
 */
class FhirSearchIT extends CdsItSupport {

  private static final String STORY = "tc-02-crs-dic-tocilizumab";
  private static final String LOINC = "http://loinc.org";
  private static final String PLATELETS = "777-3";
  private static final String FIBRINOGEN = "3255-7";
  private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

  @Autowired StoryCatalog stories;

  private IGenericClient fhir;
  private Story story;
  private List<Observation> written;

  @BeforeEach
  void clientAndStory() throws Exception {
    story = stories.all().stream().filter(s -> s.name().equals(STORY)).findFirst().orElseThrow();
    fhir = FHIR.newRestfulGenericClient(fhirBase());
    fhir.registerInterceptor(new BearerTokenAuthInterceptor(
        accessTokens.issue("sandbox-ehr", "system/*.rs", null, Duration.ofMinutes(10)).accessToken()));
    Bundle file = FHIR.newJsonParser().parseResource(Bundle.class,
        Files.readString(Path.of("fhir-resources/scenarios", STORY, "bundle.json")));
    written = file.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance).map(Observation.class::cast).toList();
  }

  private Bundle search(String query) {
    return fhir.search().byUrl("Observation?patient=" + story.patientId() + "&" + query).returnBundle(Bundle.class).execute();
  }

  /** Every page of a search, following the server's next links. */
  private List<Observation> all(Bundle first) {
    List<Observation> out = new ArrayList<>();
    Bundle page = first;
    while (true) {
      page.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
          .filter(Observation.class::isInstance).map(Observation.class::cast).forEach(out::add);
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return out;
      }
      page = fhir.loadPage().next(page).execute();
    }
  }

  private Set<String> ids(List<Observation> observations) {
    Set<String> out = new HashSet<>();
    observations.forEach(o -> out.add(o.getIdElement().getIdPart()));
    return out;
  }

  private Set<String> writtenIds(Predicate<Observation> which) {
    return ids(written.stream().filter(which).toList());
  }

  private static Predicate<Observation> coded(String code) {
    return o -> o.getCode().getCoding().stream().anyMatch(c -> LOINC.equals(c.getSystem()) && code.equals(c.getCode()));
  }

  @Test
  void codeWithSystemWithoutSystemAndAsACommaList() {
    Set<String> platelets = writtenIds(coded(PLATELETS));
    assertThat(platelets).hasSizeGreaterThan(3);
    assertThat(ids(all(search("code=" + LOINC + "|" + PLATELETS)))).isEqualTo(platelets);
    assertThat(ids(all(search("code=" + PLATELETS)))).isEqualTo(platelets);
    assertThat(ids(all(search("code=http://other.example.org|" + PLATELETS)))).isEmpty();

    Set<String> both = writtenIds(coded(PLATELETS).or(coded(FIBRINOGEN)));
    assertThat(ids(all(search("code=" + LOINC + "|" + PLATELETS + "," + LOINC + "|" + FIBRINOGEN)))).isEqualTo(both);
  }

  @Test
  void datePrefixesCompareInstants() {
    List<Observation> platelets = written.stream().filter(coded(PLATELETS))
        .sorted(Comparator.comparing(o -> o.getEffectiveDateTimeType().getValue())).toList();
    Observation middle = platelets.get(platelets.size() / 2);
    DateTimeType bound = middle.getEffectiveDateTimeType().copy();
    bound.add(java.util.Calendar.DATE, (int) story.shiftDays());
    String at = bound.getValueAsString().replace("+", "%2B");

    var since = platelets.subList(platelets.size() / 2, platelets.size());
    var before = platelets.subList(0, platelets.size() / 2);
    String code = "code=" + LOINC + "|" + PLATELETS;
    assertThat(ids(all(search(code + "&date=ge" + at)))).isEqualTo(ids(since));
    assertThat(ids(all(search(code + "&date=lt" + at)))).isEqualTo(ids(before));
    assertThat(ids(all(search(code + "&date=eq" + at)))).containsExactly(middle.getIdElement().getIdPart());
    assertThat(ids(all(search(code + "&date=gt" + at + "&date=le" + at)))).isEmpty();
  }

  @Test
  void categoryCountSortAndPaging() {
    Predicate<Observation> laboratory = o -> o.getCategory().stream()
        .anyMatch(c -> c.hasCoding(CATEGORY, "laboratory"));
    Set<String> labs = writtenIds(laboratory);
    assertThat(labs).hasSizeGreaterThan(10);

    Bundle firstPage = search("category=" + CATEGORY + "|laboratory&_count=5&_sort=date");
    assertThat(firstPage.getEntry()).hasSize(5);
    assertThat(firstPage.getLink(Bundle.LINK_NEXT)).isNotNull();
    List<Observation> paged = all(firstPage);
    assertThat(paged).hasSize(labs.size()); // no page repeats or drops a record
    assertThat(ids(paged)).isEqualTo(labs);
    assertThat(paged).extracting(o -> o.getEffectiveDateTimeType().getValue())
        .isSortedAccordingTo(Comparator.naturalOrder());

    List<Observation> newestFirst = all(search("category=laboratory&_sort=-date&_count=100"));
    assertThat(newestFirst).extracting(o -> o.getEffectiveDateTimeType().getValue())
        .isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(ids(all(search("category=" + CATEGORY + "|vital-signs")))).isEqualTo(writtenIds(
        o -> o.getCategory().stream().anyMatch(c -> c.hasCoding(CATEGORY, "vital-signs"))));
  }

  @Test
  void includeBringsThePatientOnce() {
    Bundle result = search("code=" + LOINC + "|" + PLATELETS + "&_include=Observation:patient");
    var included = result.getEntry().stream().filter(e -> e.getResource() instanceof Patient).toList();
    assertThat(included).hasSize(1);
    assertThat(included.get(0).getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.INCLUDE);
    assertThat(included.get(0).getResource().getIdElement().getIdPart()).isEqualTo(story.patientId());
  }

  @Test
  void theStoryIsThereOnceWithItsAsOfDayMovedToToday() {
    Bundle tagged = fhir.search().byUrl("Patient?_tag=" + ScenarioLoader.TAG_SYSTEM + "|story&_summary=count")
        .returnBundle(Bundle.class).execute();
    assertThat(tagged.getTotal()).isEqualTo(stories.all().size());
    assertThat(all(search("_count=200"))).hasSize(written.size());
    assertThat(story.asOf().toLocalDate()).isEqualTo(java.time.LocalDate.of(2025, 6, 1)); // the pinned "today"
  }
}
