package carac.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The extra-bundle loader without Spring or a database: a stand-in for the FHIR server records what would
 * be posted. The bundles of {@code src/test/resources/synthea-like/} are hand-written in the shape Synthea
 * writes (a batch of shared Organizations, a patient's transaction that POSTs with urn:uuid full URLs).
 */
class ExtraBundleLoaderTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Path SYNTHEA_LIKE = Path.of("src/test/resources/synthea-like");
  private static final String PATIENT_FILE = "Synthea456_Background123_5f0c2d7e-8a41-4b3c-9e2f-1a6b7c8d9e01.json";
  private static final String HOSPITAL_FILE = "hospitalInformation1748736000000.json";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  private Path folder;
  private Path ledger;
  private final List<Bundle> posted = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void copyTheSyntheaLikeOutput() throws IOException {
    folder = Files.createDirectories(tmp.resolve("synthea/fhir"));
    ledger = tmp.resolve("data").resolve(ExtraBundleLoader.LEDGER);
    try (Stream<Path> files = Files.list(SYNTHEA_LIKE)) {
      for (Path file : files.toList()) {
        Files.copy(file, folder.resolve(file.getFileName()));
      }
    }
    logs.start();
    logger().addAppender(logs);
  }

  @AfterEach
  void detachLogs() {
    logger().detachAppender(logs);
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(ExtraBundleLoader.class);
  }

  private ExtraBundleLoader loader(ExtraBundleLoader.BundleTarget target) {
    return new ExtraBundleLoader(FHIR, target, ledger, CLOCK);
  }

  /** Accepts everything, as the server does, and answers each entry with the given status. */
  private ExtraBundleLoader.BundleTarget accepting(String status) {
    return bundle -> {
      posted.add(bundle);
      Bundle response = new Bundle().setType(
          bundle.getType() == Bundle.BundleType.BATCH
              ? Bundle.BundleType.BATCHRESPONSE
              : Bundle.BundleType.TRANSACTIONRESPONSE);
      bundle.getEntry().forEach(e -> response.addEntry().getResponse().setStatus(status));
      return response;
    };
  }

  private List<String> ledgerLines() throws IOException {
    return Files.readAllLines(ledger).stream().filter(l -> !l.startsWith("#")).toList();
  }

  private List<String> errors() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void loadsTheSharedBundleFirstTagsEveryResourceAndRecordsEachFile() throws IOException {
    // Synthea's metadata/*.json is JSON but no FHIR resource: passed over, not a failure
    Files.writeString(tmp.resolve("synthea").resolve("run-metadata.json"), "{\"seed\": 42, \"population\": 1}");

    var summary = loader(accepting("201 Created")).loadFolder(tmp.resolve("synthea"));

    assertThat(summary).isEqualTo(new ExtraBundleLoader.Summary(2, 1, 0));
    assertThat(summary.toString()).isEqualTo("2 extra bundles loaded, 1 skipped, 0 failed");
    assertThat(posted).extracting(Bundle::getType)
        .containsExactly(Bundle.BundleType.BATCH, Bundle.BundleType.TRANSACTION);
    Bundle patient = posted.get(1);
    assertThat(patient.getEntry()).allSatisfy(e -> {
      assertThat(e.getFullUrl()).startsWith("urn:uuid:");
      assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
      assertThat(e.getResource().getMeta().getTag(ScenarioLoader.TAG_SYSTEM, ExtraBundleLoader.TAG_CODE)).isNotNull();
    });
    assertThat(patient.getEntry()).filteredOn(e -> e.getResource() instanceof Patient).hasSize(1);
    assertThat(ledgerLines()).hasSize(2);
    assertThat(ledgerLines().get(0)).matches("[0-9a-f]{64}\t2025-06-01T12:00:00Z\tloaded\tfhir/" + HOSPITAL_FILE);
    assertThat(ledgerLines().get(1)).endsWith("\tloaded\tfhir/" + PATIENT_FILE);
    assertThat(errors()).isEmpty();
  }

  @Test
  void aRestartPostsNothingTwiceButAChangedFileIsLoadedAgain() throws IOException {
    assertThat(loader(accepting("201 Created")).loadFolder(folder)).isEqualTo(new ExtraBundleLoader.Summary(2, 0, 0));
    posted.clear();

    assertThat(loader(accepting("201 Created")).loadFolder(folder)).isEqualTo(new ExtraBundleLoader.Summary(0, 2, 0));
    assertThat(posted).isEmpty();

    // the ledger keys on the content (SHA-256), not on the name
    Files.writeString(folder.resolve(PATIENT_FILE), "\n", StandardOpenOption.APPEND);
    assertThat(loader(accepting("201 Created")).loadFolder(folder)).isEqualTo(new ExtraBundleLoader.Summary(1, 1, 0));
    assertThat(posted).hasSize(1);
    assertThat(ledgerLines()).hasSize(3);
  }

  @Test
  void badBundlesAreLoggedCountedAndSkippedAndTriedAgainAtTheNextStart() throws IOException {
    Files.writeString(folder.resolve("not-json.json"), "Synthea was interrupted here");
    Files.writeString(folder.resolve("collection.json"), "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
    Files.writeString(folder.resolve("truncated.json"), "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{");
    ExtraBundleLoader.BundleTarget refusesThePatient = bundle -> {
      if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
        throw new InvalidRequestException("HAPI-1091: Invalid match URL \"Organization?identifier=x\"\nmore lines");
      }
      return accepting("201 Created").process(bundle);
    };

    var summary = loader(refusesThePatient).loadFolder(folder);

    assertThat(summary).isEqualTo(new ExtraBundleLoader.Summary(1, 0, 4));
    assertThat(summary.toString()).isEqualTo("1 extra bundles loaded, 0 skipped, 4 failed");
    assertThat(errors()).anySatisfy(m -> assertThat(m).contains("not-json.json").contains("cannot read it as JSON"))
        .anySatisfy(m -> assertThat(m).contains("collection.json").contains("a collection Bundle"))
        .anySatisfy(m -> assertThat(m).contains("truncated.json"))
        .anySatisfy(m -> assertThat(m).contains(PATIENT_FILE)
            .contains("the FHIR server refused the transaction: HAPI-1091: Invalid match URL")
            .doesNotContain("more lines"));
    assertThat(ledgerLines()).singleElement().asString().endsWith(HOSPITAL_FILE);

    posted.clear();
    var next = loader(accepting("201 Created")).loadFolder(folder);
    assertThat(next).isEqualTo(new ExtraBundleLoader.Summary(1, 1, 3));
    assertThat(posted).singleElement().extracting(Bundle::getType).isEqualTo(Bundle.BundleType.TRANSACTION);
  }

  @Test
  void aBatchWithRefusedEntriesFailsButIsRecordedSoItsAcceptedEntriesAreNotPostedTwice() throws IOException {
    Files.delete(folder.resolve(PATIENT_FILE));
    ExtraBundleLoader.BundleTarget refusesOneEntry = bundle -> {
      Bundle response = accepting("201 Created").process(bundle);
      response.getEntry().get(1).getResponse().setStatus("400 Bad Request");
      return response;
    };

    assertThat(loader(refusesOneEntry).loadFolder(folder)).isEqualTo(new ExtraBundleLoader.Summary(0, 0, 1));
    assertThat(errors()).singleElement().asString().contains(HOSPITAL_FILE).contains("1 of 2").contains("400 Bad Request");
    assertThat(ledgerLines()).singleElement().asString().contains("\tpartial\t");

    assertThat(loader(accepting("201 Created")).loadFolder(folder)).isEqualTo(new ExtraBundleLoader.Summary(0, 1, 0));
  }

  @Test
  void aMissingFolderLoadsNothingAndDoesNotStopStartUp() {
    assertThat(loader(accepting("201 Created")).loadFolder(tmp.resolve("no-such-folder")))
        .isEqualTo(new ExtraBundleLoader.Summary(0, 0, 0));
    assertThat(errors()).singleElement().asString().contains("no-such-folder").contains("is not a folder");
    assertThat(Files.exists(ledger)).isFalse();
  }

  @Test
  void theLedgerIsPlainTextAUserCanEdit() throws IOException {
    loader(accepting("201 Created")).loadFolder(folder);
    List<String> kept = new ArrayList<>(Files.readAllLines(ledger, StandardCharsets.UTF_8));
    kept.removeIf(l -> l.endsWith(PATIENT_FILE));
    Files.write(ledger, kept, StandardCharsets.UTF_8);
    posted.clear();

    assertThat(loader(accepting("201 Created")).loadFolder(folder)).isEqualTo(new ExtraBundleLoader.Summary(1, 1, 0));
    assertThat(posted).singleElement().extracting(Bundle::getType).isEqualTo(Bundle.BundleType.TRANSACTION);
  }
}
