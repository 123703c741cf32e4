package carac.sandbox;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Loads the patient stories once the server is up, then the extra bundles (if any), refreshes the
 * database's statistics ({@link SearchStatistics}), then prints where
 * everything is, how long the start took and how much memory the process holds, so a new user knows what
 * to open.
 */
@Component
public class SandboxStartup {

  private static final Logger log = LoggerFactory.getLogger(SandboxStartup.class);

  private final ScenarioLoader loader;
  private final ExtraBundleLoader extraBundles;
  private final StoryCatalog catalog;
  private final SandboxProperties properties;
  private final Environment environment;
  private final SearchStatistics statistics;

  public SandboxStartup(
      ScenarioLoader loader,
      ExtraBundleLoader extraBundles,
      StoryCatalog catalog,
      SandboxProperties properties,
      Environment environment,
      SearchStatistics statistics) {
    this.loader = loader;
    this.extraBundles = extraBundles;
    this.catalog = catalog;
    this.properties = properties;
    this.environment = environment;
    this.statistics = statistics;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void ready() {
    if (properties.loadScenarios()) {
      List<Story> stories = loader.loadAll();
      catalog.replace(stories);
      log.info("{} patient stories in the FHIR server ({} written now)", stories.size(), loader.writtenCount());
    }
    if (properties.extraBundles() != null && !properties.extraBundles().toString().isBlank()) {
      extraBundles.loadFolder(properties.extraBundles());
    }
    // the planner's statistics of what is now stored, before the first search (CDS call-backs, the app)
    statistics.refresh();
    String base =
        properties.publicBaseUrl() != null && !properties.publicBaseUrl().isBlank()
            ? properties.publicBaseUrl().replaceAll("/+$", "")
            // 127.0.0.1, not localhost: the app's loopback redirect URI matches 127.0.0.1 on any port (RFC 8252)
            : "http://127.0.0.1:" + environment.getProperty("local.server.port", "8080");
    double seconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    System.out.printf(
        "%nCARAC Watch sandbox is ready (%.1f s since JVM start, RSS %s).%n"
            + "  Sandbox home (EHR page):  %s/%n"
            + "  FHIR R4 base:             %s/fhir%n"
            + "  SMART configuration:      %s/fhir/.well-known/smart-configuration%n"
            + "  CDS Hooks discovery:      %s/cds-services%n"
            + "  Sign in as clinician / clinician (sandbox user). Stop with Ctrl+C.%n%n",
        seconds, residentMemory(), base, base, base, base);
  }

  /** Resident set size from /proc (Linux); "unknown" elsewhere. */
  static String residentMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return (kb / 1024) + " MB";
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing to report
    }
    return "unknown";
  }
}
