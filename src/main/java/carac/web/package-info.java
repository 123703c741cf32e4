/**
 * Cross-cutting HTTP hardening of the one Tomcat that serves everything: JSON error pages instead of
 * Tomcat's HTML, one Authorization header only, deadlines for request bodies, rate limits on the sign-in
 * and token endpoints. No feature logic.
 */
package carac.web;
