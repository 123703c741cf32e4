package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDS client keys as real EHRs publish them (README "CDS clients"): each recipe with a key of that EHR's
 * shape, signed for real, against a JWKS served by a local HTTP server that counts its hits (the internet is
 * never reached: a token whose {@code jku} is on the internet verifies from the configured set).
 */
class CdsClientKeysTest {

  private static final String AUD = "https://cds.hospital.example/cds-services/carac-patient-view";
  /** The open CDS Hooks sandbox's client: ES384, this kid, a jku on the internet (sandbox source, 2026). */
  private static final String CDS_SANDBOX = "https://sandbox.cds-hooks.org";
  private static final String CDS_SANDBOX_JKU = "https://sandbox.cds-hooks.org/.well-known/jwks.json";
  private static final String CDS_SANDBOX_KID = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f";

  @TempDir Path dir;
  private HttpServer server;
  private final AtomicReference<String> served = new AtomicReference<>("{\"keys\":[]}");
  private final AtomicInteger hits = new AtomicInteger();

  @BeforeEach
  void startJwksServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      hits.incrementAndGet();
      byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static CdsJwtVerifier verifier(CdsProperties.TrustedIssuer issuer) {
    return new CdsJwtVerifier(new CdsProperties.Security(List.of(issuer), null, null, null, 100, false, null,
        Duration.ofSeconds(30), null, null), Clock.systemUTC());
  }

