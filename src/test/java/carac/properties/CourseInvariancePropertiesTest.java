package carac.properties;

import carac.properties.Course.Lab;
import carac.properties.Course.Quirk;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The same course written differently must give the same evaluation (issue 12, property-based layer): other
 * resource ids, other accepted units for the same quantities, every date moved by whole days (each record
 * keeping its UTC offset), the resources in another order. Each try evaluates two bundles through the real
 * engine; tries: {@code -Dcarac.properties.tries} (README, testing). A failure prints jqwik's seed and writes
 * a reproduction folder under target/property-findings/.
 */
class CourseInvariancePropertiesTest {

  @Provide
  Arbitrary<Course> courses() {
    return CourseGenerator.courses("c");
  }

  @Property(seed = PropertySeed.CI_SEED)
  void renamingResourceIdsChangesNothing(@ForAll("courses") Course course, @ForAll Random random) {
    Map<String, String> oldToNew = new HashMap<>();
    Map<String, String> newToOld = new HashMap<>();
    List<String> keys = new ArrayList<>(course.items().stream().map(Course.Item::key).toList());
    keys.add(course.patientKey());
    for (String key : keys) {
      String id = "z" + Long.toString(Math.abs(random.nextLong()) % 0xFFFFFFFFFFL + 0x1000000000L, 36) + "q"
          + oldToNew.size();
      oldToNew.put(key, id);
      newToOld.put(id, key);
    }
    var renamed = new CourseWriter(oldToNew::get, 0);
    Finding.check("rename", Finding.Kind.RENAME, CourseWriter.plain().bundle(course),
        CourseWriter.plain().asOf(course), renamed.bundle(course), renamed.asOf(course),
        Map.of("renames", newToOld));
  }

  @Property(seed = PropertySeed.CI_SEED)
  void anotherAcceptedUnitChangesNothing(@ForAll("courses") Course course, @ForAll Random random) {
    Course converted = course.withItems(course.items().stream().map(item -> {
      if (!(item instanceof Lab lab) || lab.quirk() == Quirk.TEXT_UNIT || lab.quirk() == Quirk.UNKNOWN_CODE
          || lab.quirk() == Quirk.NO_UNIT || lab.value() == null) {
        return item;
      }
      return lab.withUnits(exactUnit(lab, random), lab.uln() == null ? lab.rangeUnit() : exactUnit(lab, random));
    }).toList());
    var writer = CourseWriter.plain();
    Finding.check("units", Finding.Kind.UNITS, writer.bundle(course), writer.asOf(course), writer.bundle(converted),
        writer.asOf(converted), Map.of());
  }

  @Property(seed = PropertySeed.CI_SEED)
  void movingEveryDateByWholeDaysChangesNothing(@ForAll("courses") Course course, @ForAll Random random) {
    int days = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(400));
    var shifted = new CourseWriter(id -> id, days);
    Finding.check("shift", Finding.Kind.SHIFT, CourseWriter.plain().bundle(course), CourseWriter.plain().asOf(course),
        shifted.bundle(course), shifted.asOf(course), Map.of("shiftDays", days));
  }

  @Property(seed = PropertySeed.CI_SEED)
  void resourceOrderChangesNothing(@ForAll("courses") Course course, @ForAll Random random) {
    Bundle original = CourseWriter.plain().bundle(course);
    Bundle shuffled = CourseWriter.plain().bundle(course);
    List<Bundle.BundleEntryComponent> entries = new ArrayList<>(shuffled.getEntry());
    Collections.shuffle(entries, random);
    shuffled.setEntry(entries);
    Finding.check("order", Finding.Kind.ORDER, original, CourseWriter.plain().asOf(course), shuffled,
        CourseWriter.plain().asOf(course), Map.of());
  }

  /** Another accepted unit in which the value and the upper limit are finite decimals (the lab's own if none). */
  private static int exactUnit(Lab lab, Random random) {
    int[] exact = IntStream.range(0, lab.analyte().units.size())
        .filter(i -> lab.analyte().in(i, lab.value()).isPresent()
            && (lab.uln() == null || lab.analyte().in(i, lab.uln()).isPresent()))
        .toArray();
    return exact[random.nextInt(exact.length)];
  }

  @AfterContainer
  static void tally() {
    System.out.println("carac.properties after CourseInvariancePropertiesTest: " + Evaluations.tally());
  }
}
