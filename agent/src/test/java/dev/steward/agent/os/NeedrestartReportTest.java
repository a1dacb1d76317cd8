package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NeedrestartReportTest {

    @Test
    void parsesAVersionUpgradeWithServicesMicrocodeContainersAndSessions() {
        // The shape of needrestart 3.6's batch output (Debian 12), as documented in its README.batch.
        NeedrestartReport report = NeedrestartReport.parse(List.of(
                "NEEDRESTART-VER: 3.6",
                "NEEDRESTART-KCUR: 6.1.0-18-amd64",
                "NEEDRESTART-KEXP: 6.1.0-20-amd64",
                "NEEDRESTART-KSTA: 3",
                "NEEDRESTART-UCSTA: 2",
                "NEEDRESTART-UCCUR: 0x071a",
                "NEEDRESTART-UCEXP: 0x071b",
                "NEEDRESTART-SVC: nginx.service",
                "NEEDRESTART-SVC: dbus.service",
                "NEEDRESTART-SVC: nginx.service",
                "NEEDRESTART-CONT: LXC web1",
                "NEEDRESTART-SESS: root @ session #28017"));
        assertThat(report.version()).isEqualTo("3.6");
        assertThat(report.kernelCurrent()).isEqualTo("6.1.0-18-amd64");
        assertThat(report.kernelExpected()).isEqualTo("6.1.0-20-amd64");
        assertThat(report.kernelStatus()).isEqualTo(NeedrestartReport.KERNEL_VERSION_UPGRADE);
        assertThat(report.kernelUpgradePending()).isTrue();
        assertThat(report.microcodeUpgradePending()).isTrue();
        assertThat(report.services()).containsExactly("nginx.service", "dbus.service");
        assertThat(report.containers()).containsExactly("LXC web1");
        assertThat(report.sessions()).containsExactly("root @ session #28017");
    }

    @Test
    void aCurrentKernelIsNotPendingAndAnAbiUpgradeIs() {
        NeedrestartReport current = NeedrestartReport.parse(List.of(
                "NEEDRESTART-VER: 3.6", "NEEDRESTART-KCUR: 6.1.0-20-amd64", "NEEDRESTART-KEXP: 6.1.0-20-amd64",
                "NEEDRESTART-KSTA: 1", "NEEDRESTART-UCSTA: 1"));
        assertThat(current.kernelUpgradePending()).isFalse();
        assertThat(current.microcodeUpgradePending()).isFalse();
        assertThat(current.services()).isEmpty();

        NeedrestartReport abi = NeedrestartReport.parse(List.of("NEEDRESTART-KSTA: 2"));
        assertThat(abi.kernelUpgradePending()).isTrue();
        assertThat(abi.kernelStatus()).isEqualTo(NeedrestartReport.KERNEL_ABI_UPGRADE);
    }

    @Test
    void unknownAndMalformedLinesAreIgnored() {
        NeedrestartReport report = NeedrestartReport.parse(List.of(
                "Scanning processes...", "NEEDRESTART-KSTA: x", "NEEDRESTART-SVC:", "NEEDRESTART-FUTURE: 7", ""));
        assertThat(report.kernelStatus()).isZero();
        assertThat(report.kernelUpgradePending()).isFalse();
        assertThat(report.services()).isEmpty();
    }

    @Test
    void servicesRestartedByTheAptHookButNotTheDeferredOnes() {
        List<String> apt = List.of(
                "Setting up libssl3:amd64 (3.0.13-1~deb12u1) ...",
                "Processing triggers for libc-bin (2.36-9+deb12u7) ...",
                "",
                "Restarting services...",
                " systemctl restart cron.service ssh.service",
                " systemctl restart nginx.service",
                "Service restarts being deferred:",
                " systemctl restart dbus.service",
                " systemctl restart systemd-logind.service",
                "",
                "No containers need to be restarted.",
                "",
                "No user sessions are running outdated binaries.");
        assertThat(NeedrestartReport.restartedInAptOutput(apt))
                .containsExactly("cron.service", "ssh.service", "nginx.service");
        assertThat(NeedrestartReport.restartedInAptOutput(List.of("Setting up x (1) ..."))).isEmpty();
    }
}
