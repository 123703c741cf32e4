package carac.properties;

import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.hl7.fhir.r4.model.Bundle;

/**
 * No patient's data leak into another's evaluation (ARCHITECTURE.md invariant 5): patient A evaluated with
 * patient B's course in the same bundle gives exactly A's evaluation alone, both straight through the engine
 * (both Patients in the bundle; the engine's Patient context must select A's records) and through
 * PatientBundle (B's records without B's Patient; they are dropped and only counted).
 */
class PatientIsolationPropertiesTest {

  @Provide
  Arbitrary<Course> first() {
    return CourseGenerator.courses("a");
  }

  @Provide
  Arbitrary<Course> second() {
    return CourseGenerator.courses("b");
  }

  @Property(seed = PropertySeed.CI_SEED)
  void anotherPatientsCourseChangesNothing(@ForAll("first") Course a, @ForAll("second") Course b) {
    var writer = CourseWriter.plain();
    Bundle alone = writer.bundle(a);

    Bundle both = writer.bundle(a);
    writer.addTo(both, b, true);
    Finding.check("isolation-engine", Finding.Kind.ISOLATION, alone, writer.asOf(a), both, writer.asOf(a),
        Map.of("directPatient", writer.patientId(a)));

    Bundle withRecords = writer.bundle(a);
    writer.addTo(withRecords, b, false);
    Finding.check("isolation-bundle", Finding.Kind.ISOLATION, alone, writer.asOf(a), withRecords, writer.asOf(a),
        Map.of());
  }

  @AfterContainer
  static void tally() {
    System.out.println("carac.properties after PatientIsolationPropertiesTest: " + Evaluations.tally());
  }
}
