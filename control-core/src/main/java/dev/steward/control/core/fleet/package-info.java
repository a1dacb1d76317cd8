/**
 * The fleet: servers, their names, roles, addresses and package state.
 *
 * <p><b>Role.</b> Value types for managed servers. {@link dev.steward.control.core.fleet.ServerName}
 * documents and checks the provider's naming scheme ({@code cln042-prd-app001.<domain>});
 * {@link dev.steward.control.core.fleet.ServerAddress} carries PKG-5's billing rule.
 *
 * <p><b>Inputs/outputs.</b> Records only; no I/O, no name lookups.
 *
 * <p><b>Failure handling.</b> Invalid values are refused at construction with
 * {@link java.lang.IllegalArgumentException} naming the field and the rule.
 *
 * <p><b>Security.</b> Agents report versions, OS and kernel strings: they are bounded in length.
 */
package dev.steward.control.core.fleet;
