package carac.cds;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the CDS Hooks service ({@code carac.cds.*}); every field has a default in code. No clinical
 * number lives here: thresholds and codes are in {@code cql/}.
 *
 * @param publicBaseUrl the service's public base (e.g. {@code https://cds.example.org}); the JWT {@code aud}
 *     must equal this plus the path called. Empty: taken from the request.
 * @param language card wording, {@code en} or {@code zh}
 * @param timeZone the zone of "today" and of the evaluation instant; empty = the system zone
 * @param maxBodyBytes requests above this size get 413
 * @param lookbackDays the Observation prefetch asks for results of the last N days ({@code date=ge...});
 *     0 = no date window (for clients that cannot resolve {@code {{today()}}})
 * @param allowedFhirServers if not empty, {@code fhirServer} must start with one of these
 * @param prefetchProfile {@code full} (default): discovery asks for every key; {@code lean}: only the keys that
 *     decide whether the patient has a CAR-T course, the service fetching the rest for the few with one
 */
@ConfigurationProperties("carac.cds")
public record CdsProperties(
    String publicBaseUrl,
    String language,
    String timeZone,
    Long maxBodyBytes,
    Integer lookbackDays,
    List<String> allowedFhirServers,
    Fetch fetch,
    Security security,
    Links links,
    List<String> corsAllowedOrigins,
    List<OverrideReason> overrideReasons,
    Feedback feedback,
    PrefetchTemplates.Profile prefetchProfile) {

  public CdsProperties {
    publicBaseUrl = publicBaseUrl == null ? "" : stripSlash(publicBaseUrl.strip());
    language = language == null || language.isBlank() ? "en" : language;
    timeZone = timeZone == null ? "" : timeZone;
    maxBodyBytes = maxBodyBytes == null ? 5L * 1024 * 1024 : maxBodyBytes;
    lookbackDays = lookbackDays == null ? 180 : lookbackDays;
    allowedFhirServers = allowedFhirServers == null ? List.of() : List.copyOf(allowedFhirServers);
    fetch = fetch == null ? new Fetch(null, null, null, null, null, null, null, null, null, null, null) : fetch;
    security = security == null ? new Security(null, null, null, null, null, null, null, null, null, null) : security;
    links = links == null ? new Links(null, null) : links;
    corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
    overrideReasons = overrideReasons == null || overrideReasons.isEmpty() ? OverrideReason.DEFAULTS : List.copyOf(overrideReasons);
    feedback = feedback == null ? new Feedback(null, null, null) : feedback;
    prefetchProfile = prefetchProfile == null ? PrefetchTemplates.Profile.FULL : prefetchProfile;
  }

  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Call-backs to the EHR's FHIR server, with caps that keep one bad server from exhausting the service:
   * bytes per answer, resources per prefetch key, HTTP requests per hook, parallel requests per host and
   * call-backs waiting for a thread.
   */
  public record Fetch(Duration connectTimeout, Duration readTimeout, Duration totalBudget, Integer maxPages, Integer threads,
      Integer pageSize, Long maxResponseBytes, Integer maxResourcesPerKey, Integer maxCallbacksPerHook, Integer maxPerHost,
      Integer queueSize) {
    public Fetch {
      connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
      readTimeout = readTimeout == null ? Duration.ofSeconds(4) : readTimeout;
      totalBudget = totalBudget == null ? Duration.ofSeconds(5) : totalBudget;
      maxPages = maxPages == null ? 50 : maxPages;
      threads = threads == null ? 16 : threads;
      pageSize = pageSize == null ? 1000 : pageSize;
      maxResponseBytes = maxResponseBytes == null ? 8L * 1024 * 1024 : maxResponseBytes;
      maxResourcesPerKey = maxResourcesPerKey == null ? 20_000 : maxResourcesPerKey;
      maxCallbacksPerHook = maxCallbacksPerHook == null ? 120 : maxCallbacksPerHook;
      // default: one EHR may use every thread (the usual deployment); set it lower when several FHIR hosts call
      maxPerHost = maxPerHost == null ? threads : maxPerHost;
      queueSize = queueSize == null ? 256 : queueSize;
    }
  }

  /**
   * Who may call. {@code maxTokenLifetime}: the longest {@code exp - iat} accepted. {@code disableVerificationLocalOnly}: skip JWT checks for loopback callers only, with a
   * loud warning at every start; never for a deployment. {@code jwksCacheTtl}: how long a fetched JWKS is
   * used; {@code jwksRefreshInterval}: an unknown {@code kid} refetches the set at most twice per interval.
   * {@code replayStore}: where seen {@code jti} values live: {@code auto} (the database when
   * {@code carac.cds.feedback.url} names a shared one, else memory), {@code memory} or {@code database}.
   */
  public record Security(
      List<TrustedIssuer> trustedIssuers,
      List<String> algorithms,
      Duration maxIatAge,
      Duration clockSkew,
      Integer replayCacheSize,
      Boolean disableVerificationLocalOnly,
      Duration jwksCacheTtl,
      Duration jwksRefreshInterval,
      String replayStore,
      Duration maxTokenLifetime) {
    public Security {
      trustedIssuers = trustedIssuers == null ? List.of() : List.copyOf(trustedIssuers);
      algorithms = algorithms == null || algorithms.isEmpty()
          ? List.of("ES384", "RS384", "ES256", "RS256", "ES512", "RS512", "PS256", "PS384", "PS512")
          : List.copyOf(algorithms);
      maxIatAge = maxIatAge == null ? Duration.ofMinutes(5) : maxIatAge;
      clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
      replayCacheSize = replayCacheSize == null ? 100_000 : replayCacheSize;
      disableVerificationLocalOnly = Boolean.TRUE.equals(disableVerificationLocalOnly);
      jwksCacheTtl = jwksCacheTtl == null ? Duration.ofMinutes(15) : jwksCacheTtl;
      jwksRefreshInterval = jwksRefreshInterval == null ? Duration.ofSeconds(30) : jwksRefreshInterval;
      replayStore = replayStore == null || replayStore.isBlank() ? "auto" : replayStore;
      if (!List.of("auto", "memory", "database").contains(replayStore)) {
        throw new IllegalStateException("carac.cds.security.replay-store must be auto, memory or database, not " + replayStore);
      }
      // exp - iat above this is refused: a 10-year token would otherwise sit in the replay cache for ever
      maxTokenLifetime = maxTokenLifetime == null ? Duration.ofMinutes(15) : maxTokenLifetime;
    }
  }

  /**
   * A CDS client we trust: its {@code iss}, where its keys are ({@code jwksUrl} or {@code jwksFile}), and
   * the {@code jku} header values accepted from it (a jku not listed, and not equal to {@code jwksUrl}, is
   * refused). With a JWKS configured the {@code jku} is never fetched; without one, keys come from an
   * allow-listed {@code jku}.
   */
  public record TrustedIssuer(String issuer, String jwksUrl, String jwksFile, List<String> allowedJku) {
    public TrustedIssuer {
      allowedJku = allowedJku == null ? List.of() : List.copyOf(allowedJku);
    }
  }

  /**
   * Card links. {@code appLaunchUrl}: the SMART app's launch URL (absolute; empty = {@code publicBase + /app/launch.html}).
   * {@code ruleSourceUrl}: absolute URL of a rule's source text with {@code {rule}} in it; empty = no link.
   */
  public record Links(String appLaunchUrl, String ruleSourceUrl) {
    public Links {
      appLaunchUrl = appLaunchUrl == null ? "" : appLaunchUrl;
      ruleSourceUrl = ruleSourceUrl == null ? "" : ruleSourceUrl;
    }
  }

  /** An override reason offered on every card. */
  public record OverrideReason(String system, String code, String display) {
    static final String SYSTEM = "https://carac-watch.example.org/CodeSystem/card-override-reason";
    static final List<OverrideReason> DEFAULTS = List.of(
        new OverrideReason(SYSTEM, "already-addressed", "Already addressed"),
        new OverrideReason(SYSTEM, "not-applicable", "Does not apply to this patient"),
        new OverrideReason(SYSTEM, "data-incorrect", "Data shown is wrong or outdated"),
        new OverrideReason(SYSTEM, "clinical-judgement", "Clinical judgement differs"));
  }

  /**
   * The feedback store: an H2 file under the data directory by default, PostgreSQL when {@code url} says so.
   */
  public record Feedback(String url, String username, String password) {}
}
