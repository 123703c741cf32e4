package carac.cql;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.opencds.cqf.cql.engine.runtime.Code;
import org.opencds.cqf.cql.engine.runtime.Interval;
import org.opencds.cqf.cql.engine.terminology.TerminologyProvider;
import org.opencds.cqf.fhir.cql.engine.retrieve.BaseRetrieveProvider;
import org.opencds.cqf.fhir.cql.engine.retrieve.RetrieveSettings;

/**
 * Retrieves from one patient's bundle through an index, with the clinical-reasoning library's own in-memory
 * filters deciding what matches ({@link BaseRetrieveProvider#filterByContext}, {@link
 * BaseRetrieveProvider#filterByTerminology}).
 *
 * <p>Why: the CARAC libraries retrieve Observations by 18 code lists; the repository provider matched every
 * Observation against every list through FHIRPath (18 × ~300 matches per 35-day course). Here each resource's
 * context is checked once per type, its codes are read once per code path, and a code-filtered retrieve
 * looks at the resources carrying one of the requested code values only; the library's terminology filter
 * then runs on those few, so what matches is exactly what the library decides. A resource whose codes cannot
 * be read stays a candidate. Results keep the bundle's order, so they never depend on resource ids.
 *
 * <p>Not thread-safe: one instance per evaluation (as the engine's state).
 */
final class IndexedBundleRetrieveProvider extends BaseRetrieveProvider {

  private final List<IBaseResource> resources;
  private final Map<String, List<IBaseResource>> inContext = new HashMap<>();
  private final Map<String, Map<String, List<IBaseResource>>> byCode = new HashMap<>();
  private final Map<String, List<IBaseResource>> unreadableCodes = new HashMap<>();

  IndexedBundleRetrieveProvider(FhirContext fhirContext, TerminologyProvider terminology, Bundle patientData) {
    super(fhirContext, terminology, new RetrieveSettings());
    List<IBaseResource> all = new ArrayList<>(patientData.getEntry().size());
    for (var entry : patientData.getEntry()) {
      if (entry.getResource() != null) {
        all.add(entry.getResource());
      }
    }
    this.resources = all;
  }

  @Override
  public Iterable<Object> retrieve(String context, String contextPath, Object contextValue, String dataType,
      String templateId, String codePath, Iterable<Code> codes, String valueSet, String datePath,
      String dateLowPath, String dateHighPath, Interval dateRange) {
    if (datePath != null || dateLowPath != null || dateHighPath != null || dateRange != null) {
      throw new UnsupportedOperationException("date-filtered retrieves are not supported (" + dataType + ")");
    }
    if (valueSet != null) {
      throw new UnsupportedOperationException("value-set retrieves are not supported (" + dataType + ")");
    }
    for (String path : new String[] {codePath, contextPath}) {
      if (path != null && !CqlFhirContext.isElementPath(path)) { // the context's FHIRPath knows no StructureDefinitions
        throw new UnsupportedOperationException("retrieve path '" + path + "' is not an element path (" + dataType + ")");
      }
    }
    String contextKey = dataType + '|' + context + '|' + contextPath + '|' + contextValue;
    List<IBaseResource> ofType = inContext.computeIfAbsent(contextKey, k -> inContext(dataType, context, contextPath, contextValue));
    List<IBaseResource> candidates = codes == null || codePath == null ? ofType : candidates(contextKey, ofType, codePath, codes);
    var matches = filterByTerminology(dataType, codePath, codes, null).and(filterByTemplateId(dataType, templateId));
    List<Object> result = new ArrayList<>(candidates.size());
    for (IBaseResource r : candidates) {
      if (matches.test(r)) {
        result.add(r);
      }
    }
    return result;
  }

  private List<IBaseResource> inContext(String dataType, String context, String contextPath, Object contextValue) {
    var inContext = filterByContext(dataType, context, contextPath, contextValue);
    List<IBaseResource> ofType = new ArrayList<>();
    for (IBaseResource r : resources) {
      if (r.fhirType().equals(dataType) && inContext.test(r)) {
        ofType.add(r);
      }
    }
    return ofType;
  }

  /** The resources of the type (in context) carrying one of the code values, plus those whose codes could not be read. */
  private List<IBaseResource> candidates(String contextKey, List<IBaseResource> ofType, String codePath, Iterable<Code> codes) {
    String indexKey = contextKey + '|' + codePath;
    Map<String, List<IBaseResource>> index = byCode.computeIfAbsent(indexKey, k -> index(ofType, codePath, indexKey));
    Set<IBaseResource> picked = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Code code : codes) {
      if (code != null && code.getCode() != null) {
        picked.addAll(index.getOrDefault(code.getCode(), List.of()));
      }
    }
    picked.addAll(unreadableCodes.get(indexKey));
    List<IBaseResource> inBundleOrder = new ArrayList<>(picked.size());
    for (IBaseResource r : ofType) {
      if (picked.contains(r)) {
        inBundleOrder.add(r);
      }
    }
    return inBundleOrder;
  }

  private Map<String, List<IBaseResource>> index(List<IBaseResource> ofType, String codePath, String indexKey) {
    Map<String, List<IBaseResource>> index = new HashMap<>();
    List<IBaseResource> unreadable = new ArrayList<>();
    for (IBaseResource r : ofType) {
      List<Code> found;
      try {
        found = getCodeUtil().getElmCodesFromObject(getFhirPath().evaluate(r, codePath, IBase.class));
      } catch (RuntimeException e) {
        found = null; // the library's own filter decides for this one
      }
      if (found == null || found.isEmpty()) {
        unreadable.add(r);
        continue;
      }
      for (Code c : found) {
        if (c != null && c.getCode() != null) {
          List<IBaseResource> list = index.computeIfAbsent(c.getCode(), k -> new ArrayList<>());
          if (list.isEmpty() || list.get(list.size() - 1) != r) {
            list.add(r);
          }
        }
      }
    }
    unreadableCodes.put(indexKey, unreadable);
    return index;
  }
}
