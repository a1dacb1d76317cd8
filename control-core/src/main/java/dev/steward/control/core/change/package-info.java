/**
 * Package changes (PKG-2..PKG-5): the rules, the request state machine, and what "done" changes.
 *
 * <p><b>Role.</b> Pure decisions. {@link dev.steward.control.core.change.PackageRules} says whether
 * a change is allowed for a server as it is now, and computes the server's new package state (and
 * the extra address, billable or free) when it is done.
 * {@link dev.steward.control.core.change.RequestStateMachine} says which actor may move a request
 * from which state to which.
 *
 * <p><b>Inputs/outputs.</b> Package state, kinds, states and actor kinds in;
 * {@link dev.steward.control.core.change.Decision} values (allowed, or refused with a stable code
 * and the reason in Dutch and English) or {@link dev.steward.control.core.change.ServerChange} out.
 *
 * <p><b>Strategy.</b> Rules are a switch over the kind, so the compiler catches a new kind without
 * a rule. The same rules are applied when a request is made, when it is approved (the server may
 * have changed in between) and when it is marked done.
 *
 * <p><b>Failure handling.</b> Refusals are values; the {@code require}/{@code onDone} variants
 * throw {@link dev.steward.control.core.change.InvalidTransitionException} or
 * {@link dev.steward.control.core.change.PackageChangeRefusedException} carrying the same refusal.
 *
 * <p><b>Security.</b> Who may act is part of the state machine (only operators approve), so the web
 * layer cannot forget it; whether a customer owns the server is the web layer's check.
 */
package dev.steward.control.core.change;
