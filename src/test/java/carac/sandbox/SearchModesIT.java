package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import carac.cds.CdsItSupport;
import carac.cds.PrefetchTemplates;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sandbox FHIR server answers the CDS prefetch searches (the service's call-backs) with the same
 * resources however they are run: over REST in offset mode ({@link SynchronousSearchInterceptor}), one page
 * or many, before and after the planner's statistics are refreshed ({@link SearchStatistics}), and as HAPI's
 * own stored search in the process (the DAO, which the interceptor does not touch).
 */
class SearchModesIT extends CdsItSupport {

  private static final String STORY = "tc-02-crs-dic-tocilizumab";

  @Autowired StoryCatalog stories;
  @Autowired DaoRegistry daoRegistry;
  @Autowired MatchUrlService matchUrls;
  @Autowired SearchStatistics statistics;
  @Autowired JdbcTemplate jdbc;

  private IGenericClient fhir;
  private Map<String, String> searches;

  @BeforeEach
  void clientAndSearches() {
    Story story = stories.all().stream().filter(s -> s.name().equals(STORY)).findFirst().orElseThrow();
    fhir = FHIR.newRestfulGenericClient(fhirBase());
    fhir.registerInterceptor(new BearerTokenAuthInterceptor(
        accessTokens.issue("sandbox-ehr", "system/*.rs", null, Duration.ofMinutes(10)).accessToken()));
    searches = new LinkedHashMap<>();
    LocalDate today = story.asOf().toLocalDate();
    templates.templates().forEach((key, template) -> {
      if (template.contains("?")) {
        searches.put(key, PrefetchTemplates.resolve(template, Map.of("patientId", story.patientId()), today));
      }
    });
  }

  @Test
  void everyPrefetchSearchFindsWhatHapisStoredSearchFinds() {
    assertThat(searches).containsKeys("observations", "conditions", "medication-administrations");
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    searches.forEach((key, query) -> expected.put(key, storedSearch(query)));
    assertThat(expected.get("observations")).isNotEmpty();
    Integer storedBefore = jdbc.queryForObject("SELECT COUNT(*) FROM HFJ_SEARCH", Integer.class);
    for (var search : searches.entrySet()) {
      String key = search.getKey();
      assertThat(rest(search.getValue() + "&_count=1000")).as(key + ", one page").isEqualTo(expected.get(key));
      assertThat(rest(search.getValue() + "&_count=7")).as(key + ", pages of 7").isEqualTo(expected.get(key));
    }
    // the REST searches were answered without writing a search to the database
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM HFJ_SEARCH", Integer.class)).isEqualTo(storedBefore);
  }

  @Test
  void refreshingTheStatisticsChangesNoResult() {
    Map<String, Set<String>> before = new LinkedHashMap<>();
    searches.forEach((key, query) -> before.put(key, rest(query + "&_count=1000")));
    statistics.refresh();
    searches.forEach((key, query) -> assertThat(rest(query + "&_count=1000")).as(key).isEqualTo(before.get(key)));
  }

  /** Every page over REST, following the next links: type/id of each entry, none twice. */
  private Set<String> rest(String query) {
    List<String> ids = new ArrayList<>();
    Bundle page = fhir.search().byUrl(query).returnBundle(Bundle.class).execute();
    while (true) {
      page.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().toUnqualifiedVersionless().getValue()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = fhir.loadPage().next(page).execute();
    }
    Set<String> distinct = new TreeSet<>(ids);
    assertThat(distinct).as(query + " returns no resource twice").hasSize(ids.size());
    return distinct;
  }

  /** The same search through HAPI's DAO in the process: its default, a search stored in the database. */
  private Set<String> storedSearch(String query) {
    String type = query.substring(0, query.indexOf('?'));
    RuntimeResourceDefinition definition = FHIR.getResourceDefinition(type);
    SearchParameterMap map = matchUrls.translateMatchUrl(query, definition);
    Set<String> ids = new HashSet<>();
    for (IBaseResource resource :
        daoRegistry.getResourceDao(type).search(map, new SystemRequestDetails()).getAllResources()) {
      ids.add(resource.getIdElement().toUnqualifiedVersionless().getValue());
    }
    return new TreeSet<>(ids);
  }
}
