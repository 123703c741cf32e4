package carac.cds;

import carac.cards.Card;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Card feedback in its own database (not HAPI's): an H2 file by default, PostgreSQL by configuration, the
 * schema by Flyway from {@code db/feedback}. Issued cards are recorded in the background (uuid → rule) so
 * the summary can group feedback per rule without slowing the hook. Thread-safe.
 */
public final class FeedbackStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FeedbackStore.class);

  /** One feedback entry as the CDS client sent it (validated). */
  public record Entry(String card, String outcome, List<String> acceptedSuggestions, String overrideSystem,
      String overrideCode, String overrideDisplay, String userComment, OffsetDateTime outcomeTimestamp) {}

  /** Feedback counts for one rule in one ISO week. */
  public record RuleWeek(String rule, String week, int accepted, int overridden, double acceptanceRate,
      double overrideRate, Map<String, Integer> overrideReasons) {}

  private final HikariDataSource dataSource;
  private final JdbcTemplate jdbc;
  private final ThreadPoolExecutor background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(1000), r -> {
        Thread t = new Thread(r, "cds-feedback-writer");
        t.setDaemon(true);
        return t;
      }, new ThreadPoolExecutor.DiscardPolicy());

  public FeedbackStore(String url, String username, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(4);
    config.setPoolName("cds-feedback");
    this.dataSource = new HikariDataSource(config);
    Flyway.configure().dataSource(dataSource).locations("classpath:db/feedback")
        .table("feedback_schema_history").load().migrate();
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** The CDS database (also holds the replicas' shared jti replay table). */
  javax.sql.DataSource dataSource() {
    return dataSource;
  }

  /** Records which rule each card uuid stands for, in the background (best effort). */
  void recordIssued(List<Card> cards) {
    if (cards.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (Card c : cards) {
      rows.add(new Object[] {c.uuid(), c.source().topic() == null ? "unknown" : c.source().topic().code(), now});
    }
    background.execute(() -> {
      try {
        jdbc.batchUpdate("INSERT INTO card_issued (card_uuid, rule_id, first_issued_at) VALUES (?, ?, ?) "
            + "ON CONFLICT DO NOTHING", rows);
      } catch (RuntimeException e) {
        log.warn("could not record issued cards: {}", e.getClass().getSimpleName());
      }
    });
  }

  /** Stores feedback entries in one transaction-less batch; returns how many were written. */
  public int save(List<Entry> entries, String clientIssuer) {
    Timestamp received = Timestamp.from(Instant.now());
    List<Object[]> rows = new ArrayList<>();
    for (Entry e : entries) {
      rows.add(new Object[] {e.card(), e.outcome(),
          e.acceptedSuggestions().isEmpty() ? null : String.join(",", e.acceptedSuggestions()),
          e.overrideSystem(), e.overrideCode(), e.overrideDisplay(), e.userComment(),
          Timestamp.from(e.outcomeTimestamp().toInstant()), received, clientIssuer});
    }
    int[] written = jdbc.batchUpdate("INSERT INTO card_feedback (card_uuid, outcome, accepted_suggestions, "
        + "override_system, override_code, override_display, user_comment, outcome_timestamp, received_at, "
        + "client_issuer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
    return written.length;
  }

  /** How many feedback rows exist for a card (tests and support). */
  public int countFor(String cardUuid) {
    Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM card_feedback WHERE card_uuid = ?", Integer.class, cardUuid);
    return n == null ? 0 : n;
  }

  /** Acceptance and override rates and override reasons per rule and ISO week (UTC), oldest first. */
  public List<RuleWeek> summary() {
    Map<String, int[]> counts = new TreeMap<>();
    Map<String, Map<String, Integer>> reasons = new TreeMap<>();
    jdbc.query("SELECT COALESCE(i.rule_id, 'unknown') AS rule_id, f.outcome, f.override_code, f.outcome_timestamp "
        + "FROM card_feedback f LEFT JOIN card_issued i ON i.card_uuid = f.card_uuid", rs -> {
          OffsetDateTime at = rs.getTimestamp("outcome_timestamp").toInstant().atOffset(ZoneOffset.UTC);
          String week = String.format("%d-W%02d", at.get(IsoFields.WEEK_BASED_YEAR), at.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
          String key = week + "|" + rs.getString("rule_id");
          int[] c = counts.computeIfAbsent(key, k -> new int[2]);
          if ("accepted".equals(rs.getString("outcome"))) {
            c[0]++;
          } else {
            c[1]++;
            String code = rs.getString("override_code");
            reasons.computeIfAbsent(key, k -> new TreeMap<>()).merge(code == null ? "unspecified" : code, 1, Integer::sum);
          }
        });
    List<RuleWeek> out = new ArrayList<>();
    counts.forEach((key, c) -> {
      String[] parts = key.split("\\|", 2);
      int total = c[0] + c[1];
      out.add(new RuleWeek(parts[1], parts[0], c[0], c[1], (double) c[0] / total, (double) c[1] / total,
          reasons.getOrDefault(key, Map.of())));
    });
    return out;
  }

  /** Waits for background writes (tests, shutdown). */
  void flush() {
    try {
      background.submit(() -> { }).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | java.util.concurrent.RejectedExecutionException e) {
      log.warn("feedback writer did not finish: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    flush();
    background.shutdown();
    dataSource.close();
  }
}
