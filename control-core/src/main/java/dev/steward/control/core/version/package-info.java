/**
 * Versions and update classes (UPD-1): strict SemVer 2.0.0, a loose scheme for vendor versions,
 * precedence, and the classification of an update FROM → TO.
 *
 * <p><b>Role.</b> Decides whether a release is an update at all and which kind
 * ({@link dev.steward.control.core.version.ChangeClass}), and how it is announced to customers
 * ({@link dev.steward.control.core.version.Classification}); the maintenance package turns the
 * announcement into a window (UPD-3, UPD-4).
 *
 * <p><b>Inputs/outputs.</b> Version strings in, immutable records and enums out. No I/O.
 *
 * <p><b>Strategy.</b> {@link dev.steward.control.core.version.SemVer#parse} is a hand-written
 * parser over the spec's grammar (not the FAQ regex) so that every refusal names the rule that
 * failed. Both schemes reduce to release numbers + pre-release identifiers, so one
 * {@link dev.steward.control.core.version.Precedence} orders both (§11), and one
 * {@link dev.steward.control.core.version.ChangeClassifier} classifies both.
 *
 * <p><b>Failure handling.</b> {@link dev.steward.control.core.version.InvalidVersionException}
 * (an {@link java.lang.IllegalArgumentException}) with a {@code reason()} for the CLI and the API.
 *
 * <p><b>Standards.</b> Semantic Versioning 2.0.0 (semver.org): §2 numbers, §9 pre-release, §10
 * build metadata, §11 precedence; the FAQ on 0.y.z ("Anything MAY change at any time", §4).
 *
 * <p><b>Security.</b> Version strings come from vendor feeds, agents and operators: input is
 * limited to 256 characters before parsing; numbers are arbitrary-precision
 * ({@link java.math.BigInteger}), so no overflow is possible.
 */
package dev.steward.control.core.version;
