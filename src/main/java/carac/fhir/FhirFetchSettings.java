package carac.fhir;

import java.time.Duration;

/**
 * Bounds of every call-back to a FHIR server: connect and read timeouts per HTTP request, a total budget
 * for all queries of one evaluation, the most pages followed per query, the parallel requests, and the
 * {@code _count} asked of searches that name none (fewer pages, fewer round trips; servers may cap it).
 * A hostile or broken server must never exhaust the service, so there are also caps on the bytes of one
 * answer, the resources kept per key, the HTTP requests of one hook, the requests to one host at a time
 * and the requests waiting for a thread.
 */
public record FhirFetchSettings(
    Duration connectTimeout, Duration readTimeout, Duration totalBudget, int maxPages, int threads, int pageSize,
    long maxResponseBytes, int maxResourcesPerKey, int maxCallbacksPerHook, int maxPerHost, int queueSize) {

  public FhirFetchSettings {
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    readTimeout = readTimeout == null ? Duration.ofSeconds(5) : readTimeout;
    totalBudget = totalBudget == null ? Duration.ofSeconds(6) : totalBudget;
    maxPages = maxPages <= 0 ? 50 : maxPages;
    threads = threads <= 0 ? 16 : threads;
    pageSize = pageSize <= 0 ? 1000 : pageSize;
    maxResponseBytes = maxResponseBytes <= 0 ? 8L * 1024 * 1024 : maxResponseBytes;
    maxResourcesPerKey = maxResourcesPerKey <= 0 ? 20_000 : maxResourcesPerKey;
    maxCallbacksPerHook = maxCallbacksPerHook <= 0 ? 120 : maxCallbacksPerHook;
    maxPerHost = maxPerHost <= 0 ? threads : maxPerHost;
    queueSize = queueSize <= 0 ? 256 : queueSize;
  }

  /** The first six bounds; the hardening caps take their defaults. */
  public FhirFetchSettings(Duration connectTimeout, Duration readTimeout, Duration totalBudget, int maxPages, int threads,
      int pageSize) {
    this(connectTimeout, readTimeout, totalBudget, maxPages, threads, pageSize, 0, 0, 0, 0, 0);
  }

  public static FhirFetchSettings defaults() {
    return new FhirFetchSettings(null, null, null, 0, 0, 0);
  }
}
