package carac.smart;

import java.time.Duration;
import java.time.Instant;

/**
 * Mints access tokens for the sandbox FHIR server, signed with the authorization server's own key, for
 * callers inside the sandbox that act without a browser: the EHR page's {@code fhirAuthorization} for
 * CDS Hooks calls, the scenario loader, and tests.
 */
public interface AccessTokens {

  /**
   * @param subject the client or user the token is for (the JWT {@code sub})
   * @param scope space-separated SMART scopes, e.g. {@code "patient/*.rs"} or {@code "system/*.rs"}
   * @param patientId the patient the token is limited to (SMART {@code patient} context), or null
   * @param lifetime how long the token is valid
   */
  Issued issue(String subject, String scope, String patientId, Duration lifetime);

  /** A signed JWT access token with what it grants. */
  record Issued(String accessToken, Instant expiresAt, String scope, String patientId) {}
}
