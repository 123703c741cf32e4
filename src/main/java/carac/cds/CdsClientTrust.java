package carac.cds;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Adds a trusted CDS client at run time, beside those of {@code carac.cds.security.trusted-issuers}: for an
 * EHR that runs in the same process and generates its key at start (the sandbox's EHR page). The client is
 * checked exactly like a configured one: {@code iss} on the list, keys from its JWKS URL, {@code jku} only
 * from the allow-list.
 */
@Component
public class CdsClientTrust {

  private static final Logger log = LoggerFactory.getLogger(CdsClientTrust.class);

  private final CdsJwtVerifier verifier;

  CdsClientTrust(CdsJwtVerifier verifier) {
    this.verifier = verifier;
  }

  /**
   * @param issuer the client's {@code iss}
   * @param jwksUrl where its public keys are
   * @param allowedJku the {@code jku} header values accepted from it
   */
  public void trust(String issuer, String jwksUrl, List<String> allowedJku) {
    verifier.addIssuer(new CdsProperties.TrustedIssuer(issuer, jwksUrl, null, allowedJku));
    log.info("CDS Hooks: trusting the CDS client {} (keys {})", issuer, jwksUrl);
  }
}
