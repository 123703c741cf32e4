package carac.sandbox.ehr;

import carac.cds.CdsProperties;
import carac.cds.PrefetchTemplates;
import carac.fhir.FetchResult;
import carac.fhir.PatientDataFetcher;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
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
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sandbox EHR's CDS Hooks client, run on the server so that its private key never reaches a browser:
 * reads the discovery of every CDS service it is configured to call ({@link EhrEndpoints#discoveryUrls()}), resolves each prefetch template against the sandbox's own FHIR server
 * with a short-lived patient-scoped token, sends the CDS Hooks 2.0 {@code patient-view} request with an
 * ES384 JWT over real HTTP, and sends card feedback the same way. Every call answers with what went over
 * the wire (the access token redacted), the status, the body and the time taken, for the EHR page's
 * integrator panel.
 */
@Component
public class CdsHookClient {

  static final String HOOK = "patient-view";
  static final java.util.Set<String> ORDER_HOOKS = java.util.Set.of("order-select", "order-sign");
  private static final int MAX_DRAFTS = 20;
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
  static final String TOKEN_SCOPE = "patient/*.rs";
  static final String REDACTED = "[redacted: a " + TOKEN_LIFETIME.toMinutes() + "-minute patient-scoped access token]";
  private static final Pattern SERVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");
  private static final Duration DISCOVERY_CACHE = Duration.ofSeconds(60);
  private static final int MAX_FEEDBACK_ENTRIES = 64;
  private static final Logger log = LoggerFactory.getLogger(CdsHookClient.class);

  private final EhrSigningKey key;
  private final EhrEndpoints endpoints;
  private final AccessTokens tokens;
  private final Clock clock;
  private final CdsProperties cdsProperties;
  private final PatientDataFetcher fhir;
  private final IParser fhirJson = FhirContext.forR4Cached().newJsonParser();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();
  private final Map<String, Discovery> cached = new java.util.concurrent.ConcurrentHashMap<>();

  public CdsHookClient(EhrSigningKey key, EhrEndpoints endpoints, AccessTokens tokens, Clock clock,
      CdsProperties cdsProperties, PatientDataFetcher fhir) {
    this.key = key;
    this.endpoints = endpoints;
    this.tokens = tokens;
    this.clock = clock;
    this.cdsProperties = cdsProperties;
    this.fhir = fhir;
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
   * Fires {@code patient-view} at every service, of every configured discovery, that listens to it, as an
   * EHR with several registered CDS services does. A discovery that cannot be read is reported beside the
   * others' cards; CARAC Watch's own is {@code discovery}, every one is in {@code discoveries}.
   *
   * @return {@code {discovery:{url,status,elapsedMs,cached}, discoveries:[...], calls:[{serviceId,title,url,
   *     discoveryUrl,feedbackUrl,request,status,body,elapsedMs,prefetchMs}], elapsedMs}}
   */
  public ObjectNode patientView(String patientId, String userId) {
    return fire(HOOK, patientId, userId, null);
  }

  /**
   * Fires {@code order-select} or {@code order-sign} with the page's draft orders (MedicationRequests, sent as
   * {@code context.draftOrders}, a Bundle) and for order-select the selected ones ({@code context.selections}).
   * Answers like {@link #patientView}.
   */
  public ObjectNode order(String hook, String patientId, String userId, JsonNode drafts, JsonNode selections) {
    if (!ORDER_HOOKS.contains(hook)) {
      throw new IllegalArgumentException("hook must be order-select or order-sign");
    }
    if (drafts == null || !drafts.isArray() || drafts.size() > MAX_DRAFTS) {
      throw new IllegalArgumentException("draftOrders must be an array of at most " + MAX_DRAFTS + " resources");
    }
    ObjectNode context = json.createObjectNode();
    ObjectNode bundle = context.putObject("draftOrders");
    bundle.put("resourceType", "Bundle");
    bundle.put("type", "collection");
    ArrayNode entries = bundle.putArray("entry");
    drafts.forEach(d -> entries.addObject().set("resource", d));
    if (hook.equals("order-select")) {
      if (selections == null || !selections.isArray()) {
        throw new IllegalArgumentException("selections must be an array for order-select");
      }
      context.set("selections", selections);
    }
    return fire(hook, patientId, userId, context);
  }

  private ObjectNode fire(String hook, String patientId, String userId, ObjectNode extraContext) {
    if (patientId == null || !FHIR_ID.matcher(patientId).matches()) {
      throw new IllegalArgumentException("patient must be a FHIR id");
    }
    long start = System.nanoTime();
    ObjectNode out = json.createObjectNode();
    ArrayNode discoveries = out.putArray("discoveries");
    ArrayNode calls = out.putArray("calls");
    AccessTokens.Issued token = null;
    List<String> urls = endpoints.discoveryUrls();
    for (String discoveryUrl : urls) {
      Discovery cachedBefore = cached.get(discoveryUrl);
      Discovery discovery;
      try {
        discovery = discovery(discoveryUrl);
      } catch (HookCallException e) {
        if (discoveryUrl.equals(urls.get(0))) {
          throw e; // our own service: the page reports the failure
        }
        discovery = new Discovery(discoveryUrl, 0, json.getNodeFactory().textNode(e.getMessage()), 0, Instant.now());
      }
      ObjectNode d = discoveries.addObject();
      d.put("url", discovery.url());
      d.put("status", discovery.status());
      d.put("elapsedMs", discovery.elapsedMs());
      d.put("cached", discovery == cachedBefore);
      if (discovery.status() != 200 || !discovery.body().path("services").isArray()) {
        d.set("body", discovery.body());
        continue;
      }
      for (JsonNode service : discovery.body().get("services")) {
        if (!hook.equals(service.path("hook").asText()) || !SERVICE_ID.matcher(service.path("id").asText()).matches()) {
          continue;
        }
        if (token == null) {
          token = tokens.issue(EhrSigningKey.CLIENT_ID, TOKEN_SCOPE, patientId, TOKEN_LIFETIME);
        }
        try {
          calls.add(callService(discoveryUrl, service, patientId, userId, token, hook, extraContext));
        } catch (HookCallException e) {
          if (discoveryUrl.equals(urls.get(0))) {
            throw e;
          }
          calls.addObject().put("serviceId", service.get("id").asText()).put("discoveryUrl", discoveryUrl)
              .put("url", serviceBase(discoveryUrl) + "/cds-services/" + service.get("id").asText())
              .put("status", 0).put("elapsedMs", 0).put("prefetchMs", 0).put("prefetchKeys", 0)
              .put("body", e.getMessage());
        }
      }
    }
    out.set("discovery", discoveries.get(0));
    out.put("elapsedMs", ms(start));
    return out;
  }

  /** {@code https://host/base/cds-services} → {@code https://host/base}. */
  private static String serviceBase(String discoveryUrl) {
    return discoveryUrl.endsWith("/cds-services")
        ? discoveryUrl.substring(0, discoveryUrl.length() - "/cds-services".length())
        : discoveryUrl;
  }

  private ObjectNode callService(String discoveryUrl, JsonNode service, String patientId, String userId,
      AccessTokens.Issued token, String hook, ObjectNode extraContext) {
    String id = service.get("id").asText();
    String url = serviceBase(discoveryUrl) + "/cds-services/" + id;
    long prefetchStart = System.nanoTime();
    ObjectNode prefetch = json.createObjectNode();
    JsonNode templates = service.path("prefetch");
    Map<String, String> context = Map.of("patientId", patientId, "userId", userId == null ? "" : userId);
    LocalDate today = today();
    List<String> keys = new ArrayList<>();
    templates.fieldNames().forEachRemaining(keys::add);
    Map<String, String> queries = new LinkedHashMap<>();
    for (String k : keys) {
      try {
        queries.put(k, PrefetchTemplates.resolve(templates.get(k).asText(), context, today));
      } catch (IllegalArgumentException e) {
        log.info("sandbox EHR: prefetch key {} of {} left out: {}", k, id, e.getMessage());
        // a token this EHR cannot fill: the key is left out and the service fetches it
      }
    }
    // the same call-back client the CDS service uses: HAPI's generic client, parallel, pages followed
    fhir.fetch(endpoints.fhirBase(), token.accessToken(), queries).forEach((k, result) -> {
      JsonNode value = prefetchValue(queries.get(k), result);
      if (value != null) {
        prefetch.set(k, value);
      }
    });
    long prefetchMs = ms(prefetchStart);

    ObjectNode request = json.createObjectNode();
    request.put("hook", hook);
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
    if (extraContext != null) {
      ctx.setAll(extraContext);
    }
    request.set("prefetch", prefetch);

    Sent sent = post(url, request.toString());
    ObjectNode call = json.createObjectNode();
    call.put("serviceId", id);
    if (service.hasNonNull("title")) {
      call.put("title", service.get("title").asText());
    }
    call.put("url", url);
    call.put("discoveryUrl", discoveryUrl);
    call.put("feedbackUrl", url + "/feedback");
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
  public ObjectNode feedback(String serviceId, String discoveryUrl, JsonNode entries) {
    if (serviceId == null || !SERVICE_ID.matcher(serviceId).matches()) {
      throw new IllegalArgumentException("serviceId must be a CDS service id");
    }
    List<String> known = endpoints.discoveryUrls();
    String discovery = discoveryUrl == null || discoveryUrl.isBlank() ? known.get(0) : discoveryUrl;
    if (!known.contains(discovery)) {
      throw new IllegalArgumentException("discoveryUrl must be one of the CDS services this EHR calls");
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
    String url = serviceBase(discovery) + "/cds-services/" + serviceId + "/feedback";
    Sent sent = post(url, body.toString());
    ObjectNode out = json.createObjectNode();
    out.put("url", url);
    out.set("request", body);
    out.put("status", sent.status());
    out.set("body", sent.body());
    out.put("elapsedMs", sent.elapsedMs());
    return out;
  }

  private Discovery discovery(String url) {
    Discovery d = cached.get(url);
    if (d != null && d.status() == 200 && d.readAt().plus(DISCOVERY_CACHE).isAfter(Instant.now())) {
      return d;
    }
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
      cached.put(url, d);
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

  /**
   * A prefetch key's value from its query's outcome: the resource of a read, one searchset Bundle of every
   * page for a search, an OperationOutcome when the FHIR server refused or failed (CDS Hooks 2.0 allows it),
   * or null (key left out, the service fetches it) when nothing was found or the server could not be reached.
   */
  private JsonNode prefetchValue(String query, FetchResult result) {
    if (result instanceof FetchResult.Success success) {
      Resource value;
      if (!query.contains("?") && success.resources().size() == 1) {
        value = success.resources().get(0);
      } else {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        success.resources().forEach(r -> bundle.addEntry().setResource(r));
        value = bundle.setTotal(success.resources().size());
      }
      return body(fhirJson.encodeResourceToString(value));
    }
    var failure = (FetchResult.Failure) result;
    log.info("sandbox EHR: prefetch {} failed ({})", query.replaceAll("\\?.*", "?..."), failure.detail());
    return switch (failure.reason()) {
      case UNAUTHORIZED, FORBIDDEN, SERVER_ERROR -> {
        var outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
            .setCode(OperationOutcome.IssueType.PROCESSING).setDiagnostics(failure.detail());
        yield body(fhirJson.encodeResourceToString(outcome));
      }
      default -> null;
    };
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

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
