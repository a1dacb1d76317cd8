/**
 * The update pipeline's mechanism (issue 7: UPD-1..UPD-4, MAINT-3, MAINT-4).
 *
 * <p><b>Role.</b> {@link dev.steward.control.web.pipeline.ReleasePipeline} takes releases in
 * (operator or feed), runs the operator's decisions, and plans a release's rollout with its
 * notices; {@link dev.steward.control.web.pipeline.ReleaseFeedPoller} reads the applications'
 * release feeds (JSON or Atom over HTTP).
 *
 * <p><b>Inputs/outputs.</b> Releases and feeds in; release targets, jobs (test stage), window rows,
 * maintenance-notice records and audit rows in the store; e-mails through the
 * {@link dev.steward.control.web.notify.MaintenanceNoticeSender}.
 *
 * <p><b>Strategy.</b> Decisions are {@code control-core}'s
 * ({@link dev.steward.control.core.release.RolloutPlanner}); the store's conditional updates and
 * unique keys make every step safe to run on several instances and to run again after a crash
 * (a notice is claimed before it is sent, so it is never sent twice).
 *
 * <p><b>Failure handling.</b> A notice that is not sent blocks its customer's targets with the
 * reason; a feed that fails is reported and the others are still polled; a release that fails to
 * plan is logged and retried at the next {@code advance}.
 *
 * <p><b>Config keys.</b> None yet: soak time 24 h ({@link dev.steward.control.store.ReleaseRepository#DEFAULT_SOAK}),
 * feed timeouts in {@link dev.steward.control.web.pipeline.ReleaseFeedPoller}.
 *
 * <p><b>Security.</b> Feeds are untrusted: bounded bodies and timeouts, XML without DOCTYPEs, and
 * every entry checked by the release rules.
 */
package dev.steward.control.web.pipeline;
