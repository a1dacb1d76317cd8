/**
 * The application catalogue: applications, their slugs and version schemes, and the two packages
 * (standard and plus) with their exact hardware.
 *
 * <p><b>Role.</b> Value types for PKG-1 and SPEC-1; {@link dev.steward.control.core.catalogue.Resources}
 * derives a server's actual hardware from its package state (PKG-2: a {@code cpu_ram} upgrade
 * keeps the standard storage).
 *
 * <p><b>Inputs/outputs.</b> Records only; no I/O.
 *
 * <p><b>Failure handling.</b> Invalid values are refused at construction with
 * {@link java.lang.IllegalArgumentException} naming the field and the rule.
 *
 * <p><b>Security.</b> Operators enter catalogue data; it is still bounded in length.
 */
package dev.steward.control.core.catalogue;
