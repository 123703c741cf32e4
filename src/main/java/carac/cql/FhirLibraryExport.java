package carac.cql;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cqframework.cql.cql2elm.CqlTranslator;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DataRequirement;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.ParameterDefinition;
import org.hl7.fhir.r4.model.RelatedArtifact;

/**
 * The CARAC libraries as FHIR R4 {@code Library} resources, so that another clinical-reasoning server (HAPI's
 * {@code Library/$evaluate}, any CQF engine) runs exactly our content: the CQL text, the ELM the translator
 * produced from it (JSON, with the options the product uses), the parameters each library declares, the data
 * each retrieves ({@code dataRequirement}, codes included) and the libraries it includes. Written to
 * {@code fhir-resources/libraries/}; {@code FhirLibraryExportTest} fails when those files are not what the
 * current CQL gives (regenerate: see README "Running the CQL elsewhere").
 */
public final class FhirLibraryExport {

  /** Canonical base of the libraries (the same as the CodeSystem's host). */
  public static final String CANONICAL = "https://carac-watch.example.org/Library/";

  private final CqlEvaluator evaluator;

  public FhirLibraryExport(CqlEvaluator evaluator) {
    this.evaluator = evaluator;
  }

  /** One Library per CARAC library, in include order. */
  public List<Library> libraries() {
    // translated here, not taken from the evaluator: the translator needs the libraries as the translator left
    // them (operator maps, result types), which the build's ELM the evaluator runs does not carry
    var libraries = CqlLibraries.translate();
    List<Library> out = new ArrayList<>();
    for (String name : CqlLibraries.ALL) {
      String cql = ClasspathCqlSources.read(name);
      var translator = CqlTranslator.fromText(cql, libraries.manager());
      var elm = translator.toELM();
      Library library = new Library();
      library.setId(name);
      library.setUrl(CANONICAL + name);
      library.setVersion(libraries.version());
      library.setName(name);
      library.setTitle(name);
      library.setStatus(PublicationStatus.ACTIVE);
      library.setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/library-type", "logic-library", null)));
      if (elm.getIncludes() != null) {
        for (var include : elm.getIncludes().getDef()) {
          String url = include.getPath().equals("FHIRHelpers")
              ? "http://hl7.org/fhir/Library/FHIRHelpers|" + include.getVersion()
              : CANONICAL + include.getPath() + "|" + include.getVersion();
          library.addRelatedArtifact().setType(RelatedArtifact.RelatedArtifactType.DEPENDSON).setResource(url);
        }
      }
      if (elm.getParameters() != null) {
        for (var parameter : elm.getParameters().getDef()) {
          library.addParameter().setName(parameter.getName()).setUse(ParameterDefinition.ParameterUse.IN).setMin(0).setMax("1")
              .setType("DateTime".equals(localType(parameter)) ? "dateTime" : "Any")
              .setDocumentation(parameterDocumentation(parameter.getName()));
        }
      }
      for (var requirement : evaluator.dataRequirements(name)) {
        DataRequirement data = library.addDataRequirement().setType(requirement.type());
        if (!requirement.codes().isEmpty()) {
          var filter = data.addCodeFilter().setPath(requirement.codePath());
          requirement.codes().forEach(c -> filter.addCode(new Coding(c.system(), c.code(), null)));
        }
      }
      library.addContent(new Attachment().setContentType("text/cql").setData(cql.getBytes(StandardCharsets.UTF_8)));
      library.addContent(new Attachment().setContentType("application/elm+json")
          .setData(translator.toJson().getBytes(StandardCharsets.UTF_8)));
      out.add(library);
    }
    return out;
  }

  private static String localType(org.hl7.elm.r1.ParameterDef parameter) {
    return parameter.getParameterTypeSpecifier() instanceof org.hl7.elm.r1.NamedTypeSpecifier named
        ? named.getName().getLocalPart() : null;
  }

  private static String parameterDocumentation(String name) {
    return switch (name) {
      case "As Of" -> "The evaluation instant with its UTC offset; later records are not yet known (fhir-input-profile.md P1). "
          + "Default: the evaluation's Now().";
      case "Draft Orders" -> "The hook's draft MedicationRequests (CDS Hooks context.draftOrders), clinical-reference.md §7.5.";
      default -> "Site configuration (README \"Site configuration\"): a list of tuples as declared in the CQL; empty or "
          + "absent means none. A server that cannot pass tuple lists runs without them (the CQL's defaults).";
    };
  }

  /** Writes one JSON file per library ({@code Library-NAME.json}) into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    var parser = FhirContext.forR4Cached().newJsonParser().setPrettyPrint(true);
    for (Library library : libraries()) {
      Files.writeString(dir.resolve("Library-" + library.getIdElement().getIdPart() + ".json"),
          parser.encodeResourceToString(library) + "\n");
    }
  }
}
