package carac.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import carac.fhir.FetchResult.Failure;
import carac.fhir.FetchResult.Reason;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * Runs a set of FHIR queries for one patient against one FHIR server with the caller's token: reads
 * ({@code Patient/123}) and searches ({@code Observation?patient=123&...}), all pages followed, in
 * parallel, each bounded by the client timeouts and all together by the total budget. A query that is not
 * done when the budget ends is reported as {@link Reason#TIMEOUT}, never waited for. Paging links are only
 * followed to the same server, so the token never leaves for another host. Thread-safe.
 */
public final class PatientDataFetcher implements AutoCloseable {

  private static final Pattern READ = Pattern.compile("^([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})$");

  private final FhirClientFactory clients;
  private final FhirFetchSettings settings;
  private final ExecutorService executor;
  private final FhirServerAllowList allowList;

  /** Without an allow-list: for the command line and tests that call a local server. */
  public PatientDataFetcher(FhirFetchSettings settings) {
    this(settings, null);
  }

  /** @param allowList checked before any request, so a token never leaves for a server not configured */
  public PatientDataFetcher(FhirFetchSettings settings, FhirServerAllowList allowList) {
    this.settings = settings;
    this.allowList = allowList;
    this.clients = new FhirClientFactory(settings);
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "fhir-fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
  }

  public FhirFetchSettings settings() {
    return settings;
  }

  /**
   * @param baseUrl the FHIR server base (e.g. {@code https://ehr.example/fhir})
   * @param bearerToken the caller's access token, sent as is; null sends none
   * @param queries key → query relative to the base; the result map has the same keys in the same order
   * @throws FhirServerAllowList.Refused when the base is not on the allow-list (nothing is sent)
   */
  public Map<String, FetchResult> fetch(String baseUrl, String bearerToken, Map<String, String> queries) {
    if (allowList != null) {
      allowList.check(baseUrl);
    }
    long deadline = System.nanoTime() + settings.totalBudget().toNanos();
    String base = stripSlash(baseUrl);
    IGenericClient client = clients.client(base, bearerToken);
    Map<String, Future<FetchResult>> running = new LinkedHashMap<>();
    queries.forEach((key, query) -> running.put(key, executor.submit(() -> run(client, base, query, deadline))));
    Map<String, FetchResult> results = new LinkedHashMap<>();
    for (var entry : running.entrySet()) {
      results.put(entry.getKey(), await(entry.getValue(), deadline));
    }
    return results;
  }

  private FetchResult await(Future<FetchResult> future, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | CancellationException e) {
      future.cancel(true);
      return budgetExhausted();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return budgetExhausted();
    } catch (ExecutionException e) {
      return failure(e.getCause());
    }
  }

  private FetchResult budgetExhausted() {
    return new Failure(Reason.TIMEOUT, 0, "total budget of " + settings.totalBudget().toMillis() + " ms exhausted");
  }

  private FetchResult run(IGenericClient client, String base, String query, long deadline) {
    try {
      var read = READ.matcher(query);
      if (read.matches()) {
        Resource r = (Resource) client.read().resource(read.group(1)).withId(read.group(2)).execute();
        return new FetchResult.Success(List.of(r));
      }
      String search = query.contains("_count=") ? query
          : query + (query.contains("?") ? "&" : "?") + "_count=" + settings.pageSize();
      Bundle page = client.search().byUrl(search).returnBundle(Bundle.class).execute();
      List<Resource> resources = new ArrayList<>();
      for (int pages = 1; ; pages++) {
        for (var entry : page.getEntry()) {
          if (entry.getResource() != null && !(entry.getResource() instanceof OperationOutcome)) {
            resources.add(entry.getResource());
          }
        }
        var next = page.getLink(Bundle.LINK_NEXT);
        if (next == null || next.getUrl() == null) {
          return new FetchResult.Success(resources);
        }
        if (!next.getUrl().startsWith(base + "/") && !next.getUrl().startsWith(base + "?")) {
          return new Failure(Reason.INVALID_RESPONSE, 0, "paging link points outside the FHIR server");
        }
        if (pages >= settings.maxPages()) {
          return new Failure(Reason.INVALID_RESPONSE, 0, "more than " + settings.maxPages() + " pages");
        }
        if (System.nanoTime() > deadline) {
          return budgetExhausted();
        }
        page = client.loadPage().next(page).execute();
      }
    } catch (RuntimeException e) {
      return failure(e);
    }
  }

  /** Maps a HAPI client exception to a reason; the detail never quotes URLs (they hold the patient id). */
  static Failure failure(Throwable e) {
    // a connection failure is a BaseServerResponseException with status 0: check it first
    if (e instanceof FhirClientConnectionException) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof SocketTimeoutException) {
          return new Failure(Reason.TIMEOUT, 0, "read timeout");
        }
      }
      return new Failure(Reason.UNREACHABLE, 0, "FHIR server unreachable");
    }
    if (e instanceof AuthenticationException) {
      return new Failure(Reason.UNAUTHORIZED, 401, "the FHIR server refused the token (401)");
    }
    if (e instanceof ForbiddenOperationException) {
      return new Failure(Reason.FORBIDDEN, 403, "the FHIR server forbids this read (403)");
    }
    if (e instanceof ResourceNotFoundException || e instanceof ResourceGoneException) {
      return new Failure(Reason.NOT_FOUND, ((BaseServerResponseException) e).getStatusCode(), "not found");
    }
    if (e instanceof BaseServerResponseException http) {
      return new Failure(Reason.SERVER_ERROR, http.getStatusCode(), "the FHIR server answered HTTP " + http.getStatusCode());
    }
    if (e instanceof DataFormatException || e instanceof ClassCastException) {
      return new Failure(Reason.INVALID_RESPONSE, 0, "the FHIR server answered something that is not the expected FHIR");
    }
    return new Failure(Reason.SERVER_ERROR, 0, "call-back failed: " + e.getClass().getSimpleName());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
