package carac.sandbox.auth;

import java.security.Principal;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /sandbox/launch}: the EHR page stores what it is about to launch an app with (patient,
 * optional encounter and CDS Hooks appContext) and gets back the opaque {@code launch} value to send.
 */
@RestController
class LaunchController {

  /** The launch request: patient id, optional encounter id and appContext (a string, passed through). */
  record LaunchRequest(String patient, String encounter, String appContext) {}

  private final LaunchContexts launches;
  private final AuthProperties properties;

  LaunchController(LaunchContexts launches, AuthProperties properties) {
    this.launches = launches;
    this.properties = properties;
  }

  @PostMapping(value = "/sandbox/launch", consumes = MediaType.APPLICATION_JSON_VALUE)
  Map<String, String> create(@RequestBody LaunchRequest request, Principal user) {
    if (request.patient() == null || !request.patient().matches("[A-Za-z0-9\\-.]{1,64}")) {
      throw new org.springframework.web.server.ResponseStatusException(
          org.springframework.http.HttpStatus.BAD_REQUEST, "patient must be a FHIR id");
    }
    String launch = launches.create(request.patient(), request.encounter(),
        SmartContext.userFhirResource(user.getName(), properties), request.appContext(), false);
    return Map.of("launch", launch);
  }
}
