package dev.steward.control.web.pipeline;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.store.ApplicationRepository;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.MaintenanceSettingsRepository;
import dev.steward.control.store.ReleaseRepository;
import dev.steward.control.store.RolloutPlanRepository;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.store.ServerRepository;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.web.notify.MaintenanceNotice;
import dev.steward.control.web.notify.MaintenanceNoticeSender;
import dev.steward.control.web.notify.NoticeNotSentException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Repositories, a movable clock, a recording notice sender and fixtures for the pipeline tests. */
final class PipelineWorld {

    static final Actor OPERATOR = Actor.operator("ops@provider.example");
    private static final AtomicInteger SEQUENCE = new AtomicInteger(3000);

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        private volatile Instant now; // moved by the test

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Records every notice; refuses those for customers named in {@link #failFor}. */
    static final class RecordingSender implements MaintenanceNoticeSender {
        final List<MaintenanceNotice> attempts = new CopyOnWriteArrayList<>();
        final Set<Long> failFor = new java.util.concurrent.CopyOnWriteArraySet<>();

        @Override
        public Sent send(MaintenanceNotice notice) throws NoticeNotSentException {
            attempts.add(notice);
            if (failFor.contains(notice.customer().id())) {
                throw new NoticeNotSentException("relay refused: 550 5.1.1 mailbox unavailable");
            }
            return new Sent(notice.releaseId() + "." + notice.customer().id() + "@steward.test",
                    "Maintenance " + notice.applicationName() + " " + notice.targetVersion(), notice.customer().contacts());
        }

        List<MaintenanceNotice> to(long customerId) {
            return attempts.stream().filter(n -> n.customer().id() == customerId).toList();
        }
    }

    final Database database;
    final MovableClock clock;
    final RecordingSender sender = new RecordingSender();
    final CustomerRepository customers;
    final ApplicationRepository applications;
    final ServerRepository servers;
    final MaintenanceSettingsRepository settings;
    final ReleaseRepository releases;
    final RolloutPlanRepository plans;
    final ReleasePipeline pipeline;

    PipelineWorld(Database database, Instant start) {
        this.database = database;
        this.clock = new MovableClock(start);
        customers = new CustomerRepository(database);
        applications = new ApplicationRepository(database);
        servers = new ServerRepository(database);
        settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
        releases = new ReleaseRepository(database);
        plans = new RolloutPlanRepository(database, settings);
        pipeline = new ReleasePipeline(releases, plans, applications, customers, sender, clock, Duration.ofHours(24));
    }

    static int next() {
        return SEQUENCE.incrementAndGet();
    }

    Customer customer(Language language) {
        int n = next();
        return customers.create(OPERATOR, Customer.of("Customer " + n, List.of("it" + n + "@customer.example"),
                language));
    }

    Application application(String current) {
        int n = next();
        return applications.create(OPERATOR, new Application(0, "pipe" + n, "Pipe " + n, VersionScheme.SEMVER, current,
                Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
    }

    Server server(long customerId, long applicationId, String role) {
        int n = next();
        ServerName name = ServerName.parse(String.format("cln%04d-%s-app%03d.hosting.example", n, role, n % 1000));
        return servers.register(OPERATOR, new ServerRegistration(
                Server.register(name, customerId, applicationId, role + n + ".customer.example"),
                "10.30." + (n >> 8 & 255) + "." + (n & 255), "2001:db8:30::" + Integer.toHexString(n)));
    }

    /** Finishes a job as the job API would, then tells the test-stage listener in a transaction. */
    void finishJob(String jobId, String state, String result, Instant at) {
        database.jdbi().useTransaction(handle -> handle.createUpdate("""
                        update job set state = :state, finished_at = :at, result = :result where id = :id
                        """)
                .bind("state", state).bind("at", at).bind("result", result).bind("id", jobId).execute());
        var job = new dev.steward.control.store.JobRepository(database).find(jobId).orElseThrow();
        database.jdbi().useTransaction(handle -> pipeline.testStageListener().finished(handle, job));
    }
}
