package carac.properties;

import carac.properties.Course.Lab;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Three-valued results under missing data (clinical-reference.md §7.3, clarified 2026-12): removing an input
 * may only move a result toward "not evaluable" (null), never turn null into false/0 or true into false; and
 * within one evaluation a day's cwGrade is null or at least cwGradeAtLeast, 0 only when R-COAG is known false,
 * and an "or" rule is false only when all its inputs are present.
 */
class ThreeValuedPropertiesTest {

  /** The lab inputs of the rules, as removal groups (D-dimer FEU and DDU are one input). */
  private static final List<String> GROUPS = List.of("platelets", "pt", "aptt", "fibrinogen", "d-dimer", "alt");

  @Provide
  Arbitrary<Course> courses() {
    return CourseGenerator.courses("t");
  }

  /**
   * Removes one lab input: all its results over the course, or (not for platelets, whose 24-h fall and baseline
   * reach into other days) all its results of one day on or after day 0.
   */
  @Property(seed = PropertySeed.CI_SEED)
  void removingAnInputOnlyMovesTowardNotEvaluable(@ForAll("courses") Course course, @ForAll Random random) {
    String group = GROUPS.get(random.nextInt(GROUPS.size()));
    Integer day = group.equals("platelets") || random.nextBoolean() ? null : random.nextInt(course.asOfDay() + 1);
    Predicate<Course.Item> removed = item -> item instanceof Lab lab && lab.analyte().group.equals(group)
        && (day == null || lab.day() == day);
    var writer = CourseWriter.plain();
    Finding.check("removal", Finding.Kind.REMOVAL, writer.bundle(course), writer.asOf(course),
        writer.bundle(course.without(removed)), writer.asOf(course),
        day == null ? Map.of("removed", group) : Map.of("removed", group, "day", day));
  }

  @Property(seed = PropertySeed.CI_SEED)
  void gradesAndOrRulesAreConsistent(@ForAll("courses") Course course) {
    var writer = CourseWriter.plain();
    Finding.check("invariants", Finding.Kind.INVARIANTS, writer.bundle(course), writer.asOf(course), null, null,
        Map.of());
  }

  @AfterContainer
  static void tally() {
    System.out.println("carac.properties after ThreeValuedPropertiesTest: " + Evaluations.tally());
  }
}
