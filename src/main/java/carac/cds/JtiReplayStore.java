package carac.cds;

import java.time.Instant;

/** Remembers each (issuer, jti) until its token expires, so a captured CDS client JWT cannot be replayed. */
interface JtiReplayStore {

  /**
   * True the first time this (issuer, jti) is seen; false for a replay, and false when the store cannot
   * answer (fail closed: an unverifiable token is refused).
   */
  boolean firstUse(String issuer, String jti, Instant expiresAt, Instant now);
}
