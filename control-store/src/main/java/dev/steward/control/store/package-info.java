/**
 * The control plane's storage: one schema, two databases, explicit SQL.
 *
 * <p><b>Role.</b> {@link dev.steward.control.store.Database} opens PostgreSQL (production, several
 * instances may share it) or embedded H2 in file mode (PostgreSQL compatibility mode), with a
 * HikariCP pool, and runs the Flyway migrations in {@code db/migration} at open. The
 * {@code *Repository} classes run SQL text through Jdbi handles: no ORM, no generated SQL.
 *
 * <p><b>Inputs/outputs.</b> control-core records in and out; {@link dev.steward.control.core.Actor}
 * on every method that changes something.
 *
 * <p><b>Files/tables.</b> customer, customer_contact, account, api_token, login_session,
 * login_attempt, application, package_spec, server, server_address, package_change, audit_log; from
 * V2 (issue 7) the maintenance tables: blackout, window_occurrence, app_release, release_target,
 * maintenance_notice, scheduled_task, and for the agents' job API job, enrolment_token,
 * agent_credential and agent_status ({@link dev.steward.control.store.AgentJobRepository},
 * {@link dev.steward.control.store.AgentRepository}). Release transitions are conditional updates
 * too ({@link dev.steward.control.store.ReleaseRepository}; a lost race is a
 * {@link dev.steward.control.core.release.ReleaseTransitionException}), and planning
 * ({@link dev.steward.control.store.RolloutPlanRepository}) claims each notice row before the
 * notice is sent, so it is never sent twice.
 * From V9 (issue 8, SPEC-2) benchmark_figure: the checked figures of succeeded benchmark jobs,
 * written by {@link dev.steward.control.store.BenchmarkRepository#LISTENER} in the transaction
 * that accepts the result, and aggregated per application and package.
 * The embedded database lives in {@code <data dir>/steward.mv.db}.
 *
 * <p><b>Strategy.</b> No state in memory that two instances could disagree on: sessions, login
 * attempts and request states live in the database. Every state-changing method writes its audit
 * row in the same transaction. Request transitions are conditional updates on the state read
 * ({@code … where id = ? and state = ?}); a lost race is a
 * {@link dev.steward.control.store.RequestStateChangedException}. Timed work runs on
 * {@link dev.steward.control.store.TaskScheduler}: one-time tasks in {@code scheduled_task}, each
 * claimed by exactly one instance (conditional update on a version) and marked done in the
 * transaction of its work; {@link dev.steward.control.store.WindowExecutor} and
 * {@link dev.steward.control.store.RolloutExecutor} run the maintenance windows on it.
 *
 * <p><b>Failure handling.</b> A unique violation (SQLSTATE 23505, the same on both databases)
 * becomes {@link dev.steward.control.store.DuplicateNameException}; a missing record
 * {@link dev.steward.control.store.UnknownEntityException}; other SQL errors pass through as
 * Jdbi's unchecked exceptions.
 *
 * <p><b>Config keys.</b> The JDBC URL, user and password (PostgreSQL) or the data directory
 * (embedded), passed by the control plane's config.
 *
 * <p><b>Security.</b> Only hashes of API tokens and session ids are stored; password hashes are
 * produced by the web module. All values are bound parameters; the few SQL fragments that are
 * assembled (filters) are constants.
 */
package dev.steward.control.store;
