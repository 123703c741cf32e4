/**
 * The clinical core's only door to the CQL engine. {@link carac.cql.CqlEvaluator} compiles the
 * libraries in {@code cql/} once, evaluates one patient's data at an as-of instant and returns typed
 * results ({@link carac.cql.CaracEvaluation}). Every clinical number comes from the CQL; this package
 * only carries values across. Nothing else in the product imports the engine or the translator.
 */
package carac.cql;
