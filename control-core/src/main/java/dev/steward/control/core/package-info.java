/**
 * The control plane's vocabulary: customers, the actors who change things, bilingual texts, and
 * the {@link dev.steward.control.core.ControlException} hierarchy.
 *
 * <p><b>Role.</b> Value types and pure decisions shared by the store and the web layer (STYLE B1:
 * {@code common ← control-core ← control-store}).
 *
 * <p><b>Inputs/outputs.</b> Records in, records or decisions out. No I/O: no SQL, no HTTP, no
 * files; only {@code java.time}.
 *
 * <p><b>Failure handling.</b> Invalid values are refused at construction with
 * {@link java.lang.IllegalArgumentException} naming the field and the rule; refused operations are
 * values ({@code Decision}) or a {@link dev.steward.control.core.ControlException} subclass.
 *
 * <p><b>Security.</b> Every value may come from an untrusted customer through the web UI: records
 * validate lengths and formats so nothing unbounded reaches the database.
 */
package dev.steward.control.core;
