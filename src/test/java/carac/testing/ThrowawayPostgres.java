package carac.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for integration tests, from Debian's {@code postgresql} binaries (CI has no
 * server running and no Docker; {@code .ci/run} installs the package): {@code initdb} into a temporary
 * directory, {@code pg_ctl start} on a free loopback port with trust authentication, one empty database,
 * and everything stopped and deleted at {@link #close()}. PostgreSQL refuses to run as root, so under root
 * the binaries run as the {@code postgres} user the package creates.
 */
public final class ThrowawayPostgres implements AutoCloseable {

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private ThrowawayPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Starts a cluster and creates {@code database} in it. */
  public static ThrowawayPostgres start(String database) throws Exception {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("carac-pg-");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var pg = new ThrowawayPostgres(bin, dir, port, root);
    if (root) {
      pg.run(List.of("chown", "postgres", dir.toString()), false);
    }
    pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
        "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"), root);
    pg.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
        "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -F", "start"), root);
    try (var c = DriverManager.getConnection(pg.url("postgres"), "postgres", "")) {
      c.createStatement().execute("CREATE DATABASE " + database);
    }
    return pg;
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public void close() throws Exception {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"),
          asPostgresUser);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Debian keeps the server binaries in /usr/lib/postgresql/VERSION/bin (the newest wins). */
  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql: "
        + "install Debian's postgresql package (apt-get install -y postgresql; .ci/run does)");
  }

  private void run(List<String> command, boolean asPostgres) throws Exception {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", full) + " failed:\n" + new String(out));
    }
  }
}
