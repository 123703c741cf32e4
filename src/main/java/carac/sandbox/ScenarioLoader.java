package carac.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Puts every patient story into the sandbox FHIR server with its dates moved by whole days so that the
 * story's as-of moment is the latest one already past (see {@link DateShifter}). Idempotent: each resource
 * is written with PUT under its own id, and a story already shifted to that day is left as it is (one search
 * finds them all), so a restart neither duplicates nor loses data; on a later day the story is moved again.
 */
@Component
public class ScenarioLoader {

  /** Tags every resource a story put into the server; the Patient's tag also says to which day. */
  public static final String TAG_SYSTEM = "https://carac-watch.example.org/CodeSystem/sandbox";

  /**
   * Names the story a resource came from, one code per story: the FHIR server keeps one display per tag
   * (system, code), so a shared code {@code story} would show the first story's name on every Patient.
   */
  public static final String STORY_TAG_SYSTEM = "https://carac-watch.example.org/CodeSystem/sandbox-story";

  private static final Logger log = LoggerFactory.getLogger(ScenarioLoader.class);

  private final FhirContext fhirContext;
  private final IFhirSystemDao<Bundle, ?> systemDao;
  private final DaoRegistry daoRegistry;
  private final Clock clock;
  private final SandboxProperties properties;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger written = new AtomicInteger();

  public ScenarioLoader(
      FhirContext fhirContext,
      IFhirSystemDao<Bundle, ?> systemDao,
      DaoRegistry daoRegistry,
      Clock clock,
      SandboxProperties properties) {
    this.fhirContext = fhirContext;
    this.systemDao = systemDao;
    this.daoRegistry = daoRegistry;
    this.clock = clock;
    this.properties = properties;
  }

  /**
   * Loads every story; returns them in name order. The first story goes alone (it creates the tag
   * definitions all stories share), the others on two threads: stories share no resource.
   */
  public List<Story> loadAll() {
    List<StorySource> sources = sources();
    List<Story> stories = new ArrayList<>();
    if (sources.isEmpty()) {
      return stories;
    }
    // one search for every stored story Patient's tags instead of a read per story (a restart writes nothing)
    Map<String, Set<String>> stored = storedPatientTags();
    stories.add(load(sources.get(0), stored));
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(2, Runtime.getRuntime().availableProcessors()));
    try {
      List<Future<Story>> rest = new ArrayList<>();
      for (StorySource source : sources.subList(1, sources.size())) {
        rest.add(pool.submit(() -> load(source, stored)));
      }
      for (Future<Story> story : rest) {
        stories.add(story.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading the patient stories", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a patient story could not be loaded", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    stories.sort(Comparator.comparing(Story::name));
    return stories;
  }

  /** Stories written (not skipped) since start, for the start-up report and tests. */
  public int writtenCount() {
    return written.get();
  }

  private Story load(StorySource source, Map<String, Set<String>> stored) {
    JsonNode scenario = readJson(source.scenarioJson());
    OffsetDateTime asOf = OffsetDateTime.parse(scenario.path("asOf").asText());
    long shift = DateShifter.daysToLatestPast(asOf, clock);
    String shiftTag = "shifted-" + asOf.plusDays(shift).toLocalDate();
    // the Patient's id from the plain JSON: the FHIR parse is needed only when the story is written
    String patientId = patientId(readJson(source.bundleJson()), source.name());

    Story story =
        new Story(
            source.name(),
            scenario.path("title").asText(source.name()),
            scenario.path("description").asText(""),
            patientId,
            asOf.plusDays(shift),
            shift);
    if (stored.getOrDefault(patientId, Set.of()).contains(shiftTag)) {
      return story;
    }
    Bundle bundle = fhirContext.newJsonParser().parseResource(Bundle.class, source.bundleJson());
    systemDao.transaction(new SystemRequestDetails(), transaction(bundle, shift, shiftTag, source.name()));
    written.incrementAndGet();
    log.info("Loaded story {} ({} resources, dates moved {} days)", source.name(), bundle.getEntry().size(), shift);
    return story;
  }

  private Bundle transaction(Bundle collection, long shift, String shiftTag, String storyName) {
    DateShifter shifter = new DateShifter(fhirContext);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Bundle.BundleEntryComponent entry : collection.getEntry()) {
      Resource resource = entry.getResource();
      shifter.shift(resource, shift);
      resource.getMeta().addTag(TAG_SYSTEM, "story", "CARAC Watch sandbox story");
      resource.getMeta().addTag(STORY_TAG_SYSTEM, storyName, storyName);
      if (resource instanceof Patient) {
        resource.getMeta().addTag(TAG_SYSTEM, shiftTag, "dates moved so the as-of day is this day");
      }
      String ref = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
      transaction
          .addEntry()
          .setFullUrl(ref)
          .setResource(resource)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl(ref);
    }
    return transaction;
  }

  /**
   * The sandbox tag codes of every stored Patient a story wrote (tag {@code story}), by Patient id: a story
   * whose Patient already carries the tag of the day it would be moved to is current and is not written again.
   */
  private Map<String, Set<String>> storedPatientTags() {
    SearchParameterMap search = SearchParameterMap.newSynchronous("_tag", new TokenParam(TAG_SYSTEM, "story"));
    Map<String, Set<String>> tags = new HashMap<>();
    for (IBaseResource found :
        daoRegistry.getResourceDao("Patient").search(search, new SystemRequestDetails()).getAllResources()) {
      Patient patient = (Patient) found;
      Set<String> codes = new HashSet<>();
      for (Coding tag : patient.getMeta().getTag()) {
        if (TAG_SYSTEM.equals(tag.getSystem())) {
          codes.add(tag.getCode());
        }
      }
      tags.put(patient.getIdElement().getIdPart(), codes);
    }
    return tags;
  }

  private static String patientId(JsonNode bundle, String story) {
    for (JsonNode entry : bundle.path("entry")) {
      JsonNode resource = entry.path("resource");
      if ("Patient".equals(resource.path("resourceType").asText())) {
        return resource.path("id").asText();
      }
    }
    throw new IllegalStateException("story " + story + " has no Patient");
  }

  private JsonNode readJson(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record StorySource(String name, String scenarioJson, String bundleJson) {}

  private List<StorySource> sources() {
    try {
      return properties.scenarios() != null ? folderSources(properties.scenarios()) : packagedSources();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the patient stories", e);
    }
  }

  private static List<StorySource> folderSources(Path root) throws IOException {
    List<StorySource> list = new ArrayList<>();
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        Path scenario = dir.resolve("scenario.json");
        Path bundle = dir.resolve("bundle.json");
        if (Files.isRegularFile(scenario) && Files.isRegularFile(bundle)) {
          list.add(new StorySource(dir.getFileName().toString(), Files.readString(scenario), Files.readString(bundle)));
        }
      }
    }
    return list;
  }

  private static List<StorySource> packagedSources() throws IOException {
    var resolver = new PathMatchingResourcePatternResolver();
    List<StorySource> list = new ArrayList<>();
    for (var scenario : resolver.getResources("classpath*:scenarios/*/scenario.json")) {
      var bundle = scenario.createRelative("bundle.json");
      String url = scenario.getURL().toString();
      String name = url.substring(0, url.lastIndexOf('/'));
      name = name.substring(name.lastIndexOf('/') + 1);
      list.add(new StorySource(name, read(scenario.getInputStream()), read(bundle.getInputStream())));
    }
    return list;
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
