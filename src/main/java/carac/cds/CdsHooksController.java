package carac.cds;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** CDS Hooks 2.0 endpoints: discovery, the patient-view service and its feedback. */
@RestController
@RequestMapping("/cds-services")
public class CdsHooksController {

  private final PatientViewService service;
  private final PrefetchTemplates templates;
  private final FeedbackStore feedback;
  private final CdsProperties properties;
  private final HookRequestParser parser;

  CdsHooksController(PatientViewService service, PrefetchTemplates templates, FeedbackStore feedback, CdsProperties properties) {
    this.service = service;
    this.templates = templates;
    this.feedback = feedback;
    this.properties = properties;
    this.parser = new HookRequestParser(PatientViewService.HOOK, properties.allowedFhirServers());
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  public ObjectNode discovery() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode s = root.putArray("services").addObject();
    s.put("hook", PatientViewService.HOOK);
    s.put("id", PatientViewService.SERVICE_ID);
    s.put("title", "CARAC Watch: CAR-T-associated coagulopathy");
    s.put("description", "Lines up coagulation labs against the CAR-T infusion day, scores ISTH and CDSS DIC per day "
        + "and shows cards for the CARAC rules that fire, quoting the values behind them.");
    ObjectNode prefetch = s.putObject("prefetch");
    templates.templates().forEach(prefetch::put);
    s.put("usageRequirements", "Send fhirServer and fhirAuthorization (patient/*.rs or user/*.rs read scopes) or the full "
        + "prefetch; keys left out or answered with an OperationOutcome are fetched by the service. The "
        + "Observation key uses the {{today() - N days}} token (FHIRPath of the CDS Hooks v3 ballot); clients that cannot "
        + "resolve it may omit the key. Every call needs a signed JWT (RS384/ES384) from a trusted issuer.");
    return root;
  }

  @PostMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  public ObjectNode call(@PathVariable("id") String id, HttpServletRequest request) {
    requireService(id);
    byte[] body = RequestBodies.readJson(request, properties.maxBodyBytes());
    HookRequest hook = parser.parse(body);
    return service.call(hook, serviceBase(request));
  }

  @PostMapping(value = "/{id}/feedback", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Void> feedback(@PathVariable("id") String id, HttpServletRequest request) {
    requireService(id);
    byte[] body = RequestBodies.readJson(request, properties.maxBodyBytes());
    List<FeedbackStore.Entry> entries = FeedbackParser.parse(HookRequestParser.readJson(body));
    String issuer = SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken jwt
        ? jwt.getToken().getClaimAsString("iss") : null;
    feedback.save(entries, issuer);
    return ResponseEntity.ok().build();
  }

  @RequestMapping(value = {"/{id}", "/{id}/feedback"}, method = {RequestMethod.GET, RequestMethod.PUT,
      RequestMethod.DELETE, RequestMethod.PATCH})
  public ResponseEntity<String> otherMethods(@PathVariable("id") String id) {
    requireService(id);
    return OperationOutcomes.response(HttpStatus.METHOD_NOT_ALLOWED, "not-supported", "use POST");
  }

  private static void requireService(String id) {
    if (!PatientViewService.SERVICE_ID.equals(id)) {
      throw new CdsException(HttpStatus.NOT_FOUND, "not-found", "no CDS service with this id");
    }
  }

  private String serviceBase(HttpServletRequest request) {
    return properties.publicBaseUrl().isBlank()
        ? ServletUriComponentsBuilder.fromContextPath(request).build().toUriString()
        : properties.publicBaseUrl();
  }
}
