package dev.steward.control.core.job;

/** What an agent is asked to do (the {@code kind} of a job in the job API). */
public enum JobKind {
    /** Install an application release: payload names the target version and the steps. */
    APP_UPDATE,
    /** The weekly OS update through apt (MAINT-1); the result lists packages, reboot and downtime. */
    OS_UPDATE,
    /** Run the server's benchmark and report the figures. */
    BENCHMARK
}
