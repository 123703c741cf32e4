package carac.cql;

import java.util.Map;

/**
 * The order-time result for one patient's draft orders (CQL library CaracOrders, clinical-reference.md §7.5):
 * {@code orderData} is its "Order Card Data" tuple as plain maps and lists (lab values as
 * {@link CaracEvaluation.LabValue}): the classified drafts, the findings per draft (rule, three-valued risk,
 * tests a suggestion may order), the latest platelets and fibrinogen, recent bleeding and the cut-offs.
 * {@code infusionDate} and {@code asOfDay} are null without a CAR-T infusion.
 */
public record OrderEvaluation(String patient, String asOf, String infusionDate, Integer asOfDay,
    Map<String, Object> orderData) {}
