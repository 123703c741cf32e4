package carac.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.apache.ApacheHttpRequest;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import carac.fhir.FetchResult.Failure;
import carac.fhir.FetchResult.Reason;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.http.client.methods.HttpRequestBase;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * Runs a set of FHIR queries for one patient against one FHIR server with the caller's token: reads
 * ({@code Patient/123}) and searches ({@code Observation?patient=123&...}), all pages followed, in
 * parallel, each bounded by the client timeouts and all together by the total budget. A query that is not
 * done when the budget ends is reported as {@link Reason#TIMEOUT}, and its HTTP exchange is aborted so a
 * server that drips bytes cannot hold a shared thread past the budget. Answers are size-capped while read,
 * resources per key and requests per call are capped, one host gets at most part of the threads, and the
 * wait queue is bounded. Paging links are only followed to the same server, so the token never leaves for
 * another host. Thread-safe.
 */
public final class PatientDataFetcher implements AutoCloseable {

  private static final Pattern READ = Pattern.compile("^([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})$");
  private static final int MAX_TRACKED_HOSTS = 10_000;

  private final FhirClientFactory clients;
  private final FhirFetchSettings settings;
  private final ThreadPoolExecutor executor;
  private final Map<String, Semaphore> perHost = new ConcurrentHashMap<>();
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
    // bounded queue: when full, a call-back is refused at once ("busy") rather than piling up behind others
    this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.queueSize()), r -> {
          Thread t = new Thread(r, "fhir-fetch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
  }

  public FhirFetchSettings settings() {
    return settings;
  }

  /** What one hook's fetch shares between its queries: the deadline, the request count, the open exchanges. */
  private final class Call implements IClientInterceptor {
    final long deadline = System.nanoTime() + settings.totalBudget().toNanos();
    final AtomicInteger requests = new AtomicInteger();
    final Set<HttpRequestBase> open = ConcurrentHashMap.newKeySet();
    volatile boolean over;

    @Override
    public void interceptRequest(IHttpRequest request) {
      if (request instanceof ApacheHttpRequest apache) {
        open.add(apache.getApacheRequest());
        if (over) {
          apache.getApacheRequest().abort();
        }
      }
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
      // nothing: exchanges stay registered until the call ends (abort of a finished one is harmless)
    }

    /** Budget over: every exchange still open is aborted, which frees a thread blocked in a socket read. */
    void end() {
      over = true;
      open.forEach(HttpRequestBase::abort);
    }
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
    Call call = new Call();
    String base = stripSlash(baseUrl);
    IGenericClient client = clients.client(base, bearerToken);
    client.registerInterceptor(call);
    Semaphore host = hostLimit(base);
    Map<String, Future<FetchResult>> running = new LinkedHashMap<>();
    Map<String, FetchResult> refused = new LinkedHashMap<>();
    for (var e : queries.entrySet()) {
      try {
        running.put(e.getKey(), executor.submit(() -> limited(host, call, () -> run(client, base, e.getValue(), call))));
      } catch (RejectedExecutionException busy) {
        refused.put(e.getKey(), new Failure(Reason.TIMEOUT, 0, "the service is busy (call-back queue full)"));
      }
    }
    Map<String, FetchResult> results = new LinkedHashMap<>();
    try {
      for (String key : queries.keySet()) {
        Future<FetchResult> future = running.get(key);
        results.put(key, future == null ? refused.get(key) : await(future, call.deadline));
      }
    } finally {
      call.end();
    }
    return results;
  }

  private interface Query {
    FetchResult run();
  }

  /** At most {@code maxPerHost} requests to one host at a time, so one slow host cannot take every thread. */
  private FetchResult limited(Semaphore host, Call call, Query query) throws InterruptedException {
    long wait = call.deadline - System.nanoTime();
    if (wait <= 0 || !host.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
      return budgetExhausted();
    }
    try {
      return query.run();
    } finally {
      host.release();
    }
  }

  private Semaphore hostLimit(String base) {
    String host;
    try {
      URI uri = URI.create(base);
      host = (uri.getHost() == null ? base : uri.getHost().toLowerCase(Locale.ROOT)) + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      host = base;
    }
    if (perHost.size() > MAX_TRACKED_HOSTS) {
      perHost.clear(); // a flood of distinct hosts must not grow this map without end
    }
    return perHost.computeIfAbsent(host, h -> new Semaphore(settings.maxPerHost()));
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

  private Failure tooManyRequests() {
    return new Failure(Reason.INVALID_RESPONSE, 0, "more than " + settings.maxCallbacksPerHook() + " call-backs for one hook");
  }

  private FetchResult run(IGenericClient client, String base, String query, Call call) {
    try {
      var read = READ.matcher(query);
      if (call.requests.incrementAndGet() > settings.maxCallbacksPerHook()) {
        return tooManyRequests();
      }
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
        if (resources.size() > settings.maxResourcesPerKey()) {
          return new Failure(Reason.INVALID_RESPONSE, 0, "more than " + settings.maxResourcesPerKey() + " resources");
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
        if (System.nanoTime() > call.deadline) {
          return budgetExhausted();
        }
        if (call.requests.incrementAndGet() > settings.maxCallbacksPerHook()) {
          return tooManyRequests();
        }
        page = client.loadPage().next(page).execute();
      }
    } catch (RuntimeException e) {
      return call.over ? budgetExhausted() : failure(e);
    }
  }

  /**
   * Maps a HAPI client exception to a reason in plain words; the detail never quotes URLs (they hold the
   * patient id) nor exception class names (they end up on cards).
   */
  static Failure failure(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ResponseSizeCap.TooLarge large) {
        return new Failure(Reason.INVALID_RESPONSE, 0, "the FHIR server's answer was " + large.getMessage());
      }
    }
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
    // anything else (e.g. a parser fault on odd FHIR): plain words, never the exception's name
    return new Failure(Reason.INVALID_RESPONSE, 0, "the FHIR server's answer could not be read");
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
