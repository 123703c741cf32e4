package carac.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code context.draftOrders} (and for order-select {@code context.selections}) of a CDS Hooks 2.0 order
 * call, checked: a FHIR R4 Bundle of order resources, each with an id; selections name entries of that
 * Bundle. Every problem is a 400 naming the field. The MedicationRequests that reach the CQL are the
 * selected ones for order-select and all for order-sign; which of them are drafts of this patient is the
 * CQL's to decide (CaracOrders).
 */
record DraftOrders(List<MedicationRequest> medicationRequests, int entries) {

  /** The order resources CDS Hooks 2.0 lets an EHR put in draftOrders (R4). */
  static final Set<String> ORDER_TYPES = Set.of("MedicationRequest", "ServiceRequest", "NutritionOrder",
      "VisionPrescription", "DeviceRequest", "SupplyRequest", "CommunicationRequest", "ImmunizationRecommendation");
  static final int MAX_ENTRIES = 200;

  static DraftOrders parse(JsonNode context, String hook, FhirContext fhir) {
    JsonNode draft = context == null ? null : context.get("draftOrders");
    if (draft == null || draft.isNull()) {
      throw CdsException.badRequest("context.draftOrders is required");
    }
    if (!draft.isObject() || !"Bundle".equals(draft.path("resourceType").asText())) {
      throw CdsException.badRequest("context.draftOrders must be a FHIR Bundle");
    }
    JsonNode entries = draft.path("entry");
    if (!entries.isMissingNode() && !entries.isArray()) {
      throw CdsException.badRequest("context.draftOrders.entry must be an array");
    }
    if (entries.size() > MAX_ENTRIES) {
      throw CdsException.badRequest("context.draftOrders holds more than " + MAX_ENTRIES + " entries");
    }
    for (int i = 0; i < entries.size(); i++) {
      String type = entries.get(i).path("resource").path("resourceType").asText("");
      if (!ORDER_TYPES.contains(type)) {
        throw CdsException.badRequest("context.draftOrders.entry[" + i + "].resource must be an order resource ("
            + String.join(", ", new java.util.TreeSet<>(ORDER_TYPES)) + ")" + (type.isEmpty() ? "" : ", not " + type));
      }
    }
    Bundle bundle;
    try {
      bundle = fhir.newJsonParser().parseResource(Bundle.class, draft.toString());
    } catch (DataFormatException | ClassCastException e) {
      throw CdsException.badRequest("context.draftOrders is not a readable FHIR R4 Bundle");
    }
    Set<String> ids = new LinkedHashSet<>();
    List<Resource> resources = new ArrayList<>();
    for (int i = 0; i < bundle.getEntry().size(); i++) {
      Resource r = bundle.getEntry().get(i).getResource();
      String id = r == null ? null : r.getIdElement().getIdPart();
      if (id == null || id.isBlank()) {
        throw CdsException.badRequest("context.draftOrders.entry[" + i + "].resource.id is required");
      }
      if (!ids.add(r.fhirType() + "/" + id)) {
        throw CdsException.badRequest("context.draftOrders.entry[" + i + "] repeats " + r.fhirType() + " id");
      }
      resources.add(r);
    }
    Set<String> selected = null;
    if ("order-select".equals(hook)) {
      selected = selections(context.get("selections"), ids);
    }
    List<MedicationRequest> requests = new ArrayList<>();
    for (Resource r : resources) {
      if (r instanceof MedicationRequest m
          && (selected == null || selected.contains("MedicationRequest/" + m.getIdElement().getIdPart()))) {
        requests.add(m);
      }
    }
    return new DraftOrders(List.copyOf(requests), resources.size());
  }

  private static Set<String> selections(JsonNode selections, Set<String> ids) {
    if (selections == null || !selections.isArray() || selections.isEmpty()) {
      throw CdsException.badRequest("context.selections is required for order-select (a non-empty array)");
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode s : selections) {
      if (!s.isTextual() || !ids.contains(s.asText())) {
        throw CdsException.badRequest("context.selections must name entries of context.draftOrders (Type/id)");
      }
      out.add(s.asText());
    }
    return out;
  }
}
