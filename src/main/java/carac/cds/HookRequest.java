package carac.cds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A validated patient-view call. {@code prefetch} maps each key the client sent to its JSON value (which
 * may be a JSON null); keys the client did not send are absent. {@code fhirServer} and
 * {@code accessToken} are null when the client gave none.
 */
public record HookRequest(
    String hook,
    String hookInstance,
    String patientId,
    String userId,
    String encounterId,
    String fhirServer,
    String accessToken,
    Map<String, JsonNode> prefetch) {}
