package carac.cds;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/** A story bundle cut into the prefetch keys an EHR would send (one searchset Bundle per key). */
final class StoryPrefetch {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final ObjectMapper JSON = new ObjectMapper();

  private StoryPrefetch() {}

  static Bundle bundle(String story) throws IOException {
    return FHIR.newJsonParser().parseResource(Bundle.class,
        Files.readString(Path.of("fhir-resources/scenarios", story, "bundle.json")));
  }

  static String patientId(Bundle b) {
    return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> r.fhirType().equals("Patient")).findFirst().orElseThrow().getIdElement().getIdPart();
  }

  /** key → JSON value, for every key of the templates; each search key a searchset of the story's resources of its type. */
  static Map<String, com.fasterxml.jackson.databind.JsonNode> prefetch(Bundle story, PrefetchTemplates templates) throws IOException {
    Map<String, com.fasterxml.jackson.databind.JsonNode> out = new LinkedHashMap<>();
    for (var e : templates.templates().entrySet()) {
      String type = e.getValue().split("[/?]")[0];
      if (e.getKey().equals(PrefetchTemplates.PATIENT_KEY)) {
        Resource p = story.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
            .filter(r -> r.fhirType().equals("Patient")).findFirst().orElseThrow();
        out.put(e.getKey(), JSON.readTree(FHIR.newJsonParser().encodeResourceToString(p)));
        continue;
      }
      Bundle set = new Bundle().setType(Bundle.BundleType.SEARCHSET);
      story.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
          .filter(r -> r.fhirType().equals(type)).forEach(r -> set.addEntry().setResource(r));
      set.setTotal(set.getEntry().size());
      out.put(e.getKey(), JSON.readTree(FHIR.newJsonParser().encodeResourceToString(set)));
    }
    return out;
  }

  static ObjectNode operationOutcome() {
    ObjectNode oo = JSON.createObjectNode();
    oo.put("resourceType", "OperationOutcome");
    oo.putArray("issue").addObject().put("severity", "error").put("code", "timeout");
    return oo;
  }
}
