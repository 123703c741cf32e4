package carac.fhir;

import java.time.Duration;

/**
 * Bounds of every call-back to a FHIR server: connect and read timeouts per HTTP request, a total budget
 * for all queries of one evaluation, the most pages followed per query, the parallel requests, and the
 * {@code _count} asked of searches that name none (fewer pages, fewer round trips; servers may cap it).
 */
public record FhirFetchSettings(
    Duration connectTimeout, Duration readTimeout, Duration totalBudget, int maxPages, int threads, int pageSize) {

  public FhirFetchSettings {
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    readTimeout = readTimeout == null ? Duration.ofSeconds(5) : readTimeout;
    totalBudget = totalBudget == null ? Duration.ofSeconds(6) : totalBudget;
    maxPages = maxPages <= 0 ? 50 : maxPages;
    threads = threads <= 0 ? 16 : threads;
    pageSize = pageSize <= 0 ? 1000 : pageSize;
  }

  public static FhirFetchSettings defaults() {
    return new FhirFetchSettings(null, null, null, 0, 0, 0);
  }
}
