package dev.steward.agent.app;

/** How an application update ended; {@link #jsonName()} is the job result's status. */
public enum UpdateStatus {
    /** The target version is installed and healthy (or was already installed). */
    SUCCEEDED("succeeded"),
    /** Not started, stopped before the update, or the rollback failed too: see the reason. */
    FAILED("failed"),
    /** The update failed or was unhealthy; the previous version is back and healthy. */
    ROLLED_BACK("rolled_back");

    private final String jsonName;

    UpdateStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}
