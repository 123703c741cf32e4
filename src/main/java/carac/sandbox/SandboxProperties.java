package carac.sandbox;

import java.nio.file.Path;
import java.time.Instant;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sandbox (prefix {@code carac.sandbox}).
 *
 * @param scenarios a folder of patient stories ({@code <story>/scenario.json + bundle.json}) to load
 *     instead of the stories packaged in the jar; empty = the packaged ones
 * @param loadScenarios whether to load the stories into the FHIR server at start-up
 * @param fixedInstant pins "now" (tests and reproducible demos); empty = the system clock
 * @param publicBaseUrl the externally visible base URL (e.g. {@code https://carac.example.org}); empty =
 *     taken from each request
 * @param extraBundles a folder of extra FHIR transaction or batch Bundles (e.g. a Synthea background
 *     population) posted once after the stories, see {@link ExtraBundleLoader}; empty = none
 */
@ConfigurationProperties("carac.sandbox")
public record SandboxProperties(
    Path scenarios,
    @DefaultValue("true") boolean loadScenarios,
    Instant fixedInstant,
    String publicBaseUrl,
    Path extraBundles) {}
