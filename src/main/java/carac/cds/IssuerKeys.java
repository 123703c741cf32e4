package carac.cds;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a trusted CDS client's public keys come from, as real EHRs publish them. A configured JWKS (file or
 * URL) is the only key set for that issuer: the key is picked by {@code kid}, and a {@code jku} header is
 * merely checked against the allow-list, never fetched (so a token whose {@code jku} is on the internet
 * verifies offline from the configured set). Only an issuer with no JWKS configured has its keys fetched
 * from an allow-listed {@code jku}. Every set is cached by Nimbus JOSE and refetched when an unknown
 * {@code kid} arrives (key rotation), at most twice per rate-limit interval so junk kids cannot hammer the EHR.
 */
final class IssuerKeys {

  /** The token names a key location this issuer is not allowed to use. */
  static final class JkuRefused extends Exception {
    JkuRefused(String reason) {
      super(reason);
    }
  }

  private final Map<String, JWKSource<SecurityContext>> sources = new ConcurrentHashMap<>();
  private final Duration cacheTtl;
  private final Duration rateLimit;

  IssuerKeys(Duration cacheTtl, Duration rateLimit) {
    this.cacheTtl = cacheTtl;
    this.rateLimit = rateLimit;
  }

  /** Checks at configuration time that the issuer names one key source (or allow-listed jku values only). */
  static void check(CdsProperties.TrustedIssuer issuer) {
    if (issuer.issuer() == null || issuer.issuer().isBlank()) {
      throw new IllegalStateException("carac.cds.security.trusted-issuers: issuer is required");
    }
    if (has(issuer.jwksUrl()) && has(issuer.jwksFile())) {
      throw new IllegalStateException("trusted issuer " + issuer.issuer() + ": give jwks-url or jwks-file, not both");
    }
    if (!has(issuer.jwksUrl()) && !has(issuer.jwksFile()) && issuer.allowedJku().isEmpty()) {
      throw new IllegalStateException("trusted issuer " + issuer.issuer() + ": give jwks-url, jwks-file or allowed-jku");
    }
    if (has(issuer.jwksFile()) && !Path.of(issuer.jwksFile()).toFile().canRead()) {
      throw new IllegalStateException("trusted issuer " + issuer.issuer() + ": cannot read " + issuer.jwksFile());
    }
  }

  /** The key set to verify this issuer's token with, given the token's {@code jku} header (or null). */
  JWKSource<SecurityContext> forToken(CdsProperties.TrustedIssuer issuer, String jku) throws JkuRefused {
    if (jku != null && !issuer.allowedJku().contains(jku) && !jku.equals(issuer.jwksUrl())) {
      throw new JkuRefused("jku not on the issuer's allow-list");
    }
    if (has(issuer.jwksFile())) {
      return sources.computeIfAbsent("file:" + issuer.jwksFile(), k -> cached(new FileJwkSetSource(Path.of(issuer.jwksFile()))));
    }
    if (has(issuer.jwksUrl())) {
      return remote(issuer.jwksUrl());
    }
    if (jku == null) {
      throw new JkuRefused("no jku, and no JWKS configured for the issuer");
    }
    return remote(jku);
  }

  private JWKSource<SecurityContext> remote(String url) {
    return sources.computeIfAbsent("url:" + url, u -> {
      try {
        return JWKSourceBuilder.<SecurityContext>create(new URL(url))
            .cache(cacheTtl.toMillis(), 5_000)
            .rateLimited(rateLimit.toMillis())
            .build();
      } catch (MalformedURLException e) {
        throw new IllegalStateException("bad JWKS URL " + url, e);
      }
    });
  }

  private JWKSource<SecurityContext> cached(JWKSetSource<SecurityContext> source) {
    return JWKSourceBuilder.create(source).cache(cacheTtl.toMillis(), 5_000).rateLimited(rateLimit.toMillis()).build();
  }

  private static boolean has(String value) {
    return value != null && !value.isBlank();
  }

  /** A JWKS file re-read on refresh, so a rotated key dropped into the file is found without a restart. */
  private static final class FileJwkSetSource implements JWKSetSource<SecurityContext> {
    private final Path file;

    FileJwkSetSource(Path file) {
      this.file = file;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime, SecurityContext context)
        throws KeySourceException {
      try {
        return JWKSet.load(file.toFile());
      } catch (IOException | java.text.ParseException e) {
        throw new KeySourceException("cannot read JWKS file " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      // nothing held open
    }
  }
}
