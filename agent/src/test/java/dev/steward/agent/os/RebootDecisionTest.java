package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RebootDecisionTest {

    private static final NeedrestartReport CURRENT = NeedrestartReport.parse(List.of(
            "NEEDRESTART-VER: 3.6", "NEEDRESTART-KCUR: 6.1.0-20-amd64", "NEEDRESTART-KEXP: 6.1.0-20-amd64",
            "NEEDRESTART-KSTA: 1"));

    @Test
    void nothingPendingNeedsNoReboot() {
        RebootDecision decision = RebootDecision.decide(false, List.of(), CURRENT, true);
        assertThat(decision.required()).isFalse();
        assertThat(decision.reasons()).isEmpty();
        assertThat(RebootDecision.decide(false, List.of(), NeedrestartReport.NONE, true).required()).isFalse();
    }

    @Test
    void theFileAloneIsEnough() {
        RebootDecision decision = RebootDecision.decide(true, List.of("linux-image-6.1.0-20-amd64"), CURRENT, true);
        assertThat(decision.required()).isTrue();
        assertThat(decision.reasons()).containsExactly(RebootDecision.FILE);
        assertThat(decision.explanation().get(0)).contains("linux-image-6.1.0-20-amd64");
    }

    @Test
    void needrestartAloneIsEnoughBecauseDebianDoesNotAlwaysWriteTheFile() {
        NeedrestartReport kernel = NeedrestartReport.parse(List.of(
                "NEEDRESTART-KCUR: 6.1.0-18-amd64", "NEEDRESTART-KEXP: 6.1.0-20-amd64", "NEEDRESTART-KSTA: 3",
                "NEEDRESTART-UCSTA: 2", "NEEDRESTART-SVC: dbus.service"));
        RebootDecision decision = RebootDecision.decide(false, List.of(), kernel, true);
        assertThat(decision.required()).isTrue();
        assertThat(decision.reasons()).containsExactly(RebootDecision.KERNEL, RebootDecision.MICROCODE,
                RebootDecision.SERVICES);
        assertThat(decision.explanation().get(0))
                .isEqualTo("needrestart: running kernel 6.1.0-18-amd64, expected 6.1.0-20-amd64 (version upgrade pending)");
    }

    @Test
    void pendingServicesCountOnlyWhenConfigured() {
        NeedrestartReport services = NeedrestartReport.parse(List.of("NEEDRESTART-KSTA: 1", "NEEDRESTART-SVC: dbus.service"));
        assertThat(RebootDecision.decide(false, List.of(), services, true).reasons())
                .containsExactly(RebootDecision.SERVICES);
        assertThat(RebootDecision.decide(false, List.of(), services, false).required()).isFalse();
    }
}
