/**
 * FHIR input handling that is not clinical: reading a bundle, checking it holds exactly one patient,
 * and keeping every other patient's records out of that patient's evaluation.
 */
package carac.fhir;
