package carac.cds;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A test CDS client (an "EHR") with a real ES384 key pair, its public JWKS written to a file the service
 * trusts, and a second, untrusted key for forged tokens. Tokens are real signed JWTs.
 */
public final class TestEhrKeys {

  public static final String ISSUER = "https://test-ehr.carac.example";
  public static final Path JWKS_FILE = Path.of("target/test-ehr/jwks.json");
  private static final ECKey KEY = generate("test-ehr-1");
  private static final ECKey OTHER = generate("test-ehr-1"); // same kid, different key: a forgery

  static {
    try {
      Files.createDirectories(JWKS_FILE.getParent());
      Files.writeString(JWKS_FILE, new JWKSet(KEY.toPublicJWK()).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TestEhrKeys() {}

  private static ECKey generate(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_384).keyID(kid).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static CdsProperties.TrustedIssuer trustedIssuer() {
    return new CdsProperties.TrustedIssuer(ISSUER, null, JWKS_FILE.toString(), java.util.List.of());
  }

  /** A valid token for this audience, after the claims and header are adjusted. */
  public static String token(String audience, Consumer<JWTClaimsSet.Builder> claims, Consumer<JWSHeader.Builder> header) {
    return sign(KEY, audience, claims, header);
  }

  public static String token(String audience) {
    return token(audience, c -> { }, h -> { });
  }

  public static String forged(String audience) {
    return sign(OTHER, audience, c -> { }, h -> { });
  }

  public static String unsigned(String audience) {
    return new PlainJWT(claims(audience).build()).serialize();
  }

  public static String hmac(String audience) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("test-ehr-1").build(), claims(audience).build());
      jwt.sign(new MACSigner(new byte[32]));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWTClaimsSet.Builder claims(String audience) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(ISSUER).subject("test-ehr-client").audience(audience)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString());
  }

  private static String sign(ECKey key, String audience, Consumer<JWTClaimsSet.Builder> claims, Consumer<JWSHeader.Builder> header) {
    try {
      var c = claims(audience);
      claims.accept(c);
      var h = new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
      header.accept(h);
      SignedJWT jwt = new SignedJWT(h.build(), c.build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
