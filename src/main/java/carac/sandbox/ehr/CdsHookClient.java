package carac.sandbox.ehr;

import carac.cds.CdsProperties;
import carac.cds.PrefetchTemplates;
import carac.smart.AccessTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sandbox EHR's CDS Hooks client, run on the server so that its private key never reaches a browser:
 * reads the CDS service's discovery, resolves each prefetch template against the sandbox's own FHIR server
 * with a short-lived patient-scoped token, sends the CDS Hooks 2.0 {@code patient-view} request with an
 * ES384 JWT over real HTTP, and sends card feedback the same way. Every call answers with what went over
 * the wire (the access token redacted), the status, the body and the time taken, for the EHR page's
 * integrator panel.
 */
@Component
public class CdsHookClient {

  static final String HOOK = "patient-view";
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
  static final String TOKEN_SCOPE = "patient/*.rs";
  static final String REDACTED = "[redacted: a " + TOKEN_LIFETIME.toMinutes() + "-minute patient-scoped access token]";
  private static final Pattern SERVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");
  private static final Duration DISCOVERY_CACHE = Duration.ofSeconds(60);
  private static final int MAX_PAGES = 50;
  private static final int MAX_FEEDBACK_ENTRIES = 64;
  private static final Logger log = LoggerFactory.getLogger(CdsHookClient.class);

