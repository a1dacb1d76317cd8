package dev.steward.control.web;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.core.fleet.ServerRole;
import dev.steward.control.core.maintenance.MaintenanceSchedule;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.store.ApplicationRepository;
import dev.steward.control.store.CustomerRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.MaintenanceSettingsRepository;
import dev.steward.control.store.RolloutPlanRepository;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.store.ServerRepository;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.notify.MaintenanceNotice;
import dev.steward.control.web.notify.MaintenanceNoticeMessage;
import dev.steward.control.web.notify.SmtpMaintenanceNoticeSender;
import dev.steward.control.web.notify.SmtpSubmission;
import dev.steward.control.web.pipeline.ReleasePipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The maintenance benchmark ({@code bench/plan-bench}, issue 7), not part of the product CLI:
 * {@code java -cp ... dev.steward.control.web.PlanBench DB SERVERS CUSTOMERS [SMTP_HOST:PORT]} where
 * DB is an empty directory (embedded H2) or a {@code jdbc:postgresql://} URL (user postgres).
 *
 * <p>Seeds one application at 1.0.0, CUSTOMERS customers (every other one Dutch) and SERVERS
 * production servers spread over them (not measured). Registers release 1.1.0 (minor: the notice
 * and the 168-hour rule apply) and approves it (no test server: the operator's approval stands in
 * for the test stage), then measures, each once after a warm-up on a second release:
 * <ol>
 *   <li><b>plan</b>: {@link RolloutPlanRepository#createPlan} — read the fleet, the customers'
 *       schedules and blackouts, place every server (168-hour rule), materialise the windows,
 *       write a target per server;</li>
 *   <li><b>render</b>: one notice per customer rendered to its MIME message (text in the customer's
 *       language and zone, the .ics), as the sender would, without sending;</li>
 *   <li><b>send</b> (with SMTP_HOST:PORT, e.g. Postfix's smtp-sink): the pipeline's whole planning
 *       step — claim, send through the relay, record — for every customer.</li>
 * </ol>
 * Prints one {@code name=value} line per figure.
 */
public final class PlanBench {

    private static final Actor ACTOR = Actor.operator("bench@provider.example");
    private static final String DOMAIN = "bench.example";

    private PlanBench() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: PlanBench DB_DIR|JDBC_URL SERVERS CUSTOMERS [SMTP_HOST:PORT]");
            System.exit(64);
        }
        int servers = Integer.parseInt(args[1]);
        int customerCount = Integer.parseInt(args[2]);
        // Planning on Tuesday 2026-03-24: across the March change, the 168-hour rule matters.
        Clock clock = Clock.fixed(Instant.parse("2026-03-24T10:00:00Z"), ZoneOffset.UTC);
        try (Database database = args[0].startsWith("jdbc:")
                ? Database.postgres(args[0], "postgres", null, 4, clock)
                : Database.embedded(Path.of(args[0]), 4, clock)) {
            long start = System.nanoTime();
            ApplicationRepository applications = new ApplicationRepository(database);
            Application app = applications.create(ACTOR, new Application(0, "wiki", "Wiki", VersionScheme.SEMVER, "1.0.0",
                    Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                            Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
            CustomerRepository customers = new CustomerRepository(database);
            List<Long> customerIds = new ArrayList<>();
            for (int c = 1; c <= customerCount; c++) {
                customerIds.add(customers.create(ACTOR, Customer.of("Bench customer " + c,
                        List.of("it@customer" + c + ".example"), c % 2 == 0 ? Language.NL : Language.EN)).id());
            }
            List<ServerRegistration> registrations = new ArrayList<>(servers);
            Map<Integer, Integer> perCustomer = new HashMap<>();
            for (int i = 0; i < servers; i++) {
                int customer = i % customerCount;
                int number = perCustomer.merge(customer, 1, Integer::sum);
                ServerName name = new ServerName(customer + 1, ServerRole.PRODUCTION, number, DOMAIN);
                registrations.add(new ServerRegistration(Server.register(name, customerIds.get(customer), app.id(),
                        "app" + number + ".customer" + (customer + 1) + ".example"),
                        "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255),
                        "2001:db8::" + Integer.toHexString(i + 1)));
            }
            new ServerRepository(database).registerAll(ACTOR, registrations);
            System.out.printf("seed_s=%.2f servers=%d customers=%d%n", (System.nanoTime() - start) / 1e9, servers,
                    customerCount);

            MaintenanceSettingsRepository settings = new MaintenanceSettingsRepository(database, MaintenanceSchedule.DEFAULT);
            RolloutPlanRepository plans = new RolloutPlanRepository(database, settings);
            SmtpSubmission smtp = args.length == 4 ? smtp(args[3]) : null;
            ReleasePipeline pipeline = ApiDependencies.pipeline(database, customers, settings,
                    new SmtpMaintenanceNoticeSender(smtp, "steward@" + DOMAIN, DOMAIN, clock), clock, Duration.ZERO);

            // Warm-up: the same work on a release of a second application with 200 servers.
            warmUp(database, pipeline, plans, customers, customerIds, clock);

            Release release = pipeline.register(ACTOR, app.id(), ReleaseTerms.of("1.1.0", "New reports and a faster"
                    + " editor.", "Export your custom reports.", "Check your dashboards."), ReleaseSource.OPERATOR);
            pipeline.releases().approve(ACTOR, release.id(), clock.instant());
            start = System.nanoTime();
            plans.createPlan(ACTOR, release.id(), clock.instant());
            System.out.printf("plan_s=%.3f targets=%d%n", (System.nanoTime() - start) / 1e9,
                    pipeline.releases().targets(release.id()).size());

            Release approved = pipeline.releases().find(release.id()).orElseThrow();
            List<RolloutPlanRepository.NoticeDue> due = plans.noticesDue(release.id());
            start = System.nanoTime();
            long bytes = render(due, approved, app, customers);
            System.out.printf("render_s=%.3f notices=%d mime_bytes=%d%n", (System.nanoTime() - start) / 1e9,
                    due.size(), bytes);

            if (smtp != null) {
                start = System.nanoTime();
                ReleasePipeline.Plan plan = pipeline.plan(release.id());
                System.out.printf("send_s=%.3f sent=%d failed=%d%n", (System.nanoTime() - start) / 1e9,
                        plan.noticesSent(), plan.noticesFailed());
            }
        }
    }

    private static long render(List<RolloutPlanRepository.NoticeDue> due, Release release, Application app,
                               CustomerRepository customers) {
        Map<Long, Customer> byId = new HashMap<>();
        customers.list().forEach(customer -> byId.put(customer.id(), customer));
        long bytes = 0;
        for (RolloutPlanRepository.NoticeDue notice : due) {
            Customer customer = byId.get(notice.customerId());
            MaintenanceNotice content = new MaintenanceNotice(release.id(), customer, app.name(),
                    release.previousVersion(), release.version(), release.classification().announceAs(), false,
                    List.of(), notice.window(), release.terms().changelog(), release.terms().stepsBefore(),
                    release.terms().stepsAfter(), notice.appHosts());
            MaintenanceNoticeMessage message = MaintenanceNoticeMessage.render(content, DOMAIN, Instant.now());
            String mime = message.mime("Steward <steward@" + DOMAIN + ">", customer.contacts(),
                    Instant.now().atZone(ZoneOffset.UTC), "bench-" + notice.customerId() + "@" + DOMAIN);
            bytes += mime.getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    private static void warmUp(Database database, ReleasePipeline pipeline, RolloutPlanRepository plans,
                               CustomerRepository customers, List<Long> customerIds, Clock clock) {
        Application warm = new ApplicationRepository(database).create(ACTOR, new Application(0, "warmup", "Warm-up",
                VersionScheme.SEMVER, "1.0.0", Map.of(Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
        List<ServerRegistration> registrations = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ServerName name = new ServerName(i + 1, ServerRole.PRODUCTION, 900 + i % 99, DOMAIN);
            registrations.add(new ServerRegistration(Server.register(name, customerIds.get(i % customerIds.size()),
                    warm.id(), "warm" + i + ".example"), "172.16." + (i >> 8 & 255) + "." + (i & 255),
                    "2001:db8:ffff::" + Integer.toHexString(i + 1)));
        }
        new ServerRepository(database).registerAll(ACTOR, registrations);
        Release release = pipeline.register(ACTOR, warm.id(), ReleaseTerms.of("1.1.0", "Warm-up.", "", ""),
                ReleaseSource.OPERATOR);
        pipeline.releases().approve(ACTOR, release.id(), clock.instant());
        plans.createPlan(ACTOR, release.id(), clock.instant());
        render(plans.noticesDue(release.id()), pipeline.releases().find(release.id()).orElseThrow(), warm, customers);
    }

    private static SmtpSubmission smtp(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return SmtpSubmission.to(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), DOMAIN);
    }
}
