package carac.sandbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Refreshes the H2 planner's statistics once the stories are in, so that the sandbox FHIR server's searches
 * are planned with the real selectivity of HAPI's index tables.
 *
 * <p>Why: H2 keeps a selectivity per column and refreshes it on its own only after 2000 changes to a table
 * ({@code ANALYZE_AUTO}). A small sandbox (a few stories, the benchmark's two) never gets there, and with the
 * default guess H2 plans HAPI's {@code Observation?patient=..&date=ge..} join of {@code HFJ_RES_LINK} and
 * {@code HFJ_SPIDX_DATE} as "for each of the patient's links, walk every Observation date row of that search
 * parameter" ({@code IDX_SP_DATE_ORD_HASH_HIGH_V2} entered on the hash and the date range, the resource id
 * only filtered): 296 x 590 rows for one 35-day course, growing with the product of the patient's and the
 * whole server's Observations. With statistics it walks the date rows once and joins the links by index.
 *
 * <p>{@code ANALYZE} samples at most 10,000 rows per table: tens of milliseconds for the packaged stories.
 * PostgreSQL keeps its own statistics (autovacuum), so nothing is run there.
 */
@Component
public class SearchStatistics {

  private static final Logger log = LoggerFactory.getLogger(SearchStatistics.class);

  private final DataSource dataSource;

  public SearchStatistics(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs H2's {@code ANALYZE}; on any other database, or if it fails, nothing changes (searches stay correct). */
  public void refresh() {
    long start = System.nanoTime();
    try (Connection connection = dataSource.getConnection()) {
      if (!isH2(connection)) {
        return;
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("ANALYZE");
      }
      log.info("H2 statistics refreshed in {} ms", (System.nanoTime() - start) / 1_000_000);
    } catch (SQLException | RuntimeException e) {
      // only the plans are at stake, never the results
      log.warn("could not refresh the H2 statistics: {}", e.toString());
    }
  }

  static boolean isH2(Connection connection) throws SQLException {
    return "H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
  }
}
