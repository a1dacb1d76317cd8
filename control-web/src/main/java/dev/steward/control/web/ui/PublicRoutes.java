package dev.steward.control.web.ui;

import dev.steward.control.core.catalogue.Application;
import dev.steward.control.store.BenchmarkRepository;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.BenchmarkRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * What needs no login: the specifications page (SPEC-1: the general specifications and the table
 * per application and package; SPEC-2: the published benchmark figures per application and package,
 * aggregates only, see {@link BenchmarkViews}) and the UI's two static files, served from the classpath with
 * explicit routes (no directory serving, nothing from a CDN).
 *
 * <p>Thread safety: thread-safe; the static files are read once.
 */
public final class PublicRoutes {

    private final ApiDependencies deps;
    private final Ui ui;
    private final BenchmarkRepository benchmarks;
    private final byte[] stylesheet = resource("static/steward.css"); // immutable after construction
    private final byte[] script = resource("static/steward.js"); // immutable after construction

    private PublicRoutes(ApiDependencies deps, Ui ui) {
        this.deps = deps;
        this.ui = ui;
        this.benchmarks = new BenchmarkRepository(deps.database());
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps, Ui ui) {
        PublicRoutes handlers = new PublicRoutes(deps, ui);
        routes.get("/specifications", handlers::specifications);
        routes.get("/static/steward.css", ctx -> handlers.serve(ctx, handlers.stylesheet, "text/css; charset=utf-8"));
        routes.get("/static/steward.js", ctx -> handlers.serve(ctx, handlers.script,
                "text/javascript; charset=utf-8"));
    }

    private void specifications(Context ctx) {
        List<Application> applications = deps.applications().list().stream()
                .sorted(Comparator.comparing(Application::name, String.CASE_INSENSITIVE_ORDER)).toList();
        View view = ui.view(ctx);
        ui.render(ctx, view, "specifications.jte", "applications", applications, "benchmarks",
                BenchmarkViews.sections(view, BenchmarkRoutes.summary(deps, benchmarks)));
    }

    private void serve(Context ctx, byte[] content, String type) {
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(type).result(content);
    }

    private static byte[] resource(String name) {
        try (InputStream in = PublicRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }
}
