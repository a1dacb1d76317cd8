package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.job.Job;
import dev.steward.control.core.job.JobKind;
import dev.steward.control.core.job.JobState;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.core.release.ReleaseTransitionException;
import dev.steward.control.core.release.TargetStage;
import dev.steward.control.core.release.TargetState;
import dev.steward.control.core.version.ChangeClass;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/** Release intake, the test stage and its outcomes, approval and cancellation, on both databases. */
@ExtendWith(DatabaseExtension.class)
class ReleaseRepositoryIT {

    static final Instant NOW = Instant.parse("2026-03-20T10:00:00Z");

    static Server testServer(Database database, long customerId, long applicationId) {
        int n = Fixtures.next();
        ServerName name = ServerName.parse(String.format("cln%03d-tst-app%03d.hosting.example", n, n));
        return new ServerRepository(database).register(OPERATOR, new ServerRegistration(
                Server.register(name, customerId, applicationId, "test" + n + ".customer.example"),
                Fixtures.ipv4(n), "2001:db8::" + Integer.toHexString(n)));
    }

    static Application application(Database database, VersionScheme scheme, String current) {
        int n = Fixtures.next();
        return new ApplicationRepository(database).create(OPERATOR, new Application(0, "rel" + n, "Rel " + n, scheme,
                current, Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
    }

    /** Moves the job to a final state as the job API would, and tells the listener in that transaction. */
    static void finish(Database database, JobOutcomeListener listener, String jobId, JobState state, String result,
                       Instant at) {
        database.jdbi().useTransaction(handle -> {
            handle.createUpdate("update job set state = :state, finished_at = :at, result = :result where id = :id")
                    .bind("state", state.name()).bind("at", at).bind("result", result).bind("id", jobId).execute();
            Job job = handle.createQuery("select * from job where id = :id").bind("id", jobId)
                    .map(JobRepository.MAPPER).one();
            listener.finished(handle, job);
        });
    }

    @TestTemplate
    void register_classifiesAgainstTheCatalogue_refusesOlderDuplicateAndInvalid(Database database) {
        var releases = new ReleaseRepository(database);
        Application app = application(database, VersionScheme.SEMVER, "0.3.1");

        Release minor = releases.register(OPERATOR, app.id(), ReleaseTerms.of("0.4.0", "new", "backup", "check"),
                ReleaseSource.OPERATOR, NOW);
        assertThat(minor.previousVersion()).isEqualTo("0.3.1");
        assertThat(minor.classification().change()).isEqualTo(ChangeClass.MINOR);
        assertThat(minor.classification().announceAs()).isEqualTo(ChangeClass.MAJOR);
        assertThat(minor.state()).isEqualTo(ReleaseState.REGISTERED);
        assertThat(minor.terms().waveSize()).isEqualTo(ReleaseTerms.DEFAULT_WAVE_SIZE);
        assertThat(minor.registeredAt()).isEqualTo(NOW);

        assertThatThrownBy(() -> releases.register(OPERATOR, app.id(), ReleaseTerms.of("0.4.0", "", "", ""),
                ReleaseSource.FEED, NOW)).isInstanceOf(DuplicateNameException.class).hasMessageContaining("0.4.0");
        assertThatIllegalArgumentException().isThrownBy(() -> releases.register(OPERATOR, app.id(),
                ReleaseTerms.of("0.3.1", "", "", ""), ReleaseSource.OPERATOR, NOW))
                .withMessageContaining("not newer than the current version 0.3.1");
        assertThatIllegalArgumentException().isThrownBy(() -> releases.register(OPERATOR, app.id(),
                ReleaseTerms.of("0.2.9", "", "", ""), ReleaseSource.OPERATOR, NOW))
                .withMessageContaining("not newer");
        assertThatIllegalArgumentException().isThrownBy(() -> releases.register(OPERATOR, app.id(),
                ReleaseTerms.of("v1.0", "", "", ""), ReleaseSource.OPERATOR, NOW))
                .withMessageContaining("invalid version");
        assertThatThrownBy(() -> releases.register(OPERATOR, 999_999, ReleaseTerms.of("1.0.0", "", "", ""),
                ReleaseSource.OPERATOR, NOW)).isInstanceOf(UnknownEntityException.class);

        Application loose = application(database, VersionScheme.LOOSE, "8.0.24");
        Release vendor = releases.register(OPERATOR, loose.id(), ReleaseTerms.of("8.0.24.1", "", "", "")
                .asSecurity(List.of("CVE-2026-0001"), false), ReleaseSource.FEED, NOW);
        assertThat(vendor.classification().change()).isEqualTo(ChangeClass.PATCH);
        assertThat(vendor.terms().cveIds()).containsExactly("CVE-2026-0001");
        assertThat(vendor.source()).isEqualTo(ReleaseSource.FEED);
        assertThat(releases.versions(loose.id())).containsExactly("8.0.24.1");
        assertThat(releases.list(app.id(), null, 10)).extracting(Release::id).containsExactly(minor.id());
        assertThat(releases.list(null, ReleaseState.REGISTERED, 500)).extracting(Release::id)
                .contains(minor.id(), vendor.id());
        assertThat(new AuditLogRepository(database).forEntity("release", minor.id())).extracting(AuditEntry::action)
                .containsExactly("release.registered");
    }

    @TestTemplate
    void register_withTestServers_queuesOneJobEach_allGreenSoaks(Database database) {
        var releases = new ReleaseRepository(database);
        Fixtures fixtures = new Fixtures(database);
        Customer provider = fixtures.customer();
        Application app = application(database, VersionScheme.SEMVER, "1.0.0");
        Server first = testServer(database, provider.id(), app.id());
        Server second = testServer(database, provider.id(), app.id());
        fixtures.server(provider.id(), app.id()); // production: not part of the test stage

        Release release = releases.register(OPERATOR, app.id(), ReleaseTerms.of("1.1.0", "new", "before", "after"),
                ReleaseSource.OPERATOR, NOW);
        assertThat(release.state()).isEqualTo(ReleaseState.TESTING);
        List<ReleaseTarget> targets = releases.targets(release.id());
        assertThat(targets).hasSize(2).allMatch(t -> t.stage() == TargetStage.TEST && t.state() == TargetState.QUEUED
                && t.jobId() != null);
        Job job = new JobRepository(database).find(targets.getFirst().jobId()).orElseThrow();
        assertThat(job.kind()).isEqualTo(JobKind.APP_UPDATE);
        assertThat(job.releaseId()).isEqualTo(release.id());
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.notBefore()).isEqualTo(NOW);
        assertThat(job.payload()).contains("\"target_version\":\"1.1.0\"", "\"previous_version\":\"1.0.0\"",
                "\"steps_before\":\"before\"");

        JobOutcomeListener listener = releases.testStageListener(Duration.ofHours(24));
        Instant done = NOW.plus(Duration.ofMinutes(20));
        finish(database, listener, jobOf(targets, first), JobState.SUCCEEDED, "{\"health\":\"ok\"}", done);
        assertThat(releases.find(release.id()).orElseThrow().state()).isEqualTo(ReleaseState.TESTING);
        finish(database, listener, jobOf(targets, second), JobState.SUCCEEDED, "{\"duration_seconds\":30}",
                done.plusSeconds(60));
        Release soaking = releases.find(release.id()).orElseThrow();
        assertThat(soaking.state()).isEqualTo(ReleaseState.SOAKING);
        assertThat(soaking.testPassedAt()).isEqualTo(done.plusSeconds(60));
        assertThat(soaking.soakUntil()).isEqualTo(done.plusSeconds(60).plus(Duration.ofHours(24)));
        assertThat(releases.targets(release.id())).allMatch(t -> t.state() == TargetState.SUCCEEDED);
        assertThat(new AuditLogRepository(database).forEntity("release", release.id())).extracting(AuditEntry::action)
                .containsExactly("release.registered", "release.testing", "release.soaking");

        // Approval ends the soak early; a second approval is refused.
        Release approved = releases.approve(OPERATOR, release.id(), done.plusSeconds(120));
        assertThat(approved.approvedBy()).isEqualTo(OPERATOR.toString());
        assertThatThrownBy(() -> releases.approve(OPERATOR, release.id(), done.plusSeconds(130)))
                .isInstanceOf(ReleaseTransitionException.class).hasMessageContaining("approved again");
    }

    private static String jobOf(List<ReleaseTarget> targets, Server server) {
        return targets.stream().filter(t -> t.serverId() == server.id()).findFirst().orElseThrow().jobId();
    }

    @TestTemplate
    void testStage_failureRollbackUnhealthyOrExpiry_failsTheRelease(Database database) {
        var releases = new ReleaseRepository(database);
        Fixtures fixtures = new Fixtures(database);
        Customer provider = fixtures.customer();
        JobOutcomeListener listener = releases.testStageListener(ReleaseRepository.DEFAULT_SOAK);
        Map<JobState, String> results = Map.of(JobState.FAILED, "{\"error\":\"migration failed\"}",
                JobState.ROLLED_BACK, "{\"error\":\"health check\"}", JobState.EXPIRED, "latest start passed",
                JobState.SUCCEEDED, "{\"health\":{\"ok\":false,\"detail\":\"HTTP 502\"}}");
        Map<JobState, TargetState> expected = Map.of(JobState.FAILED, TargetState.FAILED,
                JobState.ROLLED_BACK, TargetState.ROLLED_BACK, JobState.EXPIRED, TargetState.FAILED,
                JobState.SUCCEEDED, TargetState.FAILED);
        for (JobState outcome : List.of(JobState.FAILED, JobState.ROLLED_BACK, JobState.EXPIRED, JobState.SUCCEEDED)) {
            Application app = application(database, VersionScheme.SEMVER, "2.0.0");
            Server test = testServer(database, provider.id(), app.id());
            testServer(database, provider.id(), app.id());
            Release release = releases.register(OPERATOR, app.id(), ReleaseTerms.of("2.0.1", "", "", ""),
                    ReleaseSource.OPERATOR, NOW);
            finish(database, listener, jobOf(releases.targets(release.id()), test), outcome, results.get(outcome),
                    NOW.plusSeconds(600));
            Release failed = releases.find(release.id()).orElseThrow();
            assertThat(failed.state()).as(outcome.name()).isEqualTo(ReleaseState.TEST_FAILED);
            assertThat(failed.haltReason()).as(outcome.name()).contains(test.name().toString());
            assertThat(failed.finishedAt()).isEqualTo(NOW.plusSeconds(600));
            ReleaseTarget target = releases.targets(release.id()).stream().filter(t -> t.serverId() == test.id())
                    .findFirst().orElseThrow();
            assertThat(target.state()).as(outcome.name()).isEqualTo(expected.get(outcome));
            assertThat(target.detail()).isNotBlank();
            assertThatThrownBy(() -> releases.approve(OPERATOR, release.id(), NOW))
                    .isInstanceOf(ReleaseTransitionException.class);
        }
    }

    @TestTemplate
    void noTestServer_startTestRefused_thenAllowed_cancelSkipsTargetsAndCancelsJobs(Database database) {
        var releases = new ReleaseRepository(database);
        Fixtures fixtures = new Fixtures(database);
        Application app = application(database, VersionScheme.SEMVER, "3.0.0");
        Release release = releases.register(OPERATOR, app.id(), ReleaseTerms.of("3.1.0", "", "", ""),
                ReleaseSource.OPERATOR, NOW);
        assertThat(release.state()).isEqualTo(ReleaseState.REGISTERED);
        assertThatThrownBy(() -> releases.startTest(OPERATOR, release.id(), NOW))
                .isInstanceOf(ReleaseTransitionException.class).hasMessageContaining("no test server");

        Server test = testServer(database, fixtures.customer().id(), app.id());
        Server taken = testServer(database, fixtures.customer().id(), app.id());
        Release testing = releases.startTest(OPERATOR, release.id(), NOW.plusSeconds(5));
        assertThat(testing.state()).isEqualTo(ReleaseState.TESTING);
        String jobId = jobOf(releases.targets(release.id()), test);
        String takenJob = jobOf(releases.targets(release.id()), taken);
        // An agent already took the second server's job: it runs on.
        database.jdbi().useHandle(handle -> handle.createUpdate("update job set state = 'RUNNING' where id = :id")
                .bind("id", takenJob).execute());

        Release cancelled = releases.cancel(Actor.operator("ops2@provider.example"), release.id(), "wrong build",
                NOW.plusSeconds(10));
        assertThat(cancelled.state()).isEqualTo(ReleaseState.CANCELLED);
        assertThat(cancelled.haltReason()).isEqualTo("wrong build");
        assertThat(releases.targets(release.id())).filteredOn(t -> t.serverId() == test.id()).singleElement()
                .extracting(ReleaseTarget::state).isEqualTo(TargetState.SKIPPED);
        assertThat(releases.targets(release.id())).filteredOn(t -> t.serverId() == taken.id()).singleElement()
                .extracting(ReleaseTarget::state).isEqualTo(TargetState.QUEUED);
        assertThat(new JobRepository(database).find(jobId).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(new JobRepository(database).find(takenJob).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThatThrownBy(() -> releases.cancel(OPERATOR, release.id(), null, NOW))
                .isInstanceOf(ReleaseTransitionException.class).hasMessageContaining("CANCELLED");
        // A late outcome of the cancelled job changes nothing on the release.
        finish(database, releases.testStageListener(ReleaseRepository.DEFAULT_SOAK), jobId, JobState.SUCCEEDED, null,
                NOW.plusSeconds(20));
        assertThat(releases.find(release.id()).orElseThrow().state()).isEqualTo(ReleaseState.CANCELLED);
        assertThat(releases.targets(release.id())).filteredOn(t -> t.serverId() == test.id()).singleElement()
                .extracting(ReleaseTarget::state).isEqualTo(TargetState.SKIPPED);
        // The job that was already running reports: its target records the outcome.
        finish(database, releases.testStageListener(ReleaseRepository.DEFAULT_SOAK), takenJob, JobState.FAILED,
                "{\"error\":\"disk full\"}", NOW.plusSeconds(30));
        assertThat(releases.targets(release.id())).filteredOn(t -> t.serverId() == taken.id()).singleElement()
                .extracting(ReleaseTarget::state).isEqualTo(TargetState.FAILED);
        assertThat(releases.find(release.id()).orElseThrow().state()).isEqualTo(ReleaseState.CANCELLED);
    }

    @TestTemplate
    void feedUrl_setReadAndRefused(Database database) {
        var releases = new ReleaseRepository(database);
        Application app = application(database, VersionScheme.SEMVER, "1.0.0");
        assertThat(releases.feedUrl(app.id())).isEmpty();
        releases.setFeedUrl(OPERATOR, app.id(), "https://vendor.example/releases.json");
        assertThat(releases.feedUrl(app.id())).contains("https://vendor.example/releases.json");
        assertThat(releases.feeds()).containsEntry(app.id(), "https://vendor.example/releases.json");
        assertThatIllegalArgumentException().isThrownBy(() -> releases.setFeedUrl(OPERATOR, app.id(),
                "ftp://vendor.example/x")).withMessageContaining("http");
        assertThatThrownBy(() -> releases.setFeedUrl(OPERATOR, 999_999, null)).isInstanceOf(UnknownEntityException.class);
        releases.setFeedUrl(OPERATOR, app.id(), "");
        assertThat(releases.feeds()).doesNotContainKey(app.id());
    }
}
