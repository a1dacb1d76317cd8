/**
 * Jobs: the work the control plane gives to the agents on the servers (the job API of issue 7),
 * as plain values. Storage and delivery are in {@code control-store}'s {@code JobRepository}.
 */
package dev.steward.control.core.job;
