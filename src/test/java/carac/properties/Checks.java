package carac.properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the properties compare, as plain functions of evaluations (JSON of the {@code evaluate} contract), so
 * that a reproduction bundle in src/test/resources/property-findings/ replays through the same check.
 * Each returns the problems found; empty = the property holds.
 */
final class Checks {

  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  /** Derived flags that legitimately move away from null when data are removed (they report the unknown). */
  private static final Pattern DERIVED = Pattern.compile(".*(Measured|NotEvaluable|NotAssessable|Known|Suppressed)");
  private static final int MAX_REPORTED = 25;
  /** The highest LabGrade (DIC), clinical-reference.md §3.4. */
  private static final int HIGHEST_LAB_GRADE = 3;

  private Checks() {}

  /** Every field equal. */
  static List<String> same(JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    diff("", expected, actual, out);
    return out;
  }

  /**
   * Equal once the renamed ids ({@code renamed}: new id -> old id) are written back. Lists that the output
   * orders by resource id (data-quality notes, their lines in card details) are compared as sets.
   */
  static List<String> sameAfterRenaming(JsonNode original, JsonNode renamed, Map<String, String> newToOld) {
    String text = renamed.toString();
    for (var e : newToOld.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    try {
      return same(idOrderFree(original.deepCopy()),
          idOrderFree(Evaluations.normalise(Evaluations.JSON.readTree(text))));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Equal once every ISO date written in the shifted evaluation is moved back by {@code days}. */
  static List<String> sameAfterShift(JsonNode original, JsonNode shifted, int days) {
    return same(original, mapText(shifted.deepCopy(), s -> {
      Matcher m = ISO_DATE.matcher(s);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(b, LocalDate.parse(m.group()).minusDays(days).toString());
      }
      m.appendTail(b);
      return b.toString();
    }));
  }

  /** Equal except what the report quotes as written (reported value and unit, and card wording that quotes it). */
  static List<String> sameInCanonicalUnits(JsonNode original, JsonNode converted) {
    return same(canonical(original.deepCopy()), canonical(converted.deepCopy()));
  }

  private static JsonNode canonical(JsonNode e) {
    removeFields(e, List.of("reportedValue", "reportedUnit"));
    for (JsonNode card : e.path("cards")) {
      ((ObjectNode) card).remove("detail");
    }
    return e;
  }

  /**
   * Removing inputs may only move three-valued results toward "not evaluable": a rule true stays true or
   * becomes null, false stays false or becomes null, null stays null; a score met/not-met stays or becomes
   * indeterminate; a known CW-grade stays or becomes unknown, and its lower bound never rises.
   */
  static List<String> monotone(JsonNode before, JsonNode after) {
    List<String> out = new ArrayList<>();
    for (JsonNode b : before.path("days")) {
      JsonNode a = dayOf(after, b.path("day").asInt());
      String at = "day " + b.path("day").asInt();
      if (a == null) {
        out.add(at + ": gone after removal");
        continue;
      }
      for (String score : List.of("isth", "cdss")) {
        String sb = b.path(score).path("status").asText();
        String sa = a.path(score).path("status").asText();
        if (!sb.equals(sa) && !sa.equals("indeterminate")) {
          out.add(at + " " + score + ".status " + sb + " -> " + sa);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = b.path(score).path("items").fields(); it.hasNext(); ) {
          var item = it.next();
          JsonNode ai = a.path(score).path("items").path(item.getKey());
          if (!item.getValue().isNull() && !ai.isNull() && !item.getValue().equals(ai)) {
            out.add(at + " " + score + ".items." + item.getKey() + " " + item.getValue() + " -> " + ai);
          }
        }
      }
      widens(at + " CW-grade", gradeRange(b), gradeRange(a), out);
      for (Iterator<Map.Entry<String, JsonNode>> it = b.path("rules").fields(); it.hasNext(); ) {
        var rule = it.next();
        JsonNode ar = a.path("rules").get(rule.getKey());
        if (threeValued(rule.getValue()) && threeValued(ar) && !DERIVED.matcher(rule.getKey()).matches()) {
          towardNull(at + " rules." + rule.getKey(), rule.getValue(), ar, out);
        }
      }
    }
    JsonNode cb = before.path("course");
    JsonNode ca = after.path("course");
    widens("course peak CW-grade", peakRange(before), peakRange(after), out);
    for (String risk : List.of("thrombosisRisk", "bleedingRisk")) {
      towardNull("course." + risk, cb.get(risk), ca.get(risk), out);
    }
    return cap(out);
  }

  /**
   * What must hold within one evaluation: a day's cwGrade is null or at least (and equal to) cwGradeAtLeast;
   * CW-grade 0 only when the lab part is assessable (R-COAG known false); an "or" rule (R-COAG, R-DIC, R-THR,
   * R-BLD) is false only when every input is present.
   */
  static List<String> invariants(JsonNode e) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : e.path("days")) {
      String at = "day " + d.path("day").asInt();
      JsonNode grade = d.get("cwGrade");
      JsonNode least = d.get("cwGradeAtLeast");
      JsonNode rules = d.path("rules");
      boolean window = d.path("inCaracWindow").asBoolean();
      if (window && (least == null || least.isNull())) {
        out.add(at + ": in the window without cwGradeAtLeast");
      }
      if (!window && grade != null && !grade.isNull()) {
        out.add(at + ": cwGrade " + grade + " outside the window");
      }
      if (grade != null && !grade.isNull() && (least == null || least.isNull() || grade.asInt() != least.asInt())) {
        out.add(at + ": cwGrade " + grade + " but cwGradeAtLeast " + least);
      }
      if (grade != null && !grade.isNull() && grade.asInt() == 0 && !isFalse(rules.get("coagulopathy"))) {
        out.add(at + ": cwGrade 0 while R-COAG is " + rules.get("coagulopathy"));
      }
      if (isFalse(rules.get("coagulopathy")) && (rules.path("coagulopathyUnknownInputs").size() > 0
          || rules.path("coagulopathyReasons").size() > 0)) {
        out.add(at + ": R-COAG false with unknown inputs " + rules.get("coagulopathyUnknownInputs")
            + " / reasons " + rules.get("coagulopathyReasons"));
      }
      if (isTrue(rules.get("coagulopathy")) && rules.path("coagulopathyReasons").size() == 0) {
        out.add(at + ": R-COAG true without a reason");
      }
      if (rules.has("coagulopathy") && rules.get("coagulopathy").isNull()
          && rules.path("coagulopathyUnknownInputs").size() == 0) {
        out.add(at + ": R-COAG not evaluable without naming an input");
      }
      String isth = d.path("isth").path("status").asText();
      String cdss = d.path("cdss").path("status").asText();
      if (isFalse(rules.get("dic")) && !(isth.equals("not-met") && cdss.equals("not-met"))) {
        out.add(at + ": R-DIC false with ISTH " + isth + " and CDSS " + cdss);
      }
      if (rules.has("dic") && isTrue(rules.get("dic")) != (isth.equals("met") || cdss.equals("met"))) {
        out.add(at + ": R-DIC " + rules.get("dic") + " with ISTH " + isth + " and CDSS " + cdss);
      }
    }
    JsonNode c = e.path("course");
    for (String risk : List.of("thrombosisRisk", "bleedingRisk")) {
      if (isFalse(c.get(risk)) && c.path(risk + "UnknownFactors").size() > 0) {
        out.add("course." + risk + " false with unknown factors " + c.get(risk + "UnknownFactors"));
      }
    }
    JsonNode peak = c.get("peakCwGrade");
    JsonNode peakLeast = c.get("peakCwGradeAtLeast");
    if (peak != null && !peak.isNull() && peakLeast != null && !peakLeast.isNull() && peak.asInt() < peakLeast.asInt()) {
      out.add("course.peakCwGrade " + peak + " below its lower bound " + peakLeast);
    }
    return cap(out);
  }

