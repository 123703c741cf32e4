package carac.app;

import carac.cards.CardAssembler;
import carac.cds.CdsException;
import carac.cds.CdsProperties;
import carac.cds.HookRequest;
import carac.cds.PatientDataAssembler;
import carac.cds.PatientDataAssembler.DataUnavailableException;
import carac.cds.PhaseTimers;
import carac.cds.RequestBodies;
import carac.cql.CaracEvaluation;
import carac.cql.CqlEvaluator;
import carac.fhir.FetchResult;
import carac.fhir.FhirServerAllowList;
import carac.fhir.PatientBundle;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/summary} for the SMART app: fetches one patient's data from {@code fhirServer} with the
 * user's own access token (never a broader one), evaluates it and returns the evaluation with its cards.
 * The FHIR server decides what the token may read: its 401 becomes 401, its 403 becomes 403, no answer 502.
 * The token goes only to a FHIR base on the configured allow-list ({@link FhirServerAllowList}), never to
 * one derived from the request.
 */
@RestController
public class AppSummaryController {

  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final String ENDPOINT = "app-summary";

  private final PatientDataAssembler assembler;
  private final CqlEvaluator evaluator;
  private final PhaseTimers timers;
  private final AppProperties properties;
  private final FhirServerAllowList allowList;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper().configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);

  AppSummaryController(PatientDataAssembler assembler, CqlEvaluator evaluator, PhaseTimers timers,
      AppProperties properties, CdsProperties cds, FhirServerAllowList allowList, ObjectProvider<Clock> clock) {
    this.assembler = assembler;
    this.allowList = allowList;
    this.evaluator = evaluator;
    this.timers = timers;
    this.properties = properties;
    Clock c = clock.getIfAvailable(Clock::systemDefaultZone);
    this.clock = cds.timeZone().isBlank() ? c : c.withZone(ZoneId.of(cds.timeZone()));
  }

  @PostMapping(value = "/api/summary", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<String> summary(HttpServletRequest request) throws IOException {
    String token = bearer(request);
    JsonNode body = readBody(request);
    String fhirServer = stripSlash(text(body, "fhirServer"));
    String patient = text(body, "patient");
    if (!FHIR_ID.matcher(patient).matches()) {
      throw new CdsException(HttpStatus.BAD_REQUEST, "invalid", "patient is not a FHIR id");
    }
    String language = body.path("language").asText("en");
    if (!language.equals("en") && !language.equals("zh")) {
      throw new CdsException(HttpStatus.BAD_REQUEST, "invalid", "language must be en or zh");
    }
    try {
      allowList.check(fhirServer);
    } catch (FhirServerAllowList.Refused e) {
      throw new CdsException(HttpStatus.FORBIDDEN, "forbidden", "fhirServer refused: " + e.getMessage());
    }
    OffsetDateTime asOf = OffsetDateTime.now(clock);
    var phases = timers.forEndpoint(ENDPOINT);
    HookRequest call = new HookRequest("app", UUID.randomUUID().toString(), patient, null, null, fhirServer, token, Map.of());
    PatientDataAssembler.Gathered gathered;
    try {
      gathered = assembler.gather(call, asOf.toLocalDate(), phases);
    } catch (DataUnavailableException e) {
      throw mapped(e);
    }
    PatientBundle data = PatientBundle.of(gathered.bundle());
    var issues = new ArrayList<>(gathered.dataQuality());
    issues.addAll(data.dataQuality());
    CaracEvaluation evaluation = phases.time("cql", () -> evaluator.evaluate(data.bundle(), data.patientId(), asOf, issues));
    ObjectNode out = phases.time("cards", () -> (ObjectNode) json.valueToTree(new CardAssembler(language).withCards(evaluation)));
    if (!gathered.unavailable().isEmpty()) {
      var list = out.putArray("unavailable");
      gathered.unavailable().forEach(u -> list.addObject().put("key", u.key()).put("reason", u.reason()));
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(out));
  }

  private static CdsException mapped(DataUnavailableException e) {
    var causes = e.causes().values();
    if (causes.contains(FetchResult.Reason.UNAUTHORIZED)) {
      return new CdsException(HttpStatus.UNAUTHORIZED, "login", "the FHIR server refused the access token");
    }
    if (causes.contains(FetchResult.Reason.FORBIDDEN)) {
      return new CdsException(HttpStatus.FORBIDDEN, "forbidden", "the access token does not allow reading this patient's data");
    }
    if (causes.contains(FetchResult.Reason.NOT_FOUND)) {
      return new CdsException(HttpStatus.NOT_FOUND, "not-found", "no such patient on the FHIR server");
    }
    return new CdsException(HttpStatus.BAD_GATEWAY, "transient", e.getMessage());
  }

  private static String bearer(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      throw new CdsException(HttpStatus.UNAUTHORIZED, "login", "Authorization: Bearer <SMART access token> is required");
    }
    return header.substring(7).strip();
  }

  private JsonNode readBody(HttpServletRequest request) {
    byte[] bytes = RequestBodies.readJson(request, properties.maxBodyBytes());
    try {
      JsonNode node = json.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new CdsException(HttpStatus.BAD_REQUEST, "invalid", "the request body is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new CdsException(HttpStatus.BAD_REQUEST, "invalid", "malformed JSON");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new CdsException(HttpStatus.BAD_REQUEST, "invalid", field + " is required");
    }
    return v.asText();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
