package carac.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Posts a folder of extra FHIR transaction or batch Bundles into the sandbox FHIR server once, for
 * instance a Synthea background population ({@code tools/synthea}; {@code carac.sandbox.extra-bundles}).
 *
 * <p>Every {@code *.json} file below the folder is read one at a time (Synthea writes one bundle of several
 * MB per patient). Synthea's {@code hospitalInformation*} and {@code practitionerInformation*} bundles go
 * first, because the patients' bundles refer to their Organizations, Locations and Practitioners by
 * conditional references; then the others in path order. Each bundle goes through the system DAO as it
 * is (a transaction all or nothing, a batch entry by entry); every resource gets the sandbox tag
 * {@code extra-bundle}, so the background can be found with {@code _tag}.
 *
 * <p>Idempotent: such bundles usually POST (urn:uuid full URLs), so posting one again would duplicate it.
 * Each loaded file's SHA-256 is written to {@code DATA_DIR/loaded-bundles.txt}; a file whose content is
 * there already is skipped. A file that fails (unreadable, not a transaction or batch, refused by the
 * server) is logged with its name and reason, counted, left out of the ledger (tried again at the next
 * start) and never stops start-up. A batch of which the server refused some entries counts as failed but
 * is recorded, so its accepted entries are not posted twice.
 */
@Component
public class ExtraBundleLoader {

  /** The ledger's file name, in the data directory. */
  public static final String LEDGER = "loaded-bundles.txt";

  /** The tag code every resource loaded from an extra bundle carries (system {@link ScenarioLoader#TAG_SYSTEM}). */
  public static final String TAG_CODE = "extra-bundle";

  private static final String TAG_DISPLAY = "loaded from carac.sandbox.extra-bundles";
  private static final List<String> SHARED_FIRST = List.of("hospitalInformation", "practitionerInformation");
  private static final Logger log = LoggerFactory.getLogger(ExtraBundleLoader.class);

  /** Where bundles go: the FHIR server's system DAO in the application, a stand-in in tests. */
  @FunctionalInterface
  interface BundleTarget {
    /** Processes a transaction or batch bundle and returns the response bundle; throws if refused. */
    Bundle process(Bundle bundle);
  }

  /** The outcome of one folder: files loaded now, skipped (loaded before, or not a FHIR Bundle), failed. */
  public record Summary(int loaded, int skipped, int failed) {
    @Override
    public String toString() {
      return loaded + " extra bundles loaded, " + skipped + " skipped, " + failed + " failed";
    }
  }

  private final FhirContext fhirContext;
  private final BundleTarget target;
  private final Path ledger;
  private final Clock clock;
  private final JsonFactory jsonFactory = new JsonFactory();

  @Autowired
  public ExtraBundleLoader(
      FhirContext fhirContext,
      IFhirSystemDao<Bundle, ?> systemDao,
      @Value("${carac.data-dir}") Path dataDir) {
    // the ledger's loaded-at is wall-clock time, not the sandbox's (possibly pinned) clinical "now"
    this(fhirContext, bundle -> systemDao.transaction(new SystemRequestDetails(), bundle), dataDir.resolve(LEDGER),
        Clock.systemUTC());
  }

  ExtraBundleLoader(FhirContext fhirContext, BundleTarget target, Path ledger, Clock clock) {
    this.fhirContext = fhirContext;
    this.target = target;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Loads every bundle of the folder not loaded before; never throws for a bad file or folder. */
  public Summary loadFolder(Path folder) {
    if (folder == null || !Files.isDirectory(folder)) {
      log.error("carac.sandbox.extra-bundles: {} is not a folder; no extra bundles loaded", folder);
      return new Summary(0, 0, 0);
    }
    List<Path> files;
    try {
      files = bundleFiles(folder);
    } catch (IOException | UncheckedIOException e) {
      log.error("carac.sandbox.extra-bundles: cannot list {}: {}; no extra bundles loaded", folder, e.getMessage());
      return new Summary(0, 0, 0);
    }
    Set<String> loadedBefore = readLedger();
    int loaded = 0;
    int skipped = 0;
    int failed = 0;
    for (Path file : files) {
      String name = folder.relativize(file).toString();
      Outcome outcome;
      try {
        outcome = loadFile(file, name, loadedBefore);
      } catch (RuntimeException e) {
        // whatever one file does, start-up goes on
        outcome = failed(name, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
      }
      switch (outcome) {
        case LOADED -> loaded++;
        case SKIPPED -> skipped++;
        case FAILED -> failed++;
      }
    }
    Summary summary = new Summary(loaded, skipped, failed);
    if (failed > 0) {
      log.warn("{} from {} (failed files are logged above and tried again at the next start)", summary, folder);
    } else {
      log.info("{} from {}", summary, folder);
    }
    return summary;
  }

  private enum Outcome { LOADED, SKIPPED, FAILED }

  private Outcome loadFile(Path file, String name, Set<String> loadedBefore) {
    long start = System.nanoTime();
    String sha256;
    try {
      sha256 = sha256(file);
      if (loadedBefore.contains(sha256)) {
        log.debug("Extra bundle {} was loaded before: skipped", name);
        return Outcome.SKIPPED;
      }
      String resourceType = topLevelResourceType(file);
      if (!"Bundle".equals(resourceType)) {
        // e.g. Synthea's metadata/*.json beside the bundles
        log.info("Extra bundle folder: {} is not a FHIR Bundle ({}): skipped", name,
            resourceType == null ? "no resourceType" : "resourceType " + resourceType);
        return Outcome.SKIPPED;
      }
    } catch (IOException | UncheckedIOException e) {
      return failed(name, "cannot read it as JSON: " + firstLine(e.getMessage()));
    }

    Bundle bundle;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      bundle = fhirContext.newJsonParser().parseResource(Bundle.class, reader);
    } catch (IOException | DataFormatException e) {
      return failed(name, "not a readable FHIR Bundle: " + firstLine(e.getMessage()));
    }
    Bundle.BundleType type = bundle.getType();
    if (type != Bundle.BundleType.TRANSACTION && type != Bundle.BundleType.BATCH) {
      return failed(name, "a " + (type == null ? "Bundle without type" : type.toCode() + " Bundle")
          + "; only transaction and batch Bundles are loaded");
    }
    int entries = bundle.getEntry().size();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource != null) {
        resource.getMeta().addTag(ScenarioLoader.TAG_SYSTEM, TAG_CODE, TAG_DISPLAY);
      }
    }