  @Test
  void cdsHooksSandboxTokenWithAnInternetJkuVerifiesOfflineFromTheConfiguredFile() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_384).keyID(CDS_SANDBOX_KID).generate();
    Path jwks = dir.resolve("cds-hooks-sandbox.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    var verifier = verifier(new CdsProperties.TrustedIssuer(CDS_SANDBOX, null, jwks.toString(), List.of(CDS_SANDBOX_JKU)));

    String token = sign(key, JWSAlgorithm.ES384, CDS_SANDBOX, h -> h.jwkURL(URI.create(CDS_SANDBOX_JKU)), c -> { });

    assertThat(verifier.verify(token, AUD).issuer()).isEqualTo(CDS_SANDBOX);
  }

  @Test
  void anAllowListedJkuIsNeverFetchedWhenAJwksIsConfigured() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    String jku = url("/jku-must-not-be-fetched");
    var verifier = verifier(new CdsProperties.TrustedIssuer("https://ehr.example", null, jwks.toString(), List.of(jku)));

    verifier.verify(sign(key, JWSAlgorithm.ES384, "https://ehr.example", h -> h.jwkURL(URI.create(jku)), c -> { }), AUD);
    assertThatThrownBy(() -> verifier.verify(sign(new ECKeyGenerator(Curve.P_384).keyID("k2").generate(), JWSAlgorithm.ES384,
        "https://ehr.example", h -> h.jwkURL(URI.create(jku)), c -> { }), AUD)).isInstanceOf(CdsJwtVerifier.Rejected.class);

    assertThat(hits).as("the jku is an allow-list check only").hasValue(0);
  }

  @Test
  void epicShapedTokenRs384WithItsPublicKeysEndpointAsJku() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    served.set(new JWKSet(key.toPublicJWK()).toString());
    String publicKeys = url("/interconnect-fhir-oauth/api/epic/2019/Security/Open/PublicKeys/530005/jwks");
    String iss = "https://fhir.hospital.example/interconnect-fhir-oauth/api/FHIR/R4";
    var verifier = verifier(new CdsProperties.TrustedIssuer(iss, publicKeys, null, List.of()));

    String token = sign(key, JWSAlgorithm.RS384, iss, h -> h.jwkURL(URI.create(publicKeys)),
        c -> c.subject("epic-cds-client-id").notBeforeTime(Date.from(Instant.now().minusSeconds(300))));

    assertThat(verifier.verify(token, AUD).subject()).isEqualTo("epic-cds-client-id");
    assertThatThrownBy(() -> verifier.verify(sign(key, JWSAlgorithm.RS384, iss, h -> h.jwkURL(URI.create(url("/elsewhere"))),
        c -> { }), AUD)).hasMessageContaining("jku not on the issuer's allow-list");
  }

  @Test
  void oracleHealthShapedTokenIssAndJwksUrlWithoutJku() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    served.set(new JWKSet(key.toPublicJWK()).toString());
    String iss = "https://cds-hooks.cerner.com";
    var verifier = verifier(new CdsProperties.TrustedIssuer(iss, url("/jwk"), null, List.of()));

    assertThat(verifier.verify(sign(key, JWSAlgorithm.RS256, iss, h -> { }, c -> c.claim("tenant", "ec2458f2-1e24-41c8-b71b-0e701af7583d")), AUD)
        .issuer()).isEqualTo(iss);
  }

  @Test
  void aRotatedKeyIsFetchedOnItsFirstUnknownKidAndJunkKidsAreRateLimited() throws Exception {
    ECKey old = new ECKeyGenerator(Curve.P_384).keyID("2026-1").generate();
    ECKey rotated = new ECKeyGenerator(Curve.P_384).keyID("2026-2").generate();
    served.set(new JWKSet(old.toPublicJWK()).toString());
    var verifier = verifier(new CdsProperties.TrustedIssuer("https://ehr.example", url("/jwks"), null, List.of()));

    verifier.verify(sign(old, JWSAlgorithm.ES384, "https://ehr.example", h -> { }, c -> { }), AUD);
    verifier.verify(sign(old, JWSAlgorithm.ES384, "https://ehr.example", h -> { }, c -> { }), AUD);
    assertThat(hits).as("cached").hasValue(1);

    served.set(new JWKSet(List.<JWK>of(old.toPublicJWK(), rotated.toPublicJWK())).toString());
    verifier.verify(sign(rotated, JWSAlgorithm.ES384, "https://ehr.example", h -> { }, c -> { }), AUD);
    assertThat(hits).as("refetched once for the new kid").hasValue(2);

    for (int i = 0; i < 20; i++) {
      String junk = sign(new ECKeyGenerator(Curve.P_384).keyID("junk-" + i).generate(), JWSAlgorithm.ES384,
          "https://ehr.example", h -> { }, c -> { });
      assertThatThrownBy(() -> verifier.verify(junk, AUD)).isInstanceOf(CdsJwtVerifier.Rejected.class);
    }
    assertThat(hits.get()).as("unknown kids refetch at most twice per interval").isLessThanOrEqualTo(3);
  }

  @Test
  void aKeyAddedToTheJwksFileIsFoundWithoutARestart() throws Exception {
    ECKey old = new ECKeyGenerator(Curve.P_384).keyID("a").generate();
    ECKey rotated = new ECKeyGenerator(Curve.P_384).keyID("b").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(old.toPublicJWK()).toString());
    var verifier = verifier(new CdsProperties.TrustedIssuer("https://ehr.example", null, jwks.toString(), List.of()));
    verifier.verify(sign(old, JWSAlgorithm.ES384, "https://ehr.example", h -> { }, c -> { }), AUD);

    Files.writeString(jwks, new JWKSet(List.<JWK>of(old.toPublicJWK(), rotated.toPublicJWK())).toString());

    verifier.verify(sign(rotated, JWSAlgorithm.ES384, "https://ehr.example", h -> { }, c -> { }), AUD);
  }

  @Test
  void withoutAConfiguredJwksTheKeysComeFromAnAllowListedJkuOnly() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k").generate();
    served.set(new JWKSet(key.toPublicJWK()).toString());
    String jku = url("/jwks");
    var verifier = verifier(new CdsProperties.TrustedIssuer("https://ehr.example", null, null, List.of(jku)));

    verifier.verify(sign(key, JWSAlgorithm.ES384, "https://ehr.example", h -> h.jwkURL(URI.create(jku)), c -> { }), AUD);
    assertThat(hits).hasValue(1);
    assertThatThrownBy(() -> verifier.verify(sign(key, JWSAlgorithm.ES384, "https://ehr.example", h -> { }, c -> { }), AUD))
        .hasMessageContaining("no jku");
  }

  @Test
  void anIssuerWithoutAnyKeySourceIsAConfigurationError() {
    assertThatThrownBy(() -> verifier(new CdsProperties.TrustedIssuer("https://ehr.example", null, null, List.of())))
        .hasMessageContaining("give jwks-url, jwks-file or allowed-jku");
    assertThatThrownBy(() -> verifier(new CdsProperties.TrustedIssuer("https://ehr.example", "https://a", dir.resolve("x").toString(), List.of())))
        .hasMessageContaining("not both");
  }

  private static String sign(JWK key, JWSAlgorithm alg, String iss, java.util.function.Consumer<JWSHeader.Builder> header,
      java.util.function.Consumer<JWTClaimsSet.Builder> claims) throws Exception {
    Instant now = Instant.now();
    var c = new JWTClaimsSet.Builder().issuer(iss).audience(AUD).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString());
    claims.accept(c);
    var h = new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
    header.accept(h);
    SignedJWT jwt = new SignedJWT(h.build(), c.build());
    JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
    jwt.sign(signer);
    return jwt.serialize();
  }
}
