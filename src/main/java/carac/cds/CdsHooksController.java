package carac.cds;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import carac.fhir.FhirServerAllowList;
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

/** CDS Hooks 2.0 endpoints: discovery, the patient-view and order services (select, sign) and their feedback. */
@RestController
@RequestMapping("/cds-services")
public class CdsHooksController {

  private final PatientViewService service;
  private final PrefetchTemplates templates;
  private final FeedbackStore feedback;
  private final CdsProperties properties;
  private final HookRequestParser parser;
  private final OrderService orders;
  private final java.util.Map<String, HookRequestParser> orderParsers;

  private final ServiceBaseUrl baseUrl;

  CdsHooksController(PatientViewService service, OrderService orders, PrefetchTemplates templates, FeedbackStore feedback,
      CdsProperties properties, FhirServerAllowList allowList, ServiceBaseUrl baseUrl) {
    this.service = service;
    this.orders = orders;
    this.templates = templates;
    this.feedback = feedback;
    this.properties = properties;
    this.baseUrl = baseUrl;
    this.parser = new HookRequestParser(PatientViewService.HOOK, allowList);
    this.orderParsers = java.util.Map.of(
        OrderService.SELECT_SERVICE_ID, new HookRequestParser(OrderService.SELECT_HOOK, allowList),
        OrderService.SIGN_SERVICE_ID, new HookRequestParser(OrderService.SIGN_HOOK, allowList));
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
    templates.advertised().forEach(prefetch::put);
    String usage = "Send fhirServer and fhirAuthorization (patient/*.rs or user/*.rs read scopes) or the full "
        + "prefetch; keys left out or answered with an OperationOutcome are fetched by the service. The "
        + "Observation key uses the {{today() - N days}} token (FHIRPath of the CDS Hooks v3 ballot); clients that cannot "
        + "resolve it may omit the key. Every call needs a signed JWT (RS384/ES384) from a trusted issuer.";
    // order-time services (clinical-reference.md §7.5): same prefetch, derived from the same CQL
    orderService(root, OrderService.SELECT_HOOK, OrderService.SELECT_SERVICE_ID, "CARAC Watch: order selection",
        "When an anticoagulant or tocilizumab is selected during a CAR-T course, checks the latest platelets, recent "
        + "bleeding and fibrinogen and says why the draft order is risky, with suggestions (remove the draft, order a test).",
        usage + " Needs context.draftOrders and context.selections.");
    orderService(root, OrderService.SIGN_HOOK, OrderService.SIGN_SERVICE_ID, "CARAC Watch: order signing",
        "Before draft anticoagulant or tocilizumab orders are signed during a CAR-T course, checks the latest platelets, "
        + "recent bleeding and fibrinogen, with suggestions (remove the draft, order a test).",
        usage + " Needs context.draftOrders.");
    s.put("usageRequirements", usage);
    return root;
  }

  private void orderService(ObjectNode root, String hook, String id, String title, String description, String usage) {
    ObjectNode s = ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("services")).addObject();
    s.put("hook", hook);
    s.put("id", id);
    s.put("title", title);
    s.put("description", description);
    ObjectNode prefetch = s.putObject("prefetch");
    templates.advertised().forEach(prefetch::put);
    s.put("usageRequirements", usage);
  }

  @PostMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  public ObjectNode call(@PathVariable("id") String id, HttpServletRequest request) {
    requireService(id);
    byte[] body = RequestBodies.readJson(request, properties.maxBodyBytes());
    HookRequestParser orderParser = orderParsers.get(id);
    if (orderParser != null) {
      HookRequest hook = orderParser.parse(body);
      return orders.call(hook, OrderService.drafts(body, hook.hook()), serviceBase(request));
    }
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
    if (!PatientViewService.SERVICE_ID.equals(id) && OrderService.hookOf(id) == null) {
      throw new CdsException(HttpStatus.NOT_FOUND, "not-found", "no CDS service with this id");
    }
  }

  /** Card links start here; the caller got past the JWT check, so a base exists (never the request's Host). */
  private String serviceBase(HttpServletRequest request) {
    return baseUrl.get().orElseThrow(() -> new CdsException(HttpStatus.SERVICE_UNAVAILABLE, "transient",
        "carac.cds.public-base-url is not set"));
  }
}