  private static JsonNode dayOf(JsonNode e, int day) {
    for (JsonNode d : e.path("days")) {
      if (d.path("day").asInt() == day) {
        return d;
      }
    }
    return null;
  }

  private static boolean threeValued(JsonNode v) {
    return v == null || v.isNull() || v.isBoolean();
  }

  private static boolean isFalse(JsonNode v) {
    return v != null && v.isBoolean() && !v.asBoolean();
  }

  private static boolean isTrue(JsonNode v) {
    return v != null && v.isBoolean() && v.asBoolean();
  }

  private static boolean isNull(JsonNode v) {
    return v == null || v.isNull();
  }

  private static void towardNull(String what, JsonNode before, JsonNode after, List<String> out) {
    if (isNull(after)) {
      return;
    }
    if (isNull(before) || !before.equals(after)) {
      out.add(what + " " + (before == null ? "null" : before) + " -> " + after + " after removing data");
    }
  }

  /**
   * The CW-grades a day's report allows: [cwGrade, cwGrade] when known, [cwGradeAtLeast, 3 or more] when
   * unknown, and [cwGrade, 3] when DIC is not assessable (§3.4: LabGrade is then R-COAG's value and the card
   * says "grade may be 3"). Null outside the window.
   */
  private static int[] gradeRange(JsonNode day) {
    JsonNode grade = day.get("cwGrade");
    JsonNode least = day.get("cwGradeAtLeast");
    if (isNull(least)) {
      return null;
    }
    int low = least.asInt();
    boolean open = isNull(grade) || day.path("rules").path("dicNotAssessable").asBoolean();
    return new int[] {low, open ? Math.max(low, HIGHEST_LAB_GRADE) : grade.asInt()};
  }

  private static int[] peakRange(JsonNode e) {
    JsonNode c = e.path("course");
    if (isNull(c.get("peakCwGradeAtLeast"))) {
      return null;
    }
    int low = c.get("peakCwGradeAtLeast").asInt();
    boolean dicUnknown = false;
    for (JsonNode d : e.path("days")) {
      dicUnknown |= d.path("inCaracWindow").asBoolean() && d.path("rules").path("dicNotAssessable").asBoolean();
    }
    boolean open = isNull(c.get("peakCwGrade")) || dicUnknown;
    return new int[] {low, open ? Math.max(low, HIGHEST_LAB_GRADE) : c.get("peakCwGrade").asInt()};
  }

