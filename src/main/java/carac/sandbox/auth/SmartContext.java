package carac.sandbox.auth;

import java.util.Map;
import java.util.Optional;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;

/**
 * The SMART launch context of one authorization: what the {@code launch} parameter of its authorization
 * request resolved to, and who the signed-in user is as a FHIR resource.
 */
record SmartContext(String patientId, String encounterId, String fhirUser, String appContext,
    boolean needPatientBanner) {

  static final SmartContext NONE = new SmartContext(null, null, null, null, false);

  static SmartContext of(OAuth2Authorization authorization, LaunchContexts launches, AuthProperties properties) {
    if (authorization == null) {
      return NONE;
    }
    OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
    Map<String, Object> params = request == null ? Map.of() : request.getAdditionalParameters();
    String fhirUser = userFhirResource(authorization.getPrincipalName(), properties);
    Optional<LaunchContexts.Launch> launch = launches.find((String) params.get("launch"));
    return launch
        .map(l -> new SmartContext(l.patientId(), l.encounterId(), l.fhirUser() != null ? l.fhirUser() : fhirUser,
            l.appContext(), l.needPatientBanner()))
        .orElse(new SmartContext(null, null, fhirUser, null, false));
  }

  static String userFhirResource(String username, AuthProperties properties) {
    return properties.users().stream()
        .filter(u -> u.username().equals(username))
        .map(AuthProperties.SandboxUser::fhirUser)
        .findFirst()
        .orElse(null);
  }
}
