package dev.steward.control.web.ui;

import dev.steward.control.core.Customer;
import dev.steward.control.core.bench.BenchProfile;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.store.BenchmarkRepository;
import dev.steward.control.store.JobResultSummary;
import dev.steward.control.store.ServerHistoryRepository;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ApiException;
import dev.steward.control.web.api.BenchmarkRoutes;
import dev.steward.control.web.api.CalendarRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The operators' "server history" page ({@code /operator/servers/{id}/history}): the server's jobs
 * (kind, window, state, started and finished, and the result in words: packages upgraded, reboot,
 * downtime, rollback, error) and its part in application releases. Operator only: a customer gets
 * 403, an anonymous reader the login form. Times are in the provider's zone (Europe/Brussels).
 * The page also has the form that queues a benchmark of the server
 * ({@code POST /operator/servers/{id}/benchmarks}, profile full or quick; SPEC-2).
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class ServerHistoryPageRoutes {

    private static final int ROWS = 200;
    private static final ZoneId PROVIDER_ZONE = Customer.DEFAULT_ZONE;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final ApiDependencies deps;
    private final Ui ui;
    private final ServerHistoryRepository history;
    private final BenchmarkRepository benchmarks;

    private ServerHistoryPageRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
        this.history = new ServerHistoryRepository(deps.database());
        this.benchmarks = new BenchmarkRepository(deps.database());
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        ServerHistoryPageRoutes handlers = new ServerHistoryPageRoutes(deps, ui);
        routes.get("/operator/servers/{id}/history", handlers::page);
        routes.post("/operator/servers/{id}/benchmarks", handlers::requestBenchmark);
    }

    /**
     * One job as the page shows it.
     *
     * @param id the job id
     * @param kind the kind's message key suffix ({@code os_update}, …)
     * @param window the window's kind and start, or the empty string
     * @param state the state's message key suffix
     * @param started when it started, or the empty string
     * @param finished when it finished, or the empty string
     * @param result the result in words, in the page's language
     */
    public record JobRow(String id, String kind, String window, String state, String started, String finished,
                         String result) {
    }

    /**
     * The server's part in one release.
     *
     * @param release application and versions
     * @param stage {@code test} or {@code production}
     * @param state the target state's message key suffix
     * @param window the planned window's start, or the empty string
     * @param detail why, or the empty string
     */
    public record TargetRow(String release, String stage, String state, String window, String detail) {
    }

    private void page(Context ctx) {
        Access.operator(ctx);
        long id = CustomerPageRoutes.id(ctx);
        Server server = deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        View view = ui.view(ctx);
        List<JobRow> jobs = new ArrayList<>();
        for (ServerHistoryRepository.JobEntry entry : history.jobs(id, ROWS)) {
            String window = entry.windowKind() == null ? ""
                    : view.t("history.window." + entry.windowKind().toLowerCase(Locale.ROOT)) + " " + time(entry.windowStart());
            jobs.add(new JobRow(entry.job().id(), entry.job().kind().name().toLowerCase(Locale.ROOT), window,
                    entry.job().state().name().toLowerCase(Locale.ROOT), time(entry.job().startedAt()),
                    time(entry.job().finishedAt()), resultText(view, entry.summary())));
        }
        List<TargetRow> targets = history.targets(id, ROWS).stream().map(target -> new TargetRow(
                target.application() + " " + (target.previousVersion() == null ? "" : target.previousVersion() + " → ")
                        + target.version(),
                target.stage().toLowerCase(Locale.ROOT), target.state().toLowerCase(Locale.ROOT),
                time(target.windowStart()), target.detail() == null ? "" : target.detail())).toList();
        String benchmark = ctx.queryParam("benchmark");
        ui.render(ctx, view, "serverHistory.jte", "server", server, "jobs", jobs, "targets", targets,
                "zone", PROVIDER_ZONE.getId(), "benchmarkJob", benchmark == null ? "" : benchmark);
    }

    /** Queues a benchmark (profile {@code full} or {@code quick}) and shows the history with it. */
    private void requestBenchmark(Context ctx) {
        var operator = Access.operator(ctx);
        long id = CustomerPageRoutes.id(ctx);
        deps.servers().find(id).orElseThrow(() -> ApiException.notFound("server", id));
        BenchProfile profile;
        try {
            profile = BenchProfile.fromCode(ctx.formParam("profile"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("profile", "must be full or quick");
        }
        String job = BenchmarkRoutes.request(deps, benchmarks, operator, id, profile, CalendarRoutes.baseUrl(ctx));
        ctx.redirect("/operator/servers/" + id + "/history?benchmark=" + job, HttpStatus.SEE_OTHER);
    }

    /** The result in words: "3 packages upgraded, rebooted, 47 s downtime"; "rolled back: …". */
    static String resultText(View view, JobResultSummary summary) {
        List<String> parts = new ArrayList<>();
        if (summary.packages() != null) {
            parts.add(view.t("history.packages", summary.packages()));
        }
        if (summary.reboot() != null) {
            parts.add(view.t(summary.reboot() ? "history.reboot" : "history.no_reboot"));
        }
        if (summary.downtimeSeconds() != null) {
            parts.add(view.t("history.downtime", summary.downtimeSeconds()));
        }
        if (summary.rolledBack() != null) {
            parts.add(view.t(summary.rolledBack() ? "history.rolled_back" : "history.not_rolled_back"));
        }
        if (summary.error() != null) {
            parts.add(summary.error());
        }
        if (summary.reason() != null) {
            parts.add(summary.reason());
        }
        return String.join(", ", parts);
    }

    private static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant.atZone(PROVIDER_ZONE));
    }
}
