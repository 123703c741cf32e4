package carac.cds;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/** A prefetch value goes from the request's JSON tree into HAPI's parser: nothing of a decimal may be lost. */
class PrefetchReaderTest {

  private final PrefetchReader reader = new PrefetchReader(FhirContext.forR4Cached());

  private PrefetchReader.Read read(String prefetchValue) {
    var root = HookRequestParser.readJson(("{\"v\":" + prefetchValue + "}").getBytes(StandardCharsets.UTF_8));
    return reader.read(root.get("v"), true);
  }

  @Test
  void decimalsKeepEveryDigitAndTheirScale() {
    var read = read("""
        {"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"Observation","id":"a","status":"final","code":{"text":"x"},
            "valueQuantity":{"value":3.10,"unit":"g/L"}}},
          {"resource":{"resourceType":"Observation","id":"b","status":"final","code":{"text":"x"},
            "valueQuantity":{"value":0.12345678901234567890123,"unit":"g/L"}}},
          {"resource":{"resourceType":"Observation","id":"c","status":"final","code":{"text":"x"},
            "valueQuantity":{"value":1E+2,"unit":"g/L"}}}]}""");
    assertThat(read.state()).isEqualTo(PrefetchReader.State.DATA);
    assertThat(read.resources()).extracting(r -> ((Observation) r).getValueQuantity().getValue())
        .first().isEqualTo(new BigDecimal("3.10")); // equals: the scale too
    assertThat(((Observation) read.resources().get(1)).getValueQuantity().getValue())
        .isEqualTo(new BigDecimal("0.12345678901234567890123"));
    assertThat(((Observation) read.resources().get(2)).getValueQuantity().getValue()).isEqualByComparingTo("100");
    assertThat(((Observation) read.resources().get(0)).getValueQuantity().getValueElement().getValueAsString())
        .isEqualTo("3.10");
  }

  @Test
  void eachShapeOfAPrefetchValueIsReadAsCdsHooksAllowsIt() {
    assertThat(read("null").state()).isEqualTo(PrefetchReader.State.DATA);
    assertThat(read("null").resources()).isEmpty();
    assertThat(read("{\"resourceType\":\"Patient\",\"id\":\"p\"}").resources()).hasSize(1);
    assertThat(read("{\"resourceType\":\"OperationOutcome\",\"issue\":[]}").state())
        .isEqualTo(PrefetchReader.State.FAILED);
    assertThat(read("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"link\":[{\"relation\":\"next\","
        + "\"url\":\"http://x/fhir?page=2\"}]}").reason()).contains("paged");
    assertThat(read("{\"resourceType\":\"NoSuchType\"}").reason()).isEqualTo("prefetch value is not readable FHIR");
    assertThat(read("[1,2]").reason()).isEqualTo("prefetch value is not a FHIR resource");
    assertThat(reader.read(null, false).state()).isEqualTo(PrefetchReader.State.ABSENT);
  }
}
