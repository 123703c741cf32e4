package carac.properties;

/**
 * The seed every property runs with in the build, so that CI is reproducible: a red build means a change,
 * never a new random draw. Exploring other courses is a deliberate local run: change this seed (or set it to
 * "" for a random one, printed by jqwik) and raise {@code -Dcarac.properties.tries}; keep any failure as a
 * reproduction folder (README, testing). Random draws found the two id-order defects kept in
 * src/test/resources/property-findings/.
 */
final class PropertySeed {

  static final String CI_SEED = "20261205";

  private PropertySeed() {}
}
