package carac.cds;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers each (issuer, jti) until its token expires, so a captured JWT cannot be replayed. Bounded: when
 * full after purging expired entries, new tokens are refused rather than old ones forgotten (fail closed).
 * One process only: replicas share {@link DatabaseJtiReplayStore} instead.
 */
final class JtiReplayCache implements JtiReplayStore {

  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final int capacity;

  JtiReplayCache(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant expiresAt, Instant now) {
    if (seen.size() >= capacity) {
      purge(now);
      if (seen.size() >= capacity) {
        return false;
      }
    }
    return seen.putIfAbsent(issuer + "\u0000" + jti, expiresAt) == null;
  }

  private void purge(Instant now) {
    for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().isBefore(now)) {
        it.remove();
      }
    }
  }
}
