package dev.steward.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The readable parts of an agent's result, read leniently. */
class JobResultSummaryTest {

    @Test
    void osUpdate_listOfPackages_rebootAndDowntime() {
        assertThat(JobResultSummary.parse("""
                {"packages_upgraded": ["openssl", "libc6"], "reboot": true, "downtime_seconds": 95, "log": "..."}
                """)).isEqualTo(new JobResultSummary(2, true, 95L, null, null, null));
    }

    @Test
    void asTheJobApiStoresIt_theFiguresAreReadFromDetails() {
        assertThat(JobResultSummary.parse("""
                {"details":{"packages_upgraded":[{"package":"openssl"}],"reboot":true,"downtime_seconds":41,
                 "error":"health check: HTTP 500"},"duration_seconds":90,"health":{"ok":true},"status":"rolled_back"}
                """)).isEqualTo(new JobResultSummary(1, true, 41L, null, "health check: HTTP 500", null));
    }

    @Test
    void alternativeNames_andACountInsteadOfAList() {
        assertThat(JobResultSummary.parse("{\"packages\": 7, \"rebooted\": false}"))
                .isEqualTo(new JobResultSummary(7, false, null, null, null, null));
    }

    @Test
    void failedAppUpdate_rolledBackWithItsError() {
        assertThat(JobResultSummary.parse("{\"rolled_back\": true, \"message\": \"health check failed\"}"))
                .isEqualTo(new JobResultSummary(null, null, null, true, "health check failed", null));
    }

    @Test
    void withdrawnJob_hasItsReason() {
        assertThat(JobResultSummary.parse("{\"reason\":\"window ended\"}").reason()).isEqualTo("window ended");
    }

    @Test
    void wrongTypes_areIgnored_notJson_becomesTheError_nothing_isEmpty() {
        assertThat(JobResultSummary.parse("{\"reboot\": \"yes\", \"downtime_seconds\": 1.5, \"packages\": \"many\"}"))
                .isEqualTo(JobResultSummary.EMPTY);
        assertThat(JobResultSummary.parse("apt-get exploded").error()).isEqualTo("apt-get exploded");
        assertThat(JobResultSummary.parse("[1, 2]").error()).isEqualTo("[1, 2]");
        assertThat(JobResultSummary.parse(null)).isEqualTo(JobResultSummary.EMPTY);
        assertThat(JobResultSummary.parse("  ")).isEqualTo(JobResultSummary.EMPTY);
        assertThat(JobResultSummary.parse("x".repeat(500)).error()).hasSize(200).endsWith("...");
    }
}
