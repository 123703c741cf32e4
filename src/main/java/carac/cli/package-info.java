/** The command-line face of the product: {@code evaluate} over a bundle, a directory or NDJSON. */
package carac.cli;
