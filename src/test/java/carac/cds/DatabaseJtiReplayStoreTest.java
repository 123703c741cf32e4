package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared jti store on the CDS database (H2 here, PostgreSQL in ReplicasIT): first use wins, expired rows go. */
class DatabaseJtiReplayStoreTest {

  @TempDir Path dir;

  @Test
  void firstUseWinsAcrossTwoStoresOnOneDatabaseAndExpiredRowsArePurged() {
    String url = "jdbc:h2:file:" + dir.resolve("cds") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=FALSE";
    Instant now = Instant.parse("2026-12-05T08:00:00Z");
    try (var db = new FeedbackStore(url, "sa", "")) {
      var replicaA = new DatabaseJtiReplayStore(db.dataSource(), Duration.ofMinutes(1));
      var replicaB = new DatabaseJtiReplayStore(db.dataSource(), Duration.ofMinutes(1));

      assertThat(replicaA.firstUse("https://ehr", "j1", now.plusSeconds(300), now)).isTrue();
      assertThat(replicaB.firstUse("https://ehr", "j1", now.plusSeconds(300), now)).as("replay").isFalse();
      assertThat(replicaB.firstUse("https://other-ehr", "j1", now.plusSeconds(300), now)).as("another issuer's jti").isTrue();
      assertThat(replicaA.firstUse("https://ehr", "j2", now.plusSeconds(10), now)).isTrue();

      assertThat(replicaA.purge(now.plusSeconds(60))).as("only j2 has expired").isEqualTo(1);
      assertThat(replicaB.firstUse("https://ehr", "j1", now.plusSeconds(300), now.plusSeconds(60))).isFalse();
    }
  }

  @Test
  void anUnreachableDatabaseRefusesTheToken() {
    var db = new FeedbackStore("jdbc:h2:mem:jti-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
    var store = new DatabaseJtiReplayStore(db.dataSource(), Duration.ofMinutes(1));
    db.close();
    Instant now = Instant.now();
    assertThat(store.firstUse("https://ehr", "j", now.plusSeconds(300), now)).as("fail closed").isFalse();
  }
}
