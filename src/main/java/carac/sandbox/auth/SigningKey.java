package carac.sandbox.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.JWKGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;

/**
 * A private signing key kept in the data directory: generated at first start, read at every later start,
 * so tokens stay valid across restarts and no private key is ever committed.
 */
public final class SigningKey {

  private SigningKey() {}

  /** Reads the key at {@code file}, or generates one with {@code generator} and stores it (owner-only). */
  public static JWK loadOrCreate(Path file, JWKGenerator<? extends JWK> generator) {
    try {
      if (Files.isRegularFile(file)) {
        return JWK.parse(Files.readString(file));
      }
      JWK key = generator.keyID(UUID.randomUUID().toString()).generate();
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "key", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the data directory's own permissions apply
      }
      Files.writeString(tmp, key.toJSONString());
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the signing key " + file, e);
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException("the signing key " + file + " is not a valid JWK: " + e.getMessage(), e);
    }
  }
}
