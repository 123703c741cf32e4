package carac.cql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.cqframework.cql.elm.serializing.ElmJsonLibraryWriter;

/**
 * Build step (Maven {@code process-classes}, issue 15): translates the CARAC libraries and writes their ELM with
 * the index {@link CqlLibraries#load()} reads, into {@code <classes>/elm/}. A translation error or an unaccepted
 * warning fails the build here, so no jar ships CQL that does not translate cleanly.
 *
 * <p>Usage: {@code java -cp <classpath> carac.cql.ElmCompiler <output classes directory>}
 */
public final class ElmCompiler {

  private ElmCompiler() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ElmCompiler <output classes directory>");
      System.exit(2);
    }
    try {
      int written = write(Path.of(args[0]).resolve(CqlLibraries.ELM_FOLDER));
      System.out.println("ElmCompiler: " + written + " libraries compiled to " + Path.of(args[0], CqlLibraries.ELM_FOLDER));
    } catch (IllegalStateException e) {
      System.err.println("ElmCompiler: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Translates and writes every compiled library (the CARAC ones and FHIRHelpers); returns how many. */
  static int write(Path folder) throws IOException {
    var libraries = CqlLibraries.translate();
    Files.createDirectories(folder);
    var writer = new ElmJsonLibraryWriter();
    var index = new TreeMap<String, String>();
    for (var compiled : libraries.manager().getCompiledLibraries().values()) {
      String id = compiled.getIdentifier().getId();
      Files.writeString(folder.resolve(id + ".json"), writer.writeAsString(compiled.getLibrary()), StandardCharsets.UTF_8);
      index.put(id, CqlLibraries.ALL.contains(id) ? CqlLibraries.sha256(ClasspathCqlSources.read(id)) : "translator");
    }
    for (String name : CqlLibraries.ALL) {
      if (!index.containsKey(name)) {
        throw new IllegalStateException(name + " was not compiled (not reachable from "
            + CqlLibraries.ENTRY + " or " + CqlLibraries.ORDERS + ")");
      }
    }
    var lines = new StringBuilder("# CARAC CQL compiled by ElmCompiler: library id = sha-256 of its CQL source\n");
    index.forEach((id, digest) -> lines.append(id).append('=').append(digest).append('\n'));
    Files.writeString(folder.resolve("index.properties"), lines, StandardCharsets.UTF_8);
    return index.size();
  }
}
