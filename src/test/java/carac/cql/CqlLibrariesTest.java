package carac.cql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CQL translates cleanly and every library follows the release train. */
class CqlLibrariesTest {

  private static CqlLibraries libraries;

  @BeforeAll
  static void compile() {
    libraries = CqlLibraries.translate();
  }

  @Test
  void everyLibraryTranslatesWithoutErrorsOrUnacceptedWarnings() {
    for (String name : CqlLibraries.ALL) {
      assertThat(libraries.translate(name)).as(name).isEmpty();
    }
  }

  @Test
  void theLibraryListIsExactlyTheCqlFolder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("cql"))) {
      var names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cql"))
          .map(n -> n.substring(0, n.length() - 4)).toList();
      assertThat(names).containsExactlyInAnyOrderElementsOf(CqlLibraries.ALL);
    }
  }

  @Test
  void everyLibraryAndIncludeCarriesThePomVersionAndItsFileName() throws Exception {
    var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String pomVersion = pom.getDocumentElement().getElementsByTagName("version").item(1).getTextContent()
        .replace("-SNAPSHOT", "");
    var header = Pattern.compile("(?m)^library (\\S+) version '([^']+)'");
    var include = Pattern.compile("(?m)^include (Carac\\S+) version '([^']+)'");
    var helpers = Pattern.compile("(?m)^include FHIRHelpers version '4\\.0\\.1'");
    for (String name : CqlLibraries.ALL) {
      String cql = Files.readString(Path.of("cql", name + ".cql"));
      var h = header.matcher(cql);
      assertThat(h.find()).as(name + " header").isTrue();
      assertThat(h.group(1)).as("library name of " + name + ".cql").isEqualTo(name);
      assertThat(h.group(2)).as("version of " + name).isEqualTo(pomVersion);
      var i = include.matcher(cql);
      while (i.find()) {
        assertThat(i.group(2)).as(name + " includes " + i.group(1)).isEqualTo(pomVersion);
      }
      if (cql.contains("include FHIRHelpers")) {
        assertThat(helpers.matcher(cql).find()).as(name + " pins FHIRHelpers 4.0.1").isTrue();
      }
      assertThat(cql).as(name + " uses FHIR 4.0.1").contains("using FHIR version '4.0.1'");
    }
    assertThat(libraries.version()).isEqualTo(pomVersion);
  }

  @Test
  void theBuildsElmIsCurrentAndIsWhatTheApplicationLoads() {
    assertThat(CqlLibraries.staleness()).as("target/classes/elm/ written by ElmCompiler in process-classes").isNull();
    var loaded = CqlLibraries.load();
    assertThat(loaded.fromBuildElm()).isTrue();
    assertThat(loaded.version()).isEqualTo(libraries.version());
    for (String name : CqlLibraries.ALL) {
      var fromElm = loaded.manager().resolveLibrary(loaded.identifier(name)).getLibrary();
      var translated = libraries.manager().resolveLibrary(libraries.identifier(name)).getLibrary();
      assertThat(fromElm.getStatements().getDef()).extracting(d -> d.getName() + "/" + d.getClass().getSimpleName())
          .as(name).containsExactlyElementsOf(translated.getStatements().getDef().stream()
              .map(d -> d.getName() + "/" + d.getClass().getSimpleName()).toList());
      assertThat(org.cqframework.cql.cql2elm.CqlTranslator.convertToJson(fromElm)).as(name)
          .isEqualTo(org.cqframework.cql.cql2elm.CqlTranslator.convertToJson(translated));
    }
  }

  @Test
  void elmBuiltFromOtherCqlOrMissingIsNotUsed() {
    var index = new java.util.Properties();
    CqlLibraries.ALL.forEach(n -> index.setProperty(n, CqlLibraries.sha256("cql of " + n)));
    assertThat(CqlLibraries.staleness(index, n -> "cql of " + n)).isNull();
    assertThat(CqlLibraries.staleness(index, n -> n.equals("CaracRules") ? "edited" : "cql of " + n))
        .contains("CaracRules").contains("other CQL");
    index.remove("CaracCards");
    assertThat(CqlLibraries.staleness(index, n -> "cql of " + n)).contains("no CaracCards");
    assertThat(CqlLibraries.staleness(null, n -> "")).contains("no compiled ELM");
  }

  @Test
  void aBrokenLibraryIsReportedWithItsLocation() {
    var translator = org.cqframework.cql.cql2elm.CqlTranslator.fromText(
        "library Broken version '0.1.0'\nusing FHIR version '4.0.1'\ndefine \"X\": 1 + 'a'", libraries.manager());
    assertThat(translator.getErrors()).isNotEmpty();
  }
}
