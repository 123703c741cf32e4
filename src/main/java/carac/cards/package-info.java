/**
 * CDS Hooks 2.0 cards from an evaluation: which rules fire and every number they quote come from the
 * CQL ("Card Data"); this package only words them, in English or Simplified Chinese, from the message
 * templates in {@code cards/messages*.properties}.
 */
package carac.cards;
