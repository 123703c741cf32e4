package carac.cql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import kotlinx.io.CoreKt;
import kotlinx.io.JvmCoreKt;
import kotlinx.io.Source;
import org.cqframework.cql.cql2elm.LibrarySourceProvider;
import org.hl7.elm.r1.VersionedIdentifier;

/**
 * Serves the CARAC libraries from {@code cql/<Name>.cql} on the classpath (the Maven build copies the
 * top-level {@code cql/} folder there). FHIRHelpers 4.0.1 is not ours: the translator's own provider
 * supplies it unmodified.
 */
final class ClasspathCqlSources implements LibrarySourceProvider {

  static final String FOLDER = "cql/";

  @Override
  public Source getLibrarySource(VersionedIdentifier id) {
    InputStream in = open(id.getId());
    return in == null ? null : CoreKt.buffered(JvmCoreKt.asSource(in));
  }

  static String read(String libraryName) {
    try (InputStream in = open(libraryName)) {
      if (in == null) {
        throw new IllegalStateException("CQL library not found on the classpath: " + FOLDER + libraryName + ".cql");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String libraryName) {
    return ClasspathCqlSources.class.getClassLoader().getResourceAsStream(FOLDER + libraryName + ".cql");
  }
}