  /** Removing data may only widen what a grade report allows: the new range contains the old one. */
  private static void widens(String what, int[] before, int[] after, List<String> out) {
    if (before == null || after == null) {
      if (before != after) {
        out.add(what + " range " + java.util.Arrays.toString(before) + " -> " + java.util.Arrays.toString(after));
      }
      return;
    }
    if (after[0] > before[0] || after[1] < before[1]) {
      out.add(what + " " + java.util.Arrays.toString(before) + " -> " + java.util.Arrays.toString(after)
          + " after removing data (the allowed grades must only widen)");
    }
  }

  private static JsonNode idOrderFree(JsonNode e) {
    List<JsonNode> notes = new ArrayList<>();
    e.path("dataQuality").forEach(notes::add);
    notes.sort(java.util.Comparator.comparing(JsonNode::toString));
    if (e instanceof ObjectNode o && e.has("dataQuality")) {
      o.set("dataQuality", Evaluations.JSON.valueToTree(notes));
    }
    for (JsonNode card : e.path("cards")) {
      if (card.has("detail")) {
        List<String> lines = new ArrayList<>(List.of(card.get("detail").asText().split("\n")));
        java.util.Collections.sort(lines);
        ((ObjectNode) card).put("detail", String.join("\n", lines));
      }
    }
    return e;
  }

  /**
   * Through PatientBundle another patient's records are dropped and only counted (P10: a data-quality note and
   * a card line "record for another patient: ignored"): equal once those notes are taken out.
   */
  static List<String> sameWithoutOtherPatientNotes(JsonNode alone, JsonNode together) {
    JsonNode t = together.deepCopy();
    List<JsonNode> notes = new ArrayList<>();
    t.path("dataQuality").forEach(n -> {
      if (!"other-patient".equals(n.path("code").asText())) {
        notes.add(n);
      }
    });
    ((ObjectNode) t).set("dataQuality", Evaluations.JSON.valueToTree(notes));
    for (JsonNode card : t.path("cards")) {
      if (card.has("detail")) {
        String detail = card.get("detail").asText().lines().filter(l -> !l.contains("record for another patient"))
            .collect(java.util.stream.Collectors.joining("\n"));
        ((ObjectNode) card).put("detail", detail);
      }
    }
    return same(alone, t);
  }

  private static void removeFields(JsonNode node, List<String> names) {
    if (node instanceof ObjectNode o) {
      o.remove(names);
    }
    node.forEach(child -> removeFields(child, names));
  }

  private static JsonNode mapText(JsonNode node, java.util.function.UnaryOperator<String> f) {
    if (node.isTextual()) {
      return TextNode.valueOf(f.apply(node.asText()));
    }
    if (node instanceof ObjectNode o) {
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        o.set(k, mapText(o.get(k), f));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, mapText(a.get(i), f));
      }
    }
    return node;
  }

  private static void diff(String path, JsonNode e, JsonNode a, List<String> out) {
    if (out.size() >= MAX_REPORTED) {
      return;
    }
    if (Objects.equals(e, a)) {
      return;
    }
    if (e instanceof ObjectNode eo && a instanceof ObjectNode ao) {
      List<String> keys = new ArrayList<>();
      eo.fieldNames().forEachRemaining(keys::add);
      ao.fieldNames().forEachRemaining(k -> {
        if (!eo.has(k)) {
          keys.add(k);
        }
      });
      for (String k : keys) {
        diff(path + "." + k, eo.get(k), ao.get(k), out);
      }
      return;
    }
    if (e instanceof ArrayNode ea && a instanceof ArrayNode aa && ea.size() == aa.size()) {
      for (int i = 0; i < ea.size(); i++) {
        diff(path + "[" + i + "]", ea.get(i), aa.get(i), out);
      }
      return;
    }
    if (e != null && a != null && e.isTextual() && a.isTextual()) {
      String x = e.asText();
      String y = a.asText();
      int i = 0;
      while (i < x.length() && i < y.length() && x.charAt(i) == y.charAt(i)) {
        i++;
      }
      int from = Math.max(0, i - 60);
      out.add(path + ": differs at character " + i + ": \"…" + x.substring(from, Math.min(x.length(), i + 120))
          + "\" -> \"…" + y.substring(from, Math.min(y.length(), i + 120)) + "\"");
      return;
    }
    out.add((path.isEmpty() ? "(root)" : path) + ": " + abbreviate(e) + " -> " + abbreviate(a));
  }

  private static String abbreviate(JsonNode n) {
    String s = String.valueOf(n);
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static List<String> cap(List<String> out) {
    return out.size() > MAX_REPORTED ? out.subList(0, MAX_REPORTED) : out;
  }
}
