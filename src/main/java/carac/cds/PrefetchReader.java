package carac.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * Reads one prefetch value as CDS Hooks 2.0 allows it: absent (the client chose not to run it), JSON null
 * (ran, no data), an OperationOutcome (ran, failed), a Bundle (possibly with a next page), or one resource.
 * Never assumes a value is complete: a paged Bundle or anything unreadable counts as not obtained.
 */
final class PrefetchReader {

  /** What a key holds. {@code resources} is set only for {@link State#DATA}. */
  record Read(State state, List<Resource> resources, String reason) {
    static Read of(State state, String reason) {
      return new Read(state, List.of(), reason);
    }
  }

  enum State {
    /** Usable data (possibly zero resources: JSON null is "no data found"). */
    DATA,
    /** Not sent by the client. */
    ABSENT,
    /** Sent but not usable: an OperationOutcome, a paged or unreadable value. */
    FAILED
  }

  private final FhirContext fhir;

  PrefetchReader(FhirContext fhir) {
    this.fhir = fhir;
  }

  Read read(JsonNode value, boolean present) {
    if (!present) {
      return Read.of(State.ABSENT, "not prefetched");
    }
    if (value == null || value.isNull()) {
      return new Read(State.DATA, List.of(), null);
    }
    if (!value.isObject()) {
      return Read.of(State.FAILED, "prefetch value is not a FHIR resource");
    }
    IBaseResource parsed;
    try {
      // HAPI reads the request's own tree (no second serialise-and-parse of the value); the request parser
      // keeps decimals exact, as HAPI's own reader does
      var structure = new JacksonStructure();
      structure.setNativeObject((ObjectNode) value);
      parsed = ((IJsonLikeParser) fhir.newJsonParser()).parseResource(structure);
    } catch (DataFormatException | ClassCastException e) {
      return Read.of(State.FAILED, "prefetch value is not readable FHIR");
    } catch (RuntimeException e) {
      // HAPI's parser can fail on odd FHIR (a null resource, a malformed extension, a blank resourceType)
      // with other exceptions: the key is then unavailable with a plain reason, never a 500
      return Read.of(State.FAILED, "prefetch value is not readable FHIR");
    }
    if (parsed instanceof OperationOutcome) {
      return Read.of(State.FAILED, "the EHR reported an error for this prefetch");
    }
    if (parsed instanceof Bundle bundle) {
      if (bundle.getLink(Bundle.LINK_NEXT) != null) {
        return Read.of(State.FAILED, "prefetch is paged (only the first page was sent)");
      }
      List<Resource> resources = new ArrayList<>();
      for (var entry : bundle.getEntry()) {
        if (entry.getResource() instanceof OperationOutcome outcome) {
          if (outcome.getIssue().stream().anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
              || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)) {
            return Read.of(State.FAILED, "the EHR reported an error inside this prefetch");
          }
        } else if (entry.getResource() != null) {
          resources.add(entry.getResource());
        }
      }
      return new Read(State.DATA, resources, null);
    }
    if (!(parsed instanceof Resource resource)) {
      return Read.of(State.FAILED, "prefetch value is not readable FHIR");
    }
    return new Read(State.DATA, List.of(resource), null);
  }
}
