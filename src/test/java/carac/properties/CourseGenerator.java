package carac.properties;

import carac.properties.Course.CarT;
import carac.properties.Course.Clinical;
import carac.properties.Course.Condition;
import carac.properties.Course.EventKind;
import carac.properties.Course.Item;
import carac.properties.Course.Lab;
import carac.properties.Course.Medication;
import carac.properties.Course.Quirk;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Random, plausible CAR-T courses after ../shared/fhir-input-profile.md: day 0 by RxNorm, NDC or CPT (split
 * doses, a not-done record), lymphodepletion, labs on days -10 ... as-of day + 1 (one more day than is known)
 * in every accepted unit, values clustered at every cut-off of clinical-reference.md (test data: the product
 * reads them from cql/), several results a day, missing analytes, INR without PT, FEU and DDU, with and
 * without reference ranges, dataAbsentReason, comparators, units that cannot be read, date-only results,
 * statuses, records at and around midnight and in another UTC offset; CRS/ICANS Conditions (unknown grade
 * too), bleeding and thrombosis as Conditions or AdverseEvents with and without CTCAE grade and ISTH flag,
 * CDSS clinical items and tocilizumab.
 */
final class CourseGenerator {

  private static final ZoneOffset[] OFFSETS = {
      ZoneOffset.ofHours(8), ZoneOffset.ofHours(-5), ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30),
      ZoneOffset.ofHours(-10), ZoneOffset.ofHours(14), ZoneOffset.ofHours(-12)};
  private static final LocalTime[] AS_OF_TIMES = {
      LocalTime.of(18, 0), LocalTime.of(6, 0), LocalTime.of(23, 59, 59), LocalTime.MIDNIGHT, LocalTime.of(10, 0)};
  private static final LocalTime[] LAB_TIMES = {
      LocalTime.of(6, 0), LocalTime.of(6, 0), LocalTime.of(6, 0), LocalTime.of(23, 30), LocalTime.of(0, 15),
      LocalTime.of(18, 0), LocalTime.of(14, 0)};

  private final Random r;
  private final String key;
  private final List<Item> items = new ArrayList<>();
  private final Map<Analyte, BigDecimal> uln = new EnumMap<>(Analyte.class);
  private ZoneOffset offset;
  private int counter;
  private BigDecimal lastPlatelets;
  /** Instants already taken per analyte: a laboratory reports one result of an analyte per instant. */
  private final java.util.Set<String> taken = new java.util.HashSet<>();

  private CourseGenerator(Random r, String key) {
    this.r = r;
    this.key = key;
  }

  /** Courses for patient key {@code key} (ids are prefixed with it, so two courses can share a bundle). */
  static Arbitrary<Course> courses(String key) {
    return Arbitraries.randomValue(random -> new CourseGenerator(random, key).course());
  }

  private Course course() {
    LocalDate day0 = LocalDate.of(2025, 1, 1).plusDays(r.nextInt(700));
    offset = pick(OFFSETS);
    int asOfDay = chance(0.9) ? r.nextInt(29) : 29 + r.nextInt(6);
    LocalTime asOfTime = pick(AS_OF_TIMES);
    uln.put(Analyte.PT, pick(dec("13.5"), dec("12.0"), dec("14.2")));
    uln.put(Analyte.APTT, pick(dec("35.0"), dec("40.0")));
    uln.put(Analyte.D_DIMER_FEU, pick(dec("0.50"), dec("0.55")));
    uln.put(Analyte.D_DIMER_DDU, pick(dec("250"), dec("230")));
    uln.put(Analyte.ALT, pick(dec("40"), dec("45")));
    uln.put(Analyte.PLATELETS, dec("400"));
    uln.put(Analyte.FIBRINOGEN, dec("4.0"));
    uln.put(Analyte.INR, dec("1.2"));

    carT();
    if (chance(0.5)) {
      items.add(new Medication(next("ld"), "24698", -5 + r.nextInt(3), LocalTime.of(8, 0), offset, "completed"));
    }
    for (int day = -10; day <= Math.min(asOfDay, 28) + 1; day++) {
      if (chance(day < 0 ? 0.3 : 0.75)) {
        panel(day);
      }
      if (day >= 0 && chance(0.12)) {
        clinical(day);
      }
    }
    events(Math.min(asOfDay, 28) + 1);
    return new Course(key, day0, offset, asOfDay, asOfTime, List.copyOf(items));
  }

  private void carT() {
    int form = r.nextInt(3);
    String status = form == 2 ? "completed" : pick("completed", "completed", "in-progress");
    items.add(new CarT(next("cart"), 0, LocalTime.of(10, 0), offset, form, status));
    if (chance(0.2)) {
      items.add(new CarT(next("cart"), 1 + r.nextInt(3), LocalTime.of(10, 0), offset, r.nextInt(2), "completed"));
    }
    if (chance(0.1)) {
      items.add(new CarT(next("cart"), -2, LocalTime.of(10, 0), offset, 0, "not-done"));
    }
  }

  private void panel(int day) {
    present(day, Analyte.PLATELETS, 0.85);
    boolean pt = present(day, Analyte.PT, 0.7);
    present(day, Analyte.INR, pt ? 0.2 : 0.6);
    present(day, Analyte.APTT, 0.6);
    present(day, Analyte.FIBRINOGEN, 0.65);
    present(day, chance(0.75) ? Analyte.D_DIMER_FEU : Analyte.D_DIMER_DDU, 0.6);
    present(day, Analyte.ALT, 0.35);
  }

  private boolean present(int day, Analyte analyte, double p) {
    if (!chance(p)) {
      return false;
    }
    int n = 1 + (chance(0.25) ? 1 : 0) + (chance(0.08) ? 1 : 0);
    for (int i = 0; i < n; i++) {
      items.add(lab(day, analyte));
    }
    return true;
  }

  private Lab lab(int day, Analyte analyte) {
    LocalTime time = chance(0.6) ? pick(LAB_TIMES) : LocalTime.of(r.nextInt(24), pickInt(0, 30, 59));
    ZoneOffset own = chance(0.05) ? pick(OFFSETS) : offset;
    String status = weighted(new String[] {"final", "amended", "corrected", "preliminary", "entered-in-error",
        "cancelled"}, 86, 4, 3, 3, 2, 2);
    Quirk quirk = chance(0.86) ? Quirk.NONE : pick(Quirk.values());
    while (!taken.add(analyte.group + " " + day + " "
        + (quirk == Quirk.DATE_ONLY ? "date-only" : java.time.OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, own)
            .plusDays(day).with(time).toInstant()))) {
      if (quirk == Quirk.DATE_ONLY) {
        quirk = Quirk.NONE;
      } else {
        time = time.plusMinutes(1);
      }
    }
    BigDecimal value = value(analyte);
    if (analyte == Analyte.PLATELETS) {
      lastPlatelets = value;
    }
    BigDecimal upper = chance(0.12) ? null : uln.get(analyte);
    int unit = unit(analyte, value, upper);
    int rangeUnit = chance(0.7) ? unit : unit(analyte, value, upper);
    return new Lab(next("obs"), analyte, r.nextInt(analyte.loincs.size()), day, time, own, status, value, unit,
        quirk, upper, rangeUnit);
  }

  /** A random accepted unit in which both the value and the upper limit are finite decimals. */
  private int unit(Analyte analyte, BigDecimal value, BigDecimal upper) {
    int[] exact = IntStream.range(0, analyte.units.size())
        .filter(i -> analyte.in(i, value).isPresent() && (upper == null || analyte.in(i, upper).isPresent()))
        .toArray();
    return exact[r.nextInt(exact.length)];
  }

  /** Canonical values: often exactly at, one step below or above a cut-off of clinical-reference.md. */
  private BigDecimal value(Analyte a) {
    BigDecimal u = uln.get(a);
    return switch (a) {
      case PLATELETS -> lastPlatelets != null && chance(0.2)
          ? lastPlatelets.divide(dec("2")).add(dec(pick("0", "1", "-1"))).max(dec("1"))
          : around(List.of(dec("50"), dec("100"), dec("75"), dec("175"), dec("150"), dec("20")), dec("1"),
              dec("5"), dec("400"), 0);
      case PT -> around(List.of(u.add(dec("3")), u.add(dec("6")), dec("15")), dec("0.1"), dec("10"), dec("35"), 1);
      case INR -> random(dec("0.8"), dec("4.0"), 2);
      case APTT -> around(List.of(u.add(dec("10"))), dec("0.1"), dec("22"), dec("90"), 1);
      case FIBRINOGEN -> around(List.of(dec("1.0"), dec("1.5")), dec("0.01"), dec("0.2"), dec("6"), 2);
      case D_DIMER_FEU -> around(List.of(u, u.multiply(dec("5")), dec("5"), dec("9")), dec("0.01"), dec("0.1"),
          dec("25"), 2);
      case D_DIMER_DDU -> around(List.of(u, u.multiply(dec("5"))), dec("1"), dec("50"), dec("6000"), 0);
      case ALT -> around(List.of(u.multiply(dec("3"))), dec("0.6"), dec("5"), dec("400"), 1);
    };
  }

  private BigDecimal around(List<BigDecimal> cuts, BigDecimal step, BigDecimal lo, BigDecimal hi, int scale) {
    if (chance(0.4)) {
      return random(lo, hi, scale);
    }
    return pick(cuts.toArray(BigDecimal[]::new)).add(step.multiply(dec(pick("-1", "0", "1"))));
  }

  private BigDecimal random(BigDecimal lo, BigDecimal hi, int scale) {
    return lo.add(hi.subtract(lo).multiply(BigDecimal.valueOf(r.nextDouble()))).setScale(scale, RoundingMode.HALF_UP);
  }

  private void clinical(int day) {
    String item = pick("cdss-clinical-bleeding", "cdss-clinical-shock", "cdss-clinical-organ-dysfunction");
    items.add(new Clinical(next("cdss"), item, day, LocalTime.of(9, 0), offset, chance(0.6),
        chance(0.9) ? "final" : "preliminary"));
  }

  private void events(int lastDay) {
    if (chance(0.6)) {
      crsOrIcans(EventKind.CRS, "D89.83", "D89.839", lastDay);
      if (chance(0.3)) {
        crsOrIcans(EventKind.CRS, "D89.83", "D89.839", lastDay);
      }
    }
    if (chance(0.3)) {
      crsOrIcans(EventKind.ICANS, "G92.0", "G92.00", lastDay);
    }
    if (chance(0.3)) {
      event(EventKind.BLEEDING, lastDay, pick(new String[][] {
          {"http://snomed.info/sct", "131148009"}, {"http://snomed.info/sct", "1386000"},
          {"http://hl7.org/fhir/sid/icd-10-cm", "I61.9"}, {"http://hl7.org/fhir/sid/icd-10-cm", "I62.00"}}));
    }
    if (chance(0.2)) {
      event(EventKind.THROMBOSIS, lastDay, pick(new String[][] {
          {"http://snomed.info/sct", "429098002"}, {"http://snomed.info/sct", "128053003"},
          {"http://hl7.org/fhir/sid/icd-10-cm", "I82.401"}, {"http://hl7.org/fhir/sid/icd-10-cm", "I26.99"}}));
    }
    if (chance(0.4)) {
      items.add(new Medication(next("toci"), "612865", r.nextInt(Math.max(1, lastDay)), LocalTime.of(12, 0), offset,
          "completed"));
    }
    if (chance(0.2)) {
      items.add(new Medication(next("dexa"), "3264", r.nextInt(Math.max(1, lastDay)), LocalTime.of(14, 0), offset,
          "completed"));
    }
  }

  private void crsOrIcans(EventKind kind, String stem, String unknown, int lastDay) {
    Integer grade = chance(0.1) ? null : 1 + r.nextInt(4);
    int day = r.nextInt(Math.max(1, Math.min(lastDay, 10)));
    Integer abatement = chance(0.5) ? day + r.nextInt(4) : null;
    items.add(new Condition(next(kind.name().toLowerCase()), kind, "http://hl7.org/fhir/sid/icd-10-cm",
        grade == null ? unknown : stem + grade, day, pick(LAB_TIMES), offset, null, null, abatement,
        verification(), false, null));
  }

  private void event(EventKind kind, int lastDay, String[] code) {
    boolean ae = chance(0.3);
    Integer grade = chance(0.25) ? null : 1 + r.nextInt(5);
    Boolean isth = kind == EventKind.BLEEDING && chance(0.5) ? chance(0.5) : null;
    items.add(new Condition(next(kind.name().toLowerCase()), kind, code[0], code[1], r.nextInt(Math.max(1, lastDay)),
        pick(LAB_TIMES), offset, grade, isth, null, ae ? null : verification(), ae,
        ae ? (chance(0.85) ? "actual" : "potential") : null));
  }

  private String verification() {
    return weighted(new String[] {"confirmed", "provisional", "unconfirmed", "refuted", "entered-in-error", null},
        75, 5, 5, 5, 3, 7);
  }

  private String next(String stem) {
    return key + "-" + stem + "-" + (++counter);
  }

  private boolean chance(double p) {
    return r.nextDouble() < p;
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[r.nextInt(options.length)];
  }

  private int pickInt(int... options) {
    return options[r.nextInt(options.length)];
  }

  private <T> T weighted(T[] options, int... weights) {
    int total = IntStream.of(weights).sum();
    int x = r.nextInt(total);
    for (int i = 0; i < options.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return options[i];
      }
    }
    return options[options.length - 1];
  }

  private static BigDecimal dec(String s) {
    return new BigDecimal(s);
  }
}
