package carac.sandbox.ehr;

import carac.sandbox.Story;
import carac.sandbox.StoryCatalog;
import carac.sandbox.auth.AuthProperties;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The EHR page's API (a signed-in session; the page at {@code /} sends the user to {@code /login} when the
 * session is missing): who is signed in with the session's CSRF token, the patient list over the loaded
 * stories, the {@code patient-view} hook fired at the CDS service and card feedback, both sent from here
 * by {@link CdsHookClient}. The public JWKS of the EHR's CDS client key is served beside it.
 */
@RestController
class EhrApiController {

  private static final Logger log = LoggerFactory.getLogger(EhrApiController.class);

  private final StoryCatalog stories;
  private final DaoRegistry daoRegistry;
  private final CdsHookClient hooks;
  private final EhrSigningKey key;
  private final AuthProperties auth;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, ObjectNode> patients = new ConcurrentHashMap<>();

  EhrApiController(StoryCatalog stories, DaoRegistry daoRegistry, CdsHookClient hooks, EhrSigningKey key,
      AuthProperties auth) {
    this.stories = stories;
    this.daoRegistry = daoRegistry;
    this.hooks = hooks;
    this.key = key;
    this.auth = auth;
  }

  /** The EHR's public key set, for CDS services verifying its JWTs (public: no session needed). */
  @GetMapping(value = EhrSigningKey.JWKS_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> jwks() {
    return ResponseEntity.ok().header("Cache-Control", "public, max-age=300").body(key.publicKeys().toString());
  }

  /** The signed-in user and the session's CSRF token (sent back in a header on every POST). */
  @GetMapping(value = "/sandbox/api/session", produces = MediaType.APPLICATION_JSON_VALUE)
  ObjectNode session(Principal user, HttpServletRequest request) {
    ObjectNode out = json.createObjectNode();
    out.put("user", user.getName());
    String fhirUser = fhirUser(user);
    if (fhirUser != null) {
      out.put("fhirUser", fhirUser);
    }
    CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
    if (csrf != null) {
      out.putObject("csrf").put("headerName", csrf.getHeaderName()).put("parameterName", csrf.getParameterName())
          .put("token", csrf.getToken());
    }
    return out;
  }

  /** The loaded stories with each one's patient (name, gender, birth date as in the FHIR server). */
  @GetMapping(value = "/sandbox/api/stories", produces = MediaType.APPLICATION_JSON_VALUE)
  ArrayNode stories() {
    ArrayNode out = json.createArrayNode();
    for (Story story : stories.all()) {
      ObjectNode s = out.addObject();
      s.put("id", story.name());
      s.put("patientId", story.patientId());
      s.put("title", story.title());
      s.put("description", story.description());
      s.put("asOf", story.asOf().toString());
      s.put("asOfDate", story.asOf().toLocalDate().toString());
      s.put("shiftDays", story.shiftDays());
      s.setAll(patient(story.patientId()));
    }
    return out;
  }

  record HookRequest(String patient) {}

  @PostMapping(value = "/sandbox/api/hooks/patient-view", consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ObjectNode patientView(@RequestBody HookRequest request, Principal user) {
    return hooks.patientView(request.patient(), fhirUser(user));
  }

  record OrderHookRequest(String hook, String patient, JsonNode draftOrders, JsonNode selections) {}

  /** The order screen's hooks: order-select on a selection, order-sign on "Sign", with the page's drafts. */
  @PostMapping(value = "/sandbox/api/hooks/order", consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ObjectNode order(@RequestBody OrderHookRequest request, Principal user) {
    return hooks.order(request.hook(), request.patient(), fhirUser(user), request.draftOrders(), request.selections());
  }

  /** {@code discoveryUrl}: which configured CDS service (its discovery URL); absent = CARAC Watch's own. */
  record FeedbackRequest(String serviceId, String discoveryUrl, JsonNode feedback) {}

  @PostMapping(value = "/sandbox/api/hooks/feedback", consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  ObjectNode feedback(@RequestBody FeedbackRequest request) {
    return hooks.feedback(request.serviceId(), request.discoveryUrl(), request.feedback());
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ObjectNode> badRequest(IllegalArgumentException e) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON)
        .body(json.createObjectNode().put("error", e.getMessage()));
  }

  @ExceptionHandler(CdsHookClient.HookCallException.class)
  ResponseEntity<ObjectNode> badGateway(CdsHookClient.HookCallException e) {
    log.warn("sandbox EHR: {}", e.getMessage());
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.APPLICATION_JSON)
        .body(json.createObjectNode().put("error", e.getMessage()));
  }

  private String fhirUser(Principal user) {
    return auth.users().stream().filter(u -> u.username().equals(user.getName()))
        .map(AuthProperties.SandboxUser::fhirUser).findFirst().orElse(null);
  }

  private ObjectNode patient(String id) {
    return patients.computeIfAbsent(id, k -> {
      ObjectNode p = json.createObjectNode();
      try {
        Patient patient = (Patient) daoRegistry.getResourceDao("Patient").read(new IdType("Patient", k), new SystemRequestDetails());
        if (!patient.getName().isEmpty()) {
          HumanName name = patient.getNameFirstRep();
          String given = name.getGiven().stream().map(g -> g.getValue()).collect(Collectors.joining(" "));
          p.put("name", (given + " " + (name.getFamily() == null ? "" : name.getFamily())).strip());
        }
        if (patient.getGender() != null) {
          p.put("gender", patient.getGender().toCode());
        }
        if (patient.getBirthDateElement().getValueAsString() != null) {
          p.put("birthDate", patient.getBirthDateElement().getValueAsString());
        }
      } catch (RuntimeException e) {
        log.info("sandbox EHR: patient {} not readable: {}", k, e.getMessage());
      }
      return p;
    });
  }
}
