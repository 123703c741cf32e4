package carac.properties;

import carac.properties.Course.Lab;
import carac.properties.Course.Quirk;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A day is judged by its worst result (clinical-reference.md §7.2): adding a result that is less abnormal than
 * every readable result of that analyte on that day changes nothing (issue 12). The added result is strictly
 * less abnormal both as a value and relative to its upper limit, carries the same limit, unit and instant as
 * a readable result of a day before the as-of day, and comes after day 0 (the baseline is not touched). Platelets are left out:
 * a higher count can open a new 24-h fall (§4.3); PT next to an INR of the same day is left out (one PT item,
 * two scales).
 */
class LessAbnormalResultPropertiesTest {

  private static final Set<String> READABLE = Set.of("final", "amended", "corrected");
  /** Lower is worse for fibrinogen only; higher is worse for the others. */
  private static final Set<Analyte> CANDIDATES =
      Set.of(Analyte.PT, Analyte.APTT, Analyte.FIBRINOGEN, Analyte.D_DIMER_FEU, Analyte.D_DIMER_DDU, Analyte.ALT);

  @Provide
  Arbitrary<Course> courses() {
    return CourseGenerator.courses("l");
  }

  @Property(seed = PropertySeed.CI_SEED)
  void addingALessAbnormalResultChangesNothing(@ForAll("courses") Course course, @ForAll Random random) {
    List<Lab> templates = course.items().stream().filter(i -> i instanceof Lab).map(i -> (Lab) i)
        .filter(l -> CANDIDATES.contains(l.analyte()) && readable(l) && l.day() >= 1 && l.uln() != null)
        // known at the as-of instant, as the template is: an earlier local day in the course's own offset
        .filter(l -> l.offset().equals(course.offset()) && l.day() < course.asOfDay())
        .filter(l -> l.analyte() != Analyte.PT || sameDay(course, l, Analyte.INR).isEmpty())
        .toList();
    if (templates.isEmpty()) {
      return;
    }
    Lab template = templates.get(random.nextInt(templates.size()));
    BigDecimal value = lessAbnormal(course, template);
    if (value == null) {
      return;
    }
    Lab added = new Lab(template.key() + "x", template.analyte(), template.loinc(), template.day(), template.time(),
        template.offset(), "final", value, 0, Quirk.NONE, template.uln(), 0);
    List<Course.Item> items = new ArrayList<>(course.items());
    items.add(added);
    var writer = CourseWriter.plain();
    Finding.check("less-abnormal", Finding.Kind.LESS_ABNORMAL, writer.bundle(course), writer.asOf(course),
        writer.bundle(course.withItems(items)), writer.asOf(course), Map.of("added", added.key()));
  }

  private static boolean readable(Lab l) {
    return READABLE.contains(l.status()) && l.quirk() == Quirk.NONE && l.value() != null;
  }

  /** Every result of that analyte group on the template's day (same local date in the template's offset). */
  private static List<Lab> sameDay(Course course, Lab template, Analyte analyte) {
    return course.items().stream().filter(i -> i instanceof Lab).map(i -> (Lab) i)
        .filter(l -> l.analyte().group.equals(analyte.group) && l.day() == template.day()).toList();
  }

  /**
   * A canonical value strictly less abnormal than every readable result of the day, as a value and as a
   * ratio to its limit (the new result carries the template's limit); null when the day mixes analytes of one
   * group (FEU next to DDU) or the value would leave the plausible range.
   */
  private static BigDecimal lessAbnormal(Course course, Lab template) {
    List<Lab> day = sameDay(course, template, template.analyte());
    if (day.stream().anyMatch(l -> l.analyte() != template.analyte())) {
      return null;
    }
    boolean lowerIsWorse = template.analyte() == Analyte.FIBRINOGEN;
    BigDecimal bound = null;
    for (Lab l : day) {
      if (!readable(l) || l.value() == null) {
        continue;
      }
      BigDecimal v = l.value();
      BigDecimal relative = l.uln() == null ? v : v.multiply(template.uln()).divide(l.uln(), 6, RoundingMode.HALF_EVEN);
      BigDecimal safe = lowerIsWorse ? v.max(relative) : v.min(relative);
      bound = bound == null ? safe : lowerIsWorse ? bound.max(safe) : bound.min(safe);
    }
    if (bound == null) {
      return null;
    }
    BigDecimal value = lowerIsWorse
        ? bound.multiply(new BigDecimal("1.25")).setScale(2, RoundingMode.CEILING)
        : bound.multiply(new BigDecimal("0.8")).setScale(2, RoundingMode.FLOOR);
    if (value.signum() <= 0 || (lowerIsWorse && value.compareTo(new BigDecimal("10")) > 0)) {
      return null;
    }
    return value.stripTrailingZeros();
  }

  @AfterContainer
  static void tally() {
    System.out.println("carac.properties after LessAbnormalResultPropertiesTest: " + Evaluations.tally());
  }
}
