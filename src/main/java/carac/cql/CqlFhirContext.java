package carac.cql;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The R4 context of the engine's data access ({@link IndexedBundleRetrieveProvider} and the terminology source):
 * its FHIRPath engine is built without the ~650 StructureDefinitions of R4.
 *
 * <p>Why: HAPI's FHIRPath engine reads every StructureDefinition when it is built (2.7 s of a cold start on
 * 2 cores, the longest step of {@code evaluate} once the CQL ships compiled). The retrieves only ever evaluate
 * element paths such as {@code code} or {@code subject} ({@link #isElementPath}; other paths are refused by the
 * retrieve provider), which FHIRPath resolves through the model's own children, never through a
 * StructureDefinition. {@code CqlFhirContextTest} compares this engine with HAPI's full one on every element path
 * the CQL retrieves by, over every resource of every scenario story. The clinical-reasoning library caches one
 * FHIRPath engine per FHIR version: whichever context asks first builds it, and both give the same answers on
 * element paths.
 */
final class CqlFhirContext {

  private static final Pattern ELEMENT_PATH = Pattern.compile("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*");

  private CqlFhirContext() {}

  private static final class Holder {
    static final FhirContext CONTEXT = create();
  }

  static FhirContext get() {
    return Holder.CONTEXT;
  }

  static FhirContext create() {
    var context = FhirContext.forR4();
    context.setValidationSupport(new NoStructureDefinitions(context));
    return context;
  }

  /** A path of element names only (no type prefix, function, index or operator). */
  static boolean isElementPath(String path) {
    return path != null && ELEMENT_PATH.matcher(path).matches();
  }

  /** Serves no conformance resources: what an element-path-only FHIRPath engine needs. */
  private record NoStructureDefinitions(FhirContext context) implements IValidationSupport {
    @Override
    public FhirContext getFhirContext() {
      return context;
    }

    @Override
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
      return List.of();
    }

    @Override
    public String getName() {
      return "CARAC: no StructureDefinitions (element paths only)";
    }
  }
}