  private final EhrSigningKey key;
  private final EhrEndpoints endpoints;
  private final AccessTokens tokens;
  private final Clock clock;
  private final CdsProperties cdsProperties;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();
  private final ExecutorService prefetchThreads = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "sandbox-ehr-prefetch");
    t.setDaemon(true);
    return t;
  });
  private volatile Discovery cached;

  public CdsHookClient(EhrSigningKey key, EhrEndpoints endpoints, AccessTokens tokens, Clock clock,
      CdsProperties cdsProperties) {
    this.key = key;
    this.endpoints = endpoints;
    this.tokens = tokens;
    this.clock = clock;
    this.cdsProperties = cdsProperties;
  }

  /** A discovery response as read (status, body, time), with when it was read. */
  private record Discovery(String url, int status, JsonNode body, long elapsedMs, Instant readAt) {}

  /** A failure talking to the CDS service or the FHIR server; the message is shown on the EHR page. */
  public static final class HookCallException extends RuntimeException {
    HookCallException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Fires {@code patient-view} at every service of the discovery that listens to it.
   *
   * @return {@code {discovery:{url,status,elapsedMs,cached}, calls:[{serviceId,title,url,request,status,body,
   *     elapsedMs,prefetchMs,callMs}], elapsedMs}}
   */
  public ObjectNode patientView(String patientId, String userId) {
    if (patientId == null || !FHIR_ID.matcher(patientId).matches()) {
      throw new IllegalArgumentException("patient must be a FHIR id");
    }
    long start = System.nanoTime();
    Discovery cachedBefore = cached;
    Discovery discovery = discovery();
    ObjectNode out = json.createObjectNode();
    ObjectNode d = out.putObject("discovery");
    d.put("url", discovery.url());
    d.put("status", discovery.status());
    d.put("elapsedMs", discovery.elapsedMs());
    d.put("cached", discovery == cachedBefore);
    ArrayNode calls = out.putArray("calls");
    if (discovery.status() != 200 || !discovery.body().path("services").isArray()) {
      d.set("body", discovery.body());
      out.put("elapsedMs", ms(start));
      return out;
    }
    AccessTokens.Issued token = tokens.issue(EhrSigningKey.CLIENT_ID, TOKEN_SCOPE, patientId, TOKEN_LIFETIME);
    Map<String, CompletableFuture<Fetched>> fetches = new LinkedHashMap<>();
    for (JsonNode service : discovery.body().get("services")) {
      if (!HOOK.equals(service.path("hook").asText()) || !SERVICE_ID.matcher(service.path("id").asText()).matches()) {
        continue;
      }
      calls.add(callService(service, patientId, userId, token, fetches));
    }
    out.put("elapsedMs", ms(start));
    return out;
  }

  private ObjectNode callService(JsonNode service, String patientId, String userId, AccessTokens.Issued token,
      Map<String, CompletableFuture<Fetched>> fetches) {
    String id = service.get("id").asText();
    String url = endpoints.cdsBase() + "/cds-services/" + id;
    long prefetchStart = System.nanoTime();
    ObjectNode prefetch = json.createObjectNode();
    JsonNode templates = service.path("prefetch");
    Map<String, String> context = Map.of("patientId", patientId, "userId", userId == null ? "" : userId);
    LocalDate today = today();
    List<String> keys = new ArrayList<>();
    templates.fieldNames().forEachRemaining(keys::add);
    Map<String, CompletableFuture<Fetched>> mine = new LinkedHashMap<>();
    for (String k : keys) {
      String query;
      try {
        query = PrefetchTemplates.resolve(templates.get(k).asText(), context, today);
      } catch (IllegalArgumentException e) {
        log.info("sandbox EHR: prefetch key {} of {} left out: {}", k, id, e.getMessage());
        continue; // a token this EHR cannot fill: the key is left out and the service fetches it
      }
      mine.put(k, fetches.computeIfAbsent(query, q -> CompletableFuture.supplyAsync(() -> fetch(q, token), prefetchThreads)));
    }
    mine.forEach((k, f) -> {
      Fetched fetched = f.join();
      if (fetched.include()) {
        prefetch.set(k, fetched.value());
      }
    });
    long prefetchMs = ms(prefetchStart);

    ObjectNode request = json.createObjectNode();
    request.put("hook", HOOK);
    request.put("hookInstance", UUID.randomUUID().toString());
    request.put("fhirServer", endpoints.fhirBase());
    ObjectNode auth = request.putObject("fhirAuthorization");
    auth.put("access_token", token.accessToken());
    auth.put("token_type", "Bearer");
    auth.put("expires_in", Math.max(1, Duration.between(Instant.now(), token.expiresAt()).toSeconds()));
    auth.put("scope", token.scope());
    auth.put("subject", EhrSigningKey.CLIENT_ID);
    auth.put("patient", patientId);
    ObjectNode ctx = request.putObject("context");
    if (userId != null) {
      ctx.put("userId", userId);
    }
    ctx.put("patientId", patientId);
    request.set("prefetch", prefetch);

    Sent sent = post(url, request.toString());
    ObjectNode call = json.createObjectNode();
    call.put("serviceId", id);
    if (service.hasNonNull("title")) {
      call.put("title", service.get("title").asText());
    }
    call.put("url", url);
    ObjectNode shown = request.deepCopy();
    ((ObjectNode) shown.get("fhirAuthorization")).put("access_token", REDACTED);
    call.set("request", shown);
    call.put("status", sent.status());
    call.set("body", sent.body());
    call.put("elapsedMs", sent.elapsedMs());
    call.put("prefetchMs", prefetchMs);
    call.put("prefetchKeys", prefetch.size());
    return call;
  }

  /**
   * Sends card feedback to {@code /cds-services/{id}/feedback}; each entry gets an {@code outcomeTimestamp}
   * if the page did not give one.
   */
  public ObjectNode feedback(String serviceId, JsonNode entries) {
    if (serviceId == null || !SERVICE_ID.matcher(serviceId).matches()) {
      throw new IllegalArgumentException("serviceId must be a CDS service id");
    }
    if (entries == null || !entries.isArray() || entries.isEmpty() || entries.size() > MAX_FEEDBACK_ENTRIES) {
      throw new IllegalArgumentException("feedback must be a non-empty array (at most " + MAX_FEEDBACK_ENTRIES + " entries)");
    }
    ObjectNode body = json.createObjectNode();
    ArrayNode list = body.putArray("feedback");
    String now = OffsetDateTime.now(zone()).withNano(0).toString();
    for (JsonNode e : entries) {
      if (!e.isObject()) {
        throw new IllegalArgumentException("each feedback entry must be an object");
      }
      ObjectNode copy = ((ObjectNode) e).deepCopy();
      if (!copy.hasNonNull("outcomeTimestamp")) {
        copy.put("outcomeTimestamp", now);
      }
      list.add(copy);
    }
    String url = endpoints.cdsBase() + "/cds-services/" + serviceId + "/feedback";
    Sent sent = post(url, body.toString());
    ObjectNode out = json.createObjectNode();
    out.put("url", url);
    out.set("request", body);
    out.put("status", sent.status());
    out.set("body", sent.body());
    out.put("elapsedMs", sent.elapsedMs());
    return out;
  }

  @jakarta.annotation.PreDestroy
  void close() {
    prefetchThreads.shutdownNow();
  }

  private Discovery discovery() {
    Discovery d = cached;
    if (d != null && d.status() == 200 && d.readAt().plus(DISCOVERY_CACHE).isAfter(Instant.now())) {
      return d;
    }
    String url = endpoints.cdsBase() + "/cds-services";
    long start = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + key.sign(endpoints.issuer(), endpoints.jwksUrl(), url))
        .GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      d = new Discovery(url, response.statusCode(), body(response.body()), ms(start), Instant.now());
    } catch (IOException e) {
      throw new HookCallException("CDS discovery " + url + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HookCallException("interrupted", e);
    }
    if (d.status() == 200) {
      cached = d;
    }
    return d;
  }

  private record Sent(int status, JsonNode body, long elapsedMs) {}

  private Sent post(String url, String body) {
    long start = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + key.sign(endpoints.issuer(), endpoints.jwksUrl(), url))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Sent(response.statusCode(), body(response.body()), ms(start));
    } catch (IOException e) {
      throw new HookCallException("CDS service " + url + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HookCallException("interrupted", e);
    }
  }

  /** One prefetch query's outcome: its value, or left out (the service then fetches it itself). */
  private record Fetched(boolean include, JsonNode value) {
    static final Fetched OMIT = new Fetched(false, null);
  }

  /**
   * Runs one resolved prefetch query against the sandbox FHIR server: a read gives the resource (404 =
   * left out), a search gives one searchset Bundle with every page merged; an OperationOutcome answer is
   * passed on as the key's value (CDS Hooks 2.0 allows it); anything else leaves the key out.
   */
  private Fetched fetch(String query, AccessTokens.Issued token) {
    boolean search = query.contains("?");
    String url = endpoints.fhirBase() + "/" + encode(search ? query + "&_count=1000" : query);
    try {
      JsonNode first = get(url, token);
      if (first == null) {
        return Fetched.OMIT;
      }
      String type = first.path("resourceType").asText();
      if (type.equals("OperationOutcome")) {
        return new Fetched(true, first);
      }
      if (!search || !type.equals("Bundle")) {
        return new Fetched(true, first);
      }
      ObjectNode merged = json.createObjectNode();
      merged.put("resourceType", "Bundle");
      merged.put("type", "searchset");
      ArrayNode entries = merged.putArray("entry");
      JsonNode page = first;
      for (int i = 0; page != null && i < MAX_PAGES; i++) {
        page.path("entry").forEach(entries::add);
        String next = null;
        for (JsonNode link : page.path("link")) {
          if ("next".equals(link.path("relation").asText())) {
            next = link.path("url").asText();
          }
        }
        if (next == null || !next.startsWith(endpoints.fhirBase())) {
          break;
        }
        page = get(next, token);
      }
      merged.put("total", entries.size());
      if (entries.isEmpty()) {
        merged.remove("entry");
      }
      return new Fetched(true, merged);
    } catch (IOException | RuntimeException e) {
      log.info("sandbox EHR: prefetch {} failed ({}); the key is left out", query.replaceAll("\\?.*", "?..."), e.toString());
      return Fetched.OMIT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Fetched.OMIT;
    }
  }

  /** GET with the token; the JSON body for 200 and for an OperationOutcome error, null otherwise. */
  private JsonNode get(String url, AccessTokens.Issued token) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .header("Accept", "application/fhir+json")
        .header("Authorization", "Bearer " + token.accessToken())
        .GET().build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = body(response.body());
    if (response.statusCode() == 200) {
      return body;
    }
    return body.path("resourceType").asText().equals("OperationOutcome") && response.statusCode() != 404 ? body : null;
  }

  private JsonNode body(String text) {
    if (text == null || text.isBlank()) {
      return json.nullNode();
    }
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return json.getNodeFactory().textNode(text.length() > 4000 ? text.substring(0, 4000) + "…" : text);
    }
  }

  private ZoneId zone() {
    return cdsProperties.timeZone().isBlank() ? clock.getZone() : ZoneId.of(cdsProperties.timeZone());
  }

  /** "Today" for {@code {{today()}}}: the sandbox clock (pinned in tests and demos) in the service's zone. */
  LocalDate today() {
    return clock.instant().atZone(zone()).toLocalDate();
  }

  /** Percent-encodes what a URI may not carry raw ({@code |}, spaces, non-ASCII) and keeps the rest. */
  static String encode(String pathAndQuery) {
    StringBuilder out = new StringBuilder();
    for (byte b : pathAndQuery.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-._~/?&=:,%@!$'()*;".indexOf(c) >= 0;
      if (keep) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
