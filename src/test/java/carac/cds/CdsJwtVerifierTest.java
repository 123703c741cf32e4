package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Real ES384 tokens against the verifier: one valid, then each hostile variant refused. */
class CdsJwtVerifierTest {

  private static final String AUD = "https://cds.example.org/cds-services/carac-patient-view";

  private final CdsJwtVerifier verifier = new CdsJwtVerifier(
      new CdsProperties.Security(List.of(TestEhrKeys.trustedIssuer()), null, Duration.ofMinutes(5),
          Duration.ofSeconds(30), 1000, false, null, null, null, null),
      Clock.systemUTC());

  @Test
  void acceptsAValidToken() throws Exception {
    var verified = verifier.verify(TestEhrKeys.token(AUD), AUD);
    assertThat(verified.issuer()).isEqualTo(TestEhrKeys.ISSUER);
  }

  @Test
  void aTokenValidForTenYearsIsRefusedAndNeverFillsTheReplayCache() throws Exception {
    var small = new CdsJwtVerifier(new CdsProperties.Security(List.of(TestEhrKeys.trustedIssuer()), null,
        Duration.ofMinutes(5), Duration.ofSeconds(30), 3, false, null, null, null, null), Clock.systemUTC());
    String decade = TestEhrKeys.token(AUD, c -> c.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650)))), h -> { });
    assertThatThrownBy(() -> small.verify(decade, AUD)).hasMessageContaining("lifetime");
    for (int i = 0; i < 3; i++) {
      small.verify(TestEhrKeys.token(AUD), AUD); // the replay cache (3) is now full of live entries
    }
    assertThatThrownBy(() -> small.verify(TestEhrKeys.token(AUD), AUD)).hasMessageContaining("replayed");
  }

  @Test
  void aJtiIsKeptOnlyWhileItsTokenCouldBeAccepted() {
    var cache = new JtiReplayCache(1);
    Instant now = Instant.now();
    assertThat(cache.firstUse("iss", "a", now.plusSeconds(60), now)).isTrue();
    assertThat(cache.firstUse("iss", "b", now.plusSeconds(60), now)).as("full of live entries: fail closed").isFalse();
    assertThat(cache.firstUse("iss", "b", now.plusSeconds(200), now.plusSeconds(61))).as("expired entry purged").isTrue();
  }

  @Test
  void refusesAReplayedJti() throws Exception {
    String token = TestEhrKeys.token(AUD);
    verifier.verify(token, AUD);
    assertThatThrownBy(() -> verifier.verify(token, AUD)).hasMessageContaining("jti replayed");
  }

  static Stream<Arguments> hostile() {
    Instant now = Instant.now();
    return Stream.of(
        Arguments.of("alg none", TestEhrKeys.unsigned(AUD)),
        Arguments.of("HMAC", TestEhrKeys.hmac(AUD)),
        Arguments.of("forged signature", TestEhrKeys.forged(AUD)),
        Arguments.of("no kid", TestEhrKeys.token(AUD, c -> { }, h -> h.keyID(null))),
        Arguments.of("wrong audience", TestEhrKeys.token(AUD + "x")),
        Arguments.of("audience of another service", TestEhrKeys.token("https://cds.example.org/cds-services")),
        Arguments.of("expired", TestEhrKeys.token(AUD, c -> c.expirationTime(Date.from(now.minusSeconds(120))), h -> { })),
        Arguments.of("iat too old", TestEhrKeys.token(AUD, c -> c.issueTime(Date.from(now.minusSeconds(3600))), h -> { })),
        Arguments.of("iat in the future", TestEhrKeys.token(AUD, c -> c.issueTime(Date.from(now.plusSeconds(600))), h -> { })),
        Arguments.of("no jti", TestEhrKeys.token(AUD, c -> c.jwtID(null), h -> { })),
        Arguments.of("no exp", TestEhrKeys.token(AUD, c -> c.expirationTime(null), h -> { })),
        Arguments.of("untrusted issuer", TestEhrKeys.token(AUD, c -> c.issuer("https://evil.example"), h -> { })),
        Arguments.of("jku not allowed", TestEhrKeys.token(AUD, c -> { }, h -> h.jwkURL(URI.create("https://evil.example/jwks")))),
        Arguments.of("not a JWT", "abc.def.ghi"),
        Arguments.of("zero signature (CVE-2022-21449)", withSignature(TestEhrKeys.token(AUD), s -> new byte[s.length])),
        Arguments.of("one bit of the signature flipped", withSignature(TestEhrKeys.token(AUD), s -> {
          s[s.length / 2] ^= 1;
          return s;
        })));
  }

  private static String withSignature(String token, java.util.function.UnaryOperator<byte[]> change) {
    String[] parts = token.split("\\.");
    byte[] signature = java.util.Base64.getUrlDecoder().decode(parts[2]);
    return parts[0] + "." + parts[1] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(change.apply(signature));
  }

  @Test
  void ecdsaSignaturesAreCheckedByBouncyCastleAndRsaByTheJdk() throws Exception {
    var ec = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384).generate();
    var rsa = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
    assertThat(CdsJwtVerifier.VERIFIERS.createJWSVerifier(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.ES384),
        ec.toECPublicKey()).getJCAContext().getProvider().getName()).isEqualTo("BC");
    assertThat(CdsJwtVerifier.VERIFIERS.createJWSVerifier(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.RS384),
        rsa.toRSAPublicKey()).getJCAContext().getProvider()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void refusesHostileTokens(String name, String token) {
    assertThatThrownBy(() -> verifier.verify(token, AUD)).isInstanceOf(CdsJwtVerifier.Rejected.class);
  }

  @Test
  void refusesASymmetricAlgorithmInConfiguration() {
    assertThatThrownBy(() -> new CdsJwtVerifier(new CdsProperties.Security(List.of(), List.of("HS256"), null, null, null, null, null, null, null, null),
        Clock.systemUTC())).hasMessageContaining("not an asymmetric");
  }
}
