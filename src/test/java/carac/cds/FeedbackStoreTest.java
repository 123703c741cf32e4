package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import carac.cards.Card;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feedback survives a restart of the store (a new pool and Flyway run on the same H2 file). */
class FeedbackStoreTest {

  @TempDir Path dir;

  private String url() {
    return "jdbc:h2:file:" + dir.resolve("feedback") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
  }

  @Test
  void feedbackIsStillThereAfterARestart() {
    String uuid = "2f1c1d5e-0000-3000-8000-000000000001";
    try (var store = new FeedbackStore(url(), "sa", "")) {
      store.recordIssued(List.of(new Card(uuid, "s", "warning",
          new Card.Source("CARAC Watch", new Card.Coding("sys", "R-FIB", "Low fibrinogen")), "d")));
      store.recordIssued(List.of(new Card(uuid, "s", "warning",
          new Card.Source("CARAC Watch", new Card.Coding("sys", "R-FIB", "Low fibrinogen")), "d")));
      store.flush();
      store.save(List.of(
          new FeedbackStore.Entry(uuid, "accepted", List.of("s1"), null, null, null, null, OffsetDateTime.parse("2025-04-14T08:00:00Z")),
          new FeedbackStore.Entry(uuid, "overridden", List.of(), "sys", "already-addressed", "Already addressed", "ok",
              OffsetDateTime.parse("2025-04-15T08:00:00Z"))), "https://ehr");
    }
    try (var restarted = new FeedbackStore(url(), "sa", "")) {
      assertThat(restarted.countFor(uuid)).isEqualTo(2);
      var summary = restarted.summary();
      assertThat(summary).hasSize(1);
      var week = summary.get(0);
      assertThat(week.rule()).isEqualTo("R-FIB");
      assertThat(week.week()).isEqualTo("2025-W16");
      assertThat(week.acceptanceRate()).isEqualTo(0.5);
      assertThat(week.overrideReasons()).containsEntry("already-addressed", 1);
    }
  }
}
