package carac.sandbox.auth;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;

/**
 * SMART checks on the authorization request, after Spring's own (redirect URI, scopes, PKCE S256): the
 * {@code aud} must be this sandbox's FHIR base, and a {@code launch} must be one the EHR stored; an EHR
 * launch scope without a launch, or {@code launch/patient} without a chosen patient, is refused.
 */
final class SmartAuthorizationRequestValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

  private final Supplier<String> fhirBase;
  private final LaunchContexts launches;

  SmartAuthorizationRequestValidator(Supplier<String> fhirBase, LaunchContexts launches) {
    this.fhirBase = fhirBase;
    this.launches = launches;
  }

  @Override
  public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
    OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
    Map<String, Object> params = request.getAdditionalParameters();
    Object aud = params.get("aud");
    if (!(aud instanceof String audience) || !trimSlash(audience).equals(trimSlash(fhirBase.get()))) {
      fail(request, "aud must be this server's FHIR base URL " + fhirBase.get());
    }
    // SMART App Launch 2.2 requires state (CSRF protection of the redirect back to the app)
    if (request.getState() == null || request.getState().isBlank()) {
      fail(request, "state is required");
    }
    Object launch = params.get("launch");
    Set<String> scopes = request.getScopes();
    if (launch != null && launches.find(launch.toString()).isEmpty()) {
      fail(request, "unknown or expired launch");
    }
    if (launch == null && scopes.contains("launch")) {
      fail(request, "scope 'launch' needs the launch parameter the EHR sent");
    }
    // Spring checks the request before it sends a visitor who is not signed in to the login page; the
    // resumed request of a signed-in user goes to the patient picker first (PatientPickerFilter)
    if (launch == null && scopes.contains("launch/patient") && signedIn(request.getPrincipal())) {
      fail(request, "no patient chosen for launch/patient");
    }
  }

  private static boolean signedIn(Object principal) {
    return principal instanceof org.springframework.security.core.Authentication user && user.isAuthenticated()
        && !(user instanceof org.springframework.security.authentication.AnonymousAuthenticationToken);
  }

  private static String trimSlash(String url) {
    return url.replaceAll("/+$", "");
  }

  private static void fail(OAuth2AuthorizationCodeRequestAuthenticationToken request, String why) {
    throw new OAuth2AuthorizationCodeRequestAuthenticationException(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, why, null), request);
  }
}