    Bundle response;
    try {
      response = target.process(bundle);
    } catch (RuntimeException e) {
      return failed(name, "the FHIR server refused the " + type.toCode() + ": " + firstLine(e.getMessage()));
    }
    List<String> refused = type == Bundle.BundleType.BATCH ? refusedEntries(response) : List.of();
    record(sha256, name, refused.isEmpty() ? "loaded" : "partial");
    loadedBefore.add(sha256);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!refused.isEmpty()) {
      log.error("Extra bundle {} failed in part: the server refused {} of {} batch entries (first: {}); "
              + "the accepted entries stay and the file is recorded as loaded so they are not posted again",
          name, refused.size(), entries, refused.get(0));
      return Outcome.FAILED;
    }
    log.info("Loaded extra bundle {} ({} {} entries, {} s)", name, entries, type.toCode(),
        String.format("%.1f", seconds));
    return Outcome.LOADED;
  }

  private static Outcome failed(String name, String reason) {
    log.error("Extra bundle {} failed and was skipped: {}", name, reason);
    return Outcome.FAILED;
  }

  /** Batch response entries whose status is not 2xx, as "entry N: status". */
  private static List<String> refusedEntries(Bundle response) {
    List<String> refused = new ArrayList<>();
    if (response == null) {
      return refused;
    }
    List<Bundle.BundleEntryComponent> entries = response.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      String status = entries.get(i).getResponse().getStatus();
      if (status == null || !status.strip().startsWith("2")) {
        refused.add("entry " + i + ": " + (status == null ? "no status" : status));
      }
    }
    return refused;
  }

  /** Every *.json file below the folder: Synthea's shared bundles first, then the rest in path order. */
  private static List<Path> bundleFiles(Path folder) throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .sorted(Comparator.comparingInt(ExtraBundleLoader::rank).thenComparing(Path::toString))
          .toList();
    }
  }

  private static int rank(Path file) {
    String name = file.getFileName().toString();
    for (int i = 0; i < SHARED_FIRST.size(); i++) {
      if (name.startsWith(SHARED_FIRST.get(i))) {
        return i;
      }
    }
    return SHARED_FIRST.size();
  }

  /** The root object's resourceType, read with a streaming parser (no tree of a large file in memory). */
  private String topLevelResourceType(Path file) throws IOException {
    try (JsonParser parser = jsonFactory.createParser(file.toFile())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the file does not hold a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("resourceType".equals(field)) {
          return value == JsonToken.VALUE_STRING ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return null;
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The SHA-256 of every file recorded in the ledger (first column of each line). */
  private Set<String> readLedger() {
    Set<String> hashes = new HashSet<>();
    if (!Files.isRegularFile(ledger)) {
      return hashes;
    }
    try {
      for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          hashes.add(trimmed.split("\\s+", 2)[0]);
        }
      }
    } catch (IOException e) {
      log.error("cannot read {}: {}; every extra bundle counts as not loaded", ledger, e.getMessage());
    }
    return hashes;
  }

  /** Appends "sha256 TAB loaded-at TAB status TAB file" right after each file, so a crash keeps the record. */
  private void record(String sha256, String name, String status) {
    try {
      Path parent = ledger.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!Files.exists(ledger)) {
        Files.writeString(ledger,
            "# extra bundles loaded into the sandbox FHIR server (carac.sandbox.extra-bundles); "
                + "delete a line to load that file again\n# sha256\tloaded-at\tstatus\tfile\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
      }
      Files.writeString(ledger, sha256 + "\t" + clock.instant() + "\t" + status + "\t" + name + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.error("cannot write {}: {}; {} may be posted again at the next start", ledger, e.getMessage(), name);
    }
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no reason given";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
