package carac.cds;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The replay store replicas share: one row per (issuer, jti) in the CDS database (table {@code cds_jti_seen},
 * Flyway {@code db/feedback}), whose primary key makes the first insert win on every replica at once.
 * Expired rows are purged at most once per interval by whichever replica comes first.
 */
final class DatabaseJtiReplayStore implements JtiReplayStore {

  private static final Logger log = LoggerFactory.getLogger(DatabaseJtiReplayStore.class);

  private final JdbcTemplate jdbc;
  private final Duration purgeInterval;
  private final AtomicLong nextPurge = new AtomicLong();

  DatabaseJtiReplayStore(DataSource dataSource, Duration purgeInterval) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.purgeInterval = purgeInterval;
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant expiresAt, Instant now) {
    purgeIfDue(now);
    try {
      jdbc.update("INSERT INTO cds_jti_seen (issuer, jti, expires_at) VALUES (?, ?, ?)",
          issuer, jti, Timestamp.from(expiresAt));
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    } catch (DataAccessException e) {
      log.warn("jti replay store unavailable, token refused: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  /** Deletes expired rows; returns how many (tests). */
  int purge(Instant now) {
    return jdbc.update("DELETE FROM cds_jti_seen WHERE expires_at < ?", Timestamp.from(now));
  }

  private void purgeIfDue(Instant now) {
    long due = nextPurge.get();
    if (now.toEpochMilli() >= due && nextPurge.compareAndSet(due, now.plus(purgeInterval).toEpochMilli())) {
      try {
        purge(now);
      } catch (DataAccessException e) {
        log.warn("could not purge expired jti rows: {}", e.getClass().getSimpleName());
      }
    }
  }
}
