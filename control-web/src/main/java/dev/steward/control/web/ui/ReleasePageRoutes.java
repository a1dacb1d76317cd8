package dev.steward.control.web.ui;

import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.core.release.TargetState;
import dev.steward.control.store.DuplicateNameException;
import dev.steward.control.store.ReleaseTarget;
import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.ApiException;
import dev.steward.control.web.auth.Principal;
import dev.steward.control.web.pipeline.ReleasePipeline;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operators' release pages (issue 7): the list of releases, the registration form, a release's
 * rollout progress (targets by state, notices with their failures, approve / cancel / start the
 * test stage) and the "next Monday" preview (what runs where, a dry run: nothing is changed). Every
 * route is operator-only: a customer gets 403, an anonymous reader the login form.
 *
 * <p>Thread safety: thread-safe (stateless handlers).
 */
public final class ReleasePageRoutes {

    private final ApiDependencies deps;
    private final Ui ui;

    private ReleasePageRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        ReleasePageRoutes handlers = new ReleasePageRoutes(deps, ui);
        routes.get("/operator/releases", handlers::list);
        routes.get("/operator/releases/new", handlers::newRelease);
        routes.post("/operator/releases", handlers::register);
        routes.get("/operator/releases/{id}", handlers::detail);
        routes.post("/operator/releases/{id}/{action}", handlers::act);
        routes.get("/operator/next-monday", handlers::nextMonday);
    }

    private ReleasePipeline pipeline() {
        return deps.pipeline();
    }

    private void list(Context ctx) {
        Access.operator(ctx);
        String stateText = ctx.queryParam("state");
        ReleaseState state = null;
        if (stateText != null && !stateText.isBlank() && !stateText.equals("all")) {
            try {
                state = ReleaseState.valueOf(stateText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw ApiException.invalid("state", "a release state or all");
            }
        }
        Map<Long, String> names = applicationNames();
        List<ReleasePageViews.ReleaseRow> rows = pipeline().releases().list(null, state, 200).stream()
                .map(release -> new ReleasePageViews.ReleaseRow(release,
                        names.getOrDefault(release.applicationId(), "#" + release.applicationId())))
                .toList();
        ui.render(ctx, "releases.jte", "rows", rows, "state", state == null ? "all" : ReleasePageViews.lower(state),
                "states", Arrays.stream(ReleaseState.values()).map(ReleasePageViews::lower).toList());
    }

    private Map<Long, String> applicationNames() {
        Map<Long, String> names = new HashMap<>();
        deps.applications().list().forEach(application -> names.put(application.id(), application.name()));
        return names;
    }

    private void newRelease(Context ctx) {
        Access.operator(ctx);
        showForm(ctx, "", 200);
    }

    private void showForm(Context ctx, String error, int status) {
        ctx.status(status);
        ui.render(ctx, "releaseNew.jte", "applications", deps.applications().list(), "error", error, "form",
                new OperatorPageRoutes.FormValues(ctx));
    }

    private void register(Context ctx) {
        Principal operator = Access.operator(ctx);
        Release release;
        try {
            long applicationId = number(ctx, "application");
            Application application = deps.applications().find(applicationId)
                    .orElseThrow(() -> new IllegalArgumentException("choose an existing application"));
            boolean security = checked(ctx, "security");
            String cves = text(ctx, "cve_ids");
            List<String> cveIds = cves.isBlank() ? List.of() : Arrays.stream(cves.split("[,\\s]+"))
                    .filter(id -> !id.isBlank()).toList();
            String minutes = text(ctx, "expected_minutes");
            String wave = text(ctx, "wave_size");
            String budget = text(ctx, "failure_budget");
            ReleaseTerms terms = new ReleaseTerms(required(ctx, "version"), text(ctx, "changelog"),
                    text(ctx, "steps_before"), text(ctx, "steps_after"), security, cveIds, checked(ctx, "immediate"),
                    minutes.isBlank() ? null : Duration.ofMinutes(parse(minutes, "expected_minutes")),
                    wave.isBlank() ? ReleaseTerms.DEFAULT_WAVE_SIZE : (int) parse(wave, "wave_size"),
                    budget.isBlank() ? ReleaseTerms.DEFAULT_FAILURE_BUDGET : (int) parse(budget, "failure_budget"));
            release = pipeline().register(operator.actor(), application.id(), terms, ReleaseSource.OPERATOR);
        } catch (IllegalArgumentException invalid) {
            showForm(ctx, invalid.getMessage(), 400);
            return;
        } catch (DuplicateNameException duplicate) {
            showForm(ctx, duplicate.getMessage(), 409);
            return;
        }
        ctx.redirect("/operator/releases/" + release.id(), HttpStatus.SEE_OTHER);
    }

    private void detail(Context ctx) {
        Access.operator(ctx);
        Release release = existing(ctx);
        List<ReleaseTarget> targets = pipeline().releases().targets(release.id());
        List<ReleasePageViews.TargetGroup> groups = new ArrayList<>();
        for (TargetState state : TargetState.values()) {
            List<ReleaseTarget> inState = targets.stream().filter(t -> t.state() == state).toList();
            if (!inState.isEmpty()) {
                groups.add(new ReleasePageViews.TargetGroup(ReleasePageViews.lower(state), inState));
            }
        }
        boolean dryRun = "1".equals(ctx.queryParam("dry_run"));
        String application = deps.applications().find(release.applicationId()).map(Application::name)
                .orElse("#" + release.applicationId());
        ui.render(ctx, "release.jte", "release", release, "application", application, "groups", groups,
                "total", targets.size(), "notices", pipeline().plans().notices(release.id()),
                "preview", dryRun ? pipeline().preview(release.id()) : List.<ReleasePipeline.PreviewRow>of(),
                "dryRun", dryRun);
    }

    private void act(Context ctx) {
        Principal operator = Access.operator(ctx);
        Release release = existing(ctx);
        switch (ctx.pathParam("action")) {
            case "approve" -> pipeline().approve(operator.actor(), release.id());
            case "cancel" -> pipeline().cancel(operator.actor(), release.id(), ctx.formParam("reason"));
            case "start-test" -> pipeline().startTest(operator.actor(), release.id());
            default -> throw ApiException.notFound("action", ctx.pathParam("action"));
        }
        ctx.redirect("/operator/releases/" + release.id(), HttpStatus.SEE_OTHER);
    }

    private void nextMonday(Context ctx) {
        Access.operator(ctx);
        String dateText = ctx.queryParam("date");
        LocalDate date = null;
        if (dateText != null && !dateText.isBlank()) {
            try {
                date = LocalDate.parse(dateText.strip());
            } catch (DateTimeParseException invalid) {
                throw ApiException.invalid("date", "a date like 2026-04-06");
            }
        }
        ReleasePipeline.NextWindows next = pipeline().nextWindows(date);
        ui.render(ctx, "nextMonday.jte", "next", next);
    }

    private Release existing(Context ctx) {
        long id = CustomerPageRoutes.id(ctx);
        return pipeline().releases().find(id).orElseThrow(() -> ApiException.notFound("release", id));
    }

    private static boolean checked(Context ctx, String field) {
        String value = ctx.formParam(field);
        return value != null && (value.equals("on") || value.equals("true") || value.equals("1"));
    }

    private static String text(Context ctx, String field) {
        String value = ctx.formParam(field);
        return value == null ? "" : value.strip();
    }

    private static String required(Context ctx, String field) {
        String value = text(ctx, field);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    private static long number(Context ctx, String field) {
        return parse(required(ctx, field), field);
    }

    private static long parse(String text, String field) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException invalid) {
            throw new IllegalArgumentException(field + " must be a whole number");
        }
    }
}
