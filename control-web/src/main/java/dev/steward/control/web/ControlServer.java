package dev.steward.control.web;

import dev.steward.control.web.api.Access;
import dev.steward.control.web.api.AdminRoutes;
import dev.steward.control.web.api.AgentApiSettings;
import dev.steward.control.web.api.BenchmarkRoutes;
import dev.steward.control.web.api.AgentRoutes;
import dev.steward.control.web.api.ApiDependencies;
import dev.steward.control.web.api.CalendarRoutes;
import dev.steward.control.web.api.CatalogueRoutes;
import dev.steward.control.web.api.CustomerRoutes;
import dev.steward.control.web.api.ErrorMapper;
import dev.steward.control.web.api.Json;
import dev.steward.control.web.api.MetaRoutes;
import dev.steward.control.web.api.PackageChangeRoutes;
import dev.steward.control.web.api.ServerJobRoutes;
import dev.steward.control.web.api.ReleaseRoutes;
import dev.steward.control.web.api.ServerRoutes;
import dev.steward.control.web.api.SessionRoutes;
import dev.steward.control.web.auth.Principal;
import dev.steward.control.web.ui.CustomerPageRoutes;
import dev.steward.control.web.ui.LoginRoutes;
import dev.steward.control.web.ui.CustomerAdminPageRoutes;
import dev.steward.control.web.ui.MaintenancePageRoutes;
import dev.steward.control.web.ui.OperatorPageRoutes;
import dev.steward.control.web.ui.PublicRoutes;
import dev.steward.control.web.ui.ServerHistoryPageRoutes;
import dev.steward.control.web.ui.ReleasePageRoutes;
import dev.steward.control.web.ui.Ui;
import dev.steward.control.web.ui.UiSettings;
import io.javalin.Javalin;
import io.javalin.http.NotFoundResponse;
import io.javalin.json.JavalinJackson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's HTTP server: one Javalin app wired in one config lambda (no annotations, no
 * scanning), the JSON API under {@code /api/v1} and the server-rendered UI everywhere else, the
 * before-handlers that resolve the principal, the one exception mapper, and one access log line per
 * request ({@code method path status ms user request_id}).
 *
 * <p><b>Lifecycle.</b> {@link #start} once, then {@link #close}; the port is bound in start.
 *
 * <p>Thread safety: one-thread-at-a-time for start/close; requests run on Jetty's threads.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final Logger access = LoggerFactory.getLogger("dev.steward.control.web.access");

    /**
     * One registered route.
     *
     * @param method the HTTP method, uppercase
     * @param path the path template, e.g. {@code /api/v1/servers/{id}}
     */
    public record Route(String method, String path) {
    }

    private final Javalin app;
    private final AgentRoutes agentRoutes; // closed before the app stops: ends waiting long polls
    private final List<Route> routes = Collections.synchronizedList(new ArrayList<>()); // filled while configuring
    private boolean started; // start() called

    /** Wires the app with the UI's defaults (the system resolver); nothing listens until {@link #start}. */
    public ControlServer(ApiDependencies deps) {
        this(deps, UiSettings.defaults());
    }

    /** Wires the app with the agent API's defaults (no job outcome listener); nothing listens until {@link #start}. */
    public ControlServer(ApiDependencies deps, UiSettings uiSettings) {
        this(deps, uiSettings, AgentApiSettings.defaults());
    }

    /**
     * Wires the app; nothing listens until {@link #start}.
     *
     * @param agentSettings the agent job API's lease, long-poll bounds, clock and the
     *     {@link dev.steward.control.store.JobOutcomeListener} told of every finished job
     */
    public ControlServer(ApiDependencies deps, UiSettings uiSettings, AgentApiSettings agentSettings) {
        Ui ui = new Ui(deps.customers());
        AgentRoutes[] agent = new AgentRoutes[1];
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.http.maxRequestSize = 1_000_000;
            config.startup.showJavalinBanner = false;
            // Every agent keeps a connection open (a heartbeat every 30 s and a long poll); Jetty's
            // per-connection cache of parsed header fields costs memory on each of those thousands
            // of mostly idle connections and saves little (docs/benchmarks-fleet.md).
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            config.events.handlerAdded(info -> {
                if (info.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(info.getHttpMethod().name().toUpperCase(Locale.ROOT), info.getPath()));
                }
            });
            config.requestLogger.http((ctx, ms) -> access.info("method={} path={} status={} ms={} user={} request_id={}",
                    ctx.method().name(), ctx.path(), ctx.statusCode(), Math.round(ms),
                    Access.principal(ctx).map(Principal::actor)
                            .or(() -> AgentRoutes.agent(ctx).map(a -> a.actor())).map(Object::toString).orElse("-"),
                    ctx.<String>attribute("steward.request_id")));
            config.routes.before(ctx -> {
                ctx.attribute("steward.request_id", UUID.randomUUID().toString());
                ctx.header("X-Content-Type-Options", "nosniff");
            });
            config.routes.before("/api/v1/*", deps.access()::resolve);
            config.routes.before(ctx -> {
                if (!isApi(ctx.path())) {
                    // The UI: errors become HTML pages; the login form guards itself (double submit).
                    ctx.attribute(ErrorMapper.UI_ATTRIBUTE, ui);
                    if (!(ctx.path().equals("/login") && ctx.method().name().equals("POST"))) {
                        deps.access().resolve(ctx);
                    }
                }
            });
            config.routes.exception(Exception.class, ErrorMapper::handle);
            // A path no route matches: the same answer as any 404 (JSON for the API, a page for the UI).
            config.routes.error(404, "*", ctx -> {
                if (ctx.attribute(ErrorMapper.HANDLED) == null) {
                    if (!isApi(ctx.path())) {
                        ctx.attribute(ErrorMapper.UI_ATTRIBUTE, ui);
                    }
                    ErrorMapper.handle(new NotFoundResponse("no such page: " + ctx.path()), ctx);
                }
            });
            MetaRoutes.register(config.routes, deps);
            SessionRoutes.register(config.routes, deps);
            CustomerRoutes.register(config.routes, deps);
            CalendarRoutes.register(config.routes, deps);
            CatalogueRoutes.register(config.routes, deps);
            ServerRoutes.register(config.routes, deps);
            PackageChangeRoutes.register(config.routes, deps);
            AdminRoutes.register(config.routes, deps);
            agent[0] = AgentRoutes.register(config.routes, deps, agentSettings);
            ReleaseRoutes.register(config.routes, deps);
            LoginRoutes.register(config.routes, deps, ui);
            PublicRoutes.register(config.routes, deps, ui);
            CustomerPageRoutes.register(config.routes, deps, ui, uiSettings);
            MaintenancePageRoutes.register(config.routes, deps, ui);
            OperatorPageRoutes.register(config.routes, deps, ui);
            CustomerAdminPageRoutes.register(config.routes, deps, ui);
            ServerJobRoutes.register(config.routes, deps);
            BenchmarkRoutes.register(config.routes, deps);
            ServerHistoryPageRoutes.register(config.routes, deps, ui);
            ReleasePageRoutes.register(config.routes, deps, ui);
        });
        this.agentRoutes = agent[0];
    }

    /** Whether {@code path} belongs to the JSON API (or the health check) rather than the UI. */
    public static boolean isApi(String path) {
        return path.startsWith("/api/") || path.equals("/healthz");
    }

    /**
     * Binds and starts serving.
     *
     * @param host the address to bind
     * @param port the port; 0 for any free one (see {@link #port()})
     */
    public ControlServer start(String host, int port) {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        app.start(host, port);
        log.info("control_listening host={} port={} routes={}", host, app.port(), routes.size());
        return this;
    }

    /** The bound port. */
    public int port() {
        return app.port();
    }

    /** Every registered route (method and path template), for the OpenAPI check. */
    public List<Route> routes() {
        synchronized (routes) {
            return List.copyOf(routes);
        }
    }

    /** Stops accepting and finishes in-flight requests (Jetty's graceful stop). */
    @Override
    public void close() {
        agentRoutes.close();
        app.stop();
    }

}
