package dev.steward.control.web.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.maintenance.WindowKind;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.core.release.ReleaseTransitionException;
import dev.steward.control.core.release.TargetStage;
import dev.steward.control.core.release.TargetState;
import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.store.AuditLogRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.NoticeRecord;
import dev.steward.control.store.ReleaseTarget;
import dev.steward.control.store.RolloutPlanRepository;
import dev.steward.control.store.WindowOccurrenceRepository;
import dev.steward.control.web.notify.MaintenanceNotice;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A release through the pipeline on both databases: test server → soak → plan → one notice per
 * customer (nl and en), a customer with a blackout date, a customer whose notice fails
 * (NOTICE_BLOCKED), a patch without notices, a security fix in the emergency lane, a planner that
 * stopped between claiming and sending, and the dry runs.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class ReleasePipelineIT {

    // Friday 2026-03-20; the March change is Sunday 2026-03-29.
    static final Instant START = Instant.parse("2026-03-20T10:00:00Z");

    @TestTemplate
    void minorRelease_testSoakPlanNotices_blackoutAndFailedNotice(Database database) {
        PipelineWorld world = new PipelineWorld(database, START);
        Application app = world.application("1.4.0");
        Customer provider = world.customer(Language.EN);
        Server test = world.server(provider.id(), app.id(), "tst");
        Customer dutch = world.customer(Language.NL);
        Customer english = world.customer(Language.EN);
        Customer unreachable = world.customer(Language.EN);
        Server dutch1 = world.server(dutch.id(), app.id(), "prd");
        Server dutch2 = world.server(dutch.id(), app.id(), "prd");
        Server dutchDone = world.server(dutch.id(), app.id(), "prd");
        world.servers.recordAgentReport(PipelineWorld.OPERATOR, dutchDone.id(), "1.5.0", "Debian 13", "6.12", START);
        Server english1 = world.server(english.id(), app.id(), "prd");
        Server unreachable1 = world.server(unreachable.id(), app.id(), "prd");
        world.settings.addBlackout(PipelineWorld.OPERATOR, english.id(), null, LocalDate.parse("2026-04-06"),
                LocalDate.parse("2026-04-06"), "Easter Monday sale");
        world.sender.failFor.add(unreachable.id());

        // Stage 1: the test server gets a job at once.
        Release release = world.pipeline.register(PipelineWorld.OPERATOR, app.id(),
                ReleaseTerms.of("1.5.0", "New reports", "Export your custom reports", "Check the dashboards"),
                ReleaseSource.OPERATOR);
        assertThat(release.state()).isEqualTo(ReleaseState.TESTING);
        assertThat(release.classification().announceAs()).isEqualTo(ChangeClass.MINOR);
        ReleaseTarget testTarget = world.releases.targets(release.id()).getFirst();
        assertThat(testTarget.serverId()).isEqualTo(test.id());
        assertThat(testTarget.stage()).isEqualTo(TargetStage.TEST);

        // Green → soaking for 24 h; nothing is planned before the soak ends.
        world.finishJob(testTarget.jobId(), "SUCCEEDED", "{\"health\":\"ok\",\"duration_seconds\":212}",
                Instant.parse("2026-03-20T10:30:00Z"));
        assertThat(world.releases.find(release.id()).orElseThrow().state()).isEqualTo(ReleaseState.SOAKING);
        assertThat(world.pipeline.advance(Instant.parse("2026-03-21T10:00:00Z"))).isEmpty();

        // A dry run writes nothing.
        List<ReleasePipeline.PreviewRow> dryRun = world.pipeline.preview(release.id());
        assertThat(dryRun).hasSize(5);
        assertThat(dryRun).filteredOn(row -> row.serverId() == dutchDone.id()).singleElement()
                .extracting(ReleasePipeline.PreviewRow::state).isEqualTo("WOULD_SKIP");
        assertThat(world.releases.targets(release.id())).hasSize(1);
        assertThat(world.sender.attempts).isEmpty();

        // Monday 2026-03-23 07:00 CET, soak over: the rollout is planned and the notices go out.
        world.clock.set(Instant.parse("2026-03-23T06:00:00Z"));
        List<ReleasePipeline.Plan> planned = world.pipeline.advance();
        assertThat(planned).singleElement().satisfies(plan -> {
            assertThat(plan.created()).isTrue();
            assertThat(plan.noticesSent()).isEqualTo(2);
            assertThat(plan.noticesFailed()).isEqualTo(1);
            assertThat(plan.release().state()).isEqualTo(ReleaseState.PLANNED);
            assertThat(plan.release().plannedAt()).isEqualTo(Instant.parse("2026-03-23T06:00:00Z"));
        });

        // One notice per customer, in their language, naming all their servers and the window
        // 168+ hours ahead: Monday 2026-03-30 07:00 CEST is only 167 hours away, so 2026-04-06.
        assertThat(world.sender.attempts).hasSize(3);
        MaintenanceNotice toDutch = world.sender.to(dutch.id()).getFirst();
        assertThat(world.sender.to(dutch.id())).hasSize(1);
        assertThat(toDutch.customer().language()).isEqualTo(Language.NL);
        assertThat(toDutch.appHosts()).containsExactlyInAnyOrder(dutch1.appHost(), dutch2.appHost());
        assertThat(toDutch.currentVersion()).isEqualTo("1.4.0");
        assertThat(toDutch.targetVersion()).isEqualTo("1.5.0");
        assertThat(toDutch.stepsBefore()).isEqualTo("Export your custom reports");
        assertThat(toDutch.window().start().toInstant()).isEqualTo(Instant.parse("2026-04-06T05:00:00Z"));
        MaintenanceNotice toEnglish = world.sender.to(english.id()).getFirst();
        assertThat(toEnglish.customer().language()).isEqualTo(Language.EN);
        // The blackout on 2026-04-06 moves English a week further.
        assertThat(toEnglish.window().start().toInstant()).isEqualTo(Instant.parse("2026-04-13T05:00:00Z"));

        Map<Long, ReleaseTarget> targets = world.releases.targets(release.id()).stream()
                .filter(t -> t.stage() == TargetStage.PRODUCTION)
                .collect(Collectors.toMap(ReleaseTarget::serverId, Function.identity()));
        assertThat(targets.get(dutch1.id()).state()).isEqualTo(TargetState.PLANNED);
        assertThat(targets.get(dutch2.id()).state()).isEqualTo(TargetState.PLANNED);
        assertThat(targets.get(dutch1.id()).windowKind()).isEqualTo(WindowKind.APP);
        assertThat(targets.get(dutchDone.id()).state()).isEqualTo(TargetState.SKIPPED);
        assertThat(targets.get(english1.id()).startsAt()).isEqualTo(Instant.parse("2026-04-13T05:00:00Z"));
        assertThat(targets.get(unreachable1.id()).state()).isEqualTo(TargetState.NOTICE_BLOCKED);
        assertThat(targets.get(unreachable1.id()).detail()).contains("notice not sent", "550 5.1.1");
        assertThat(new WindowOccurrenceRepository(database).find(targets.get(dutch1.id()).occurrenceId()).orElseThrow()
                .state()).isEqualTo("PLANNED");

        Map<Long, NoticeRecord> notices = world.plans.notices(release.id()).stream()
                .collect(Collectors.toMap(NoticeRecord::customerId, Function.identity()));
        assertThat(notices).hasSize(3);
        assertThat(notices.get(dutch.id()).sent()).isTrue();
        assertThat(notices.get(dutch.id()).messageId()).isEqualTo(release.id() + "." + dutch.id() + "@steward.test");
        assertThat(notices.get(dutch.id()).language()).isEqualTo("nl");
        assertThat(notices.get(dutch.id()).subject()).isEqualTo("Maintenance " + app.name() + " 1.5.0");
        assertThat(notices.get(unreachable.id()).state()).isEqualTo("FAILED");
        assertThat(notices.get(unreachable.id()).error()).contains("550 5.1.1");
        assertThat(new AuditLogRepository(database).forEntity("release", release.id())).extracting(AuditEntry::action)
                .containsSubsequence("release.registered", "release.testing", "release.soaking", "release.plan_created",
                        "release.planned");

        // Planned once: planning again is refused, nothing is sent again.
        assertThatThrownBy(() -> world.pipeline.plan(release.id())).isInstanceOf(ReleaseTransitionException.class);
        assertThat(world.pipeline.advance()).isEmpty();
        assertThat(world.sender.attempts).hasSize(3);

        // The customer's upcoming maintenance, and the "next Monday" preview of 2026-04-06.
        assertThat(world.plans.forServer(dutch1.id())).singleElement().satisfies(update -> {
            assertThat(update.version()).isEqualTo("1.5.0");
            assertThat(update.target().startsAt()).isEqualTo(Instant.parse("2026-04-06T05:00:00Z"));
        });
        ReleasePipeline.NextWindows monday = world.pipeline.nextWindows(LocalDate.parse("2026-04-06"));
        assertThat(monday.rows()).extracting(ReleasePipeline.PreviewRow::serverId)
                .contains(dutch1.id(), dutch2.id(), unreachable1.id()).doesNotContain(english1.id(), dutchDone.id());
        assertThat(world.pipeline.storedPlan(release.id())).hasSize(5);
    }

    @TestTemplate
    void patch_untestedApproval_noNotice_nextWindow(Database database) {
        PipelineWorld world = new PipelineWorld(database, Instant.parse("2026-03-24T10:00:00Z"));
        Application app = world.application("2.1.0");
        Customer customer = world.customer(Language.NL);
        Server server = world.server(customer.id(), app.id(), "prd");
        Release release = world.pipeline.register(PipelineWorld.OPERATOR, app.id(), ReleaseTerms.of("2.1.1", "fixes", "",
                ""), ReleaseSource.OPERATOR);
        assertThat(release.state()).isEqualTo(ReleaseState.REGISTERED);

        ReleasePipeline.Plan plan = world.pipeline.approve(PipelineWorld.OPERATOR, release.id());
        assertThat(plan.release().state()).isEqualTo(ReleaseState.PLANNED);
        assertThat(plan.release().approvedBy()).isEqualTo(PipelineWorld.OPERATOR.toString());
        assertThat(world.sender.attempts).isEmpty();
        assertThat(world.plans.notices(release.id())).isEmpty();
        ReleaseTarget target = world.releases.targets(release.id()).getFirst();
        assertThat(target.serverId()).isEqualTo(server.id());
        assertThat(target.state()).isEqualTo(TargetState.PLANNED);
        // Tuesday → the next Monday window, 2026-03-30 07:00 CEST (the DST change in between).
        assertThat(target.startsAt()).isEqualTo(Instant.parse("2026-03-30T05:00:00Z"));
    }

    @TestTemplate
    void security_emergencySlotWithNotice_andAStoppedPlannerNeverSendsTwice(Database database) {
        PipelineWorld world = new PipelineWorld(database, Instant.parse("2026-10-24T12:00:00Z"));
        Application app = world.application("3.0.0");
        Customer first = world.customer(Language.NL);
        Customer second = world.customer(Language.EN);
        world.server(first.id(), app.id(), "prd");
        Server secondServer = world.server(second.id(), app.id(), "prd");
        Release release = world.pipeline.register(PipelineWorld.OPERATOR, app.id(), ReleaseTerms.of("3.0.1", "fix", "",
                "").asSecurity(List.of("CVE-2026-41234"), false), ReleaseSource.OPERATOR);
        world.releases.approve(PipelineWorld.OPERATOR, release.id(), world.clock.instant());

        // A planner created the plan and claimed the first customer's notice, then stopped.
        Instant now = world.clock.instant();
        assertThat(world.plans.createPlan(PipelineWorld.OPERATOR, release.id(), now)).isTrue();
        RolloutPlanRepository.NoticeDue due = world.plans.noticesDue(release.id()).stream()
                .filter(d -> d.customerId() == first.id()).findFirst().orElseThrow();
        assertThat(due.window().kind()).isEqualTo(WindowKind.EMERGENCY);
        // Sunday 2026-10-25 04:00 CET, the night of the October change.
        assertThat(due.window().start().toInstant()).isEqualTo(Instant.parse("2026-10-25T03:00:00Z"));
        assertThat(world.plans.claimNotice(PipelineWorld.OPERATOR, release.id(), first.id(), due.occurrenceId(), "nl",
                first.contacts(), "placeholder", now)).isTrue();

        // The next run (advance) continues: only the second customer is mailed.
        List<ReleasePipeline.Plan> plans = world.pipeline.advance();
        assertThat(plans).singleElement().satisfies(plan -> assertThat(plan.created()).isFalse());
        assertThat(world.sender.attempts).singleElement().satisfies(notice -> {
            assertThat(notice.customer().id()).isEqualTo(second.id());
            assertThat(notice.security()).isTrue();
            assertThat(notice.cveIds()).containsExactly("CVE-2026-41234");
        });
        Map<Long, NoticeRecord> notices = world.plans.notices(release.id()).stream()
                .collect(Collectors.toMap(NoticeRecord::customerId, Function.identity()));
        assertThat(notices.get(first.id()).error()).isEqualTo(RolloutPlanRepository.CLAIMED);
        assertThat(notices.get(second.id()).sent()).isTrue();
        Map<Long, ReleaseTarget> targets = world.releases.targets(release.id()).stream()
                .collect(Collectors.toMap(ReleaseTarget::serverId, Function.identity()));
        assertThat(targets.get(secondServer.id()).state()).isEqualTo(TargetState.PLANNED);
        assertThat(targets.values()).filteredOn(t -> t.customerId() == first.id()).singleElement()
                .satisfies(t -> {
                    assertThat(t.state()).isEqualTo(TargetState.NOTICE_BLOCKED);
                    assertThat(t.detail()).contains("outcome not recorded");
                });
        assertThat(world.releases.find(release.id()).orElseThrow().state()).isEqualTo(ReleaseState.PLANNED);

        // A second claim of the same notice is refused.
        assertThat(world.plans.claimNotice(PipelineWorld.OPERATOR, release.id(), second.id(), due.occurrenceId(), "en",
                second.contacts(), "x", now)).isFalse();
    }
}
