/**
 * Releases of catalogue applications and the plan of their rollout (UPD-1..UPD-4, MAINT-3,
 * MAINT-4).
 *
 * <p><b>Role.</b> Values of the update pipeline ({@link dev.steward.control.core.release.Release},
 * its {@link dev.steward.control.core.release.ReleaseTerms} and states) and the pure decision of
 * stage 2, {@link dev.steward.control.core.release.RolloutPlanner}: which production server updates
 * in which window.
 *
 * <p><b>Inputs/outputs.</b> A release, the planning instant, the production servers with their
 * installed versions, every customer's schedule and the blackout dates in; one placement per server
 * out. Storage and the notices are in {@code control-store} and {@code control-web}.
 *
 * <p><b>Strategy.</b> A release is tested on the application's test servers first (stage 1, jobs),
 * soaks for a configured time, then is planned: major/minor (as announced, 0.y.z minors and
 * pre-releases as major) into the first application window 168 real hours after the notices, patch
 * into the next window without a notice, security fixes into the emergency lane with a notice.
 *
 * <p><b>Failure handling.</b> Invalid terms are refused at construction with
 * {@link java.lang.IllegalArgumentException} naming the field; a transition not allowed in the
 * current state is {@link dev.steward.control.core.release.ReleaseTransitionException}.
 *
 * <p><b>Security.</b> Changelog, steps and CVE ids come from operators or from a vendor's feed:
 * they are bounded in length and CVE ids are checked against their syntax.
 */
package dev.steward.control.core.release;
