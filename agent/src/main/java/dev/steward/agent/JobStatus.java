package dev.steward.agent;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a job ended, as the job API's result takes it ({@code status}): the one set of values every
 * executor reports (an OS update and a benchmark never roll back; an application update may).
 */
public enum JobStatus {
    /** Done: the work is installed (and healthy), or the figures were taken. */
    SUCCEEDED("succeeded"),
    /** Not done, or not undone: the details say why. */
    FAILED("failed"),
    /** An application update failed or was unhealthy; the previous version is back and healthy. */
    ROLLED_BACK("rolled_back");

    private final String wire;

    JobStatus(String wire) {
        this.wire = wire;
    }

    /** The value in the job API ({@code succeeded}, {@code failed}, {@code rolled_back}). */
    @JsonValue
    public String wire() {
        return wire;
    }
}
