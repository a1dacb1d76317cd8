/**
 * Helpers shared by the packages of the mail model; public only so that sibling packages can use
 * them, and not API: other modules must not depend on them (Jdbi's internal-package rule).
 *
 * <p><b>Role.</b> Character classes of RFC 5322 §3.2.3 with the UTF-8 extension of RFC 6532.
 *
 * <p><b>Inputs/outputs.</b> Code points in, booleans and descriptions out.
 *
 * <p><b>Files/queues touched.</b> None.
 *
 * <p><b>Standards.</b> RFC 5322 §3.2.3 (atext), RFC 6532 §3.2 (UTF8-non-ascii).
 */
package dev.steward.mail.model.internal;
