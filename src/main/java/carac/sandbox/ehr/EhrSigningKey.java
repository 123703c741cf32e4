package carac.sandbox.ehr;

import carac.sandbox.auth.SigningKey;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The sandbox EHR's CDS Hooks client key: EC P-384, generated at first start and kept in
 * {@code ${carac.data-dir}/keys/} (never committed), like the authorization server's RSA key. It signs the
 * ES384 JWT that goes with every CDS Hooks call; its public half is served at {@link #JWKS_PATH}.
 */
@Component
public class EhrSigningKey {

  /** Where the public key set is served (publicly, so CDS services can fetch it). */
  public static final String JWKS_PATH = "/sandbox/.well-known/jwks.json";
  /** The JWT's {@code sub}: the EHR's CDS client id. */
  static final String CLIENT_ID = "sandbox-ehr";
  static final Duration LIFETIME = Duration.ofMinutes(5);

  private final ECKey key;

  public EhrSigningKey(@Value("${carac.data-dir}") Path dataDir) {
    var generator = new ECKeyGenerator(Curve.P_384).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES384);
    this.key = SigningKey.loadOrCreate(dataDir.resolve("keys/sandbox-ehr-cds-client.es384.jwk.json"), generator).toECKey();
    if (key == null || !Curve.P_384.equals(key.getCurve()) || !key.isPrivate()) {
      throw new IllegalStateException("the sandbox EHR key in " + dataDir.resolve("keys") + " is not a private EC P-384 key");
    }
  }

  /** The public key set (JWKS) of the EHR. */
  public JWKSet publicKeys() {
    return new JWKSet(key.toPublicJWK());
  }

  String keyId() {
    return key.getKeyID();
  }

  /**
   * A CDS Hooks client JWT: header {@code alg} ES384, {@code typ} JWT, {@code kid}, {@code jku}; claims
   * {@code iss}, {@code sub}, {@code aud} (the exact URL called), {@code iat}, {@code exp} (5 min),
   * {@code jti}. Times are real time, never the sandbox's pinned clinical "now".
   */
  String sign(String issuer, String jwksUrl, String audience) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(CLIENT_ID)
        .audience(audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(LIFETIME)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES384)
        .keyID(key.getKeyID())
        .type(JOSEObjectType.JWT)
        .jwkURL(URI.create(jwksUrl))
        .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the CDS Hooks JWT", e);
    }
    return jwt.serialize();
  }
}
