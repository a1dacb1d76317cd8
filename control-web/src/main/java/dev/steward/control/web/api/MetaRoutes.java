package dev.steward.control.web.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Public routes: {@code GET /healthz} (200 when the database answers; the schema was migrated when
 * it was opened, before the port opened) and {@code GET /api/v1/openapi.json}, the hand-written
 * OpenAPI 3.1 document shipped as the resource {@value #OPENAPI_RESOURCE}.
 *
 * <p>Thread safety: thread-safe (the document is read once).
 */
public final class MetaRoutes {

    /** Where the OpenAPI document is on the class path. */
    public static final String OPENAPI_RESOURCE = "/dev/steward/control/web/api/openapi.json";

    private final ApiDependencies deps;
    private final byte[] openApi;

    private MetaRoutes(ApiDependencies deps) {
        this.deps = deps;
        this.openApi = openApiDocument();
    }

    /** Adds the routes. */
    public static void register(RoutesConfig routes, ApiDependencies deps) {
        MetaRoutes handlers = new MetaRoutes(deps);
        routes.get("/healthz", handlers::health);
        routes.get("/api/v1/openapi.json", handlers::openApi);
    }

    private void health(Context ctx) {
        boolean healthy = deps.database().isHealthy();
        ctx.status(healthy ? 200 : 503).json(Map.of("status", healthy ? "ok" : "database_unavailable"));
    }

    private void openApi(Context ctx) {
        ctx.contentType("application/json").result(openApi);
    }

    /** The OpenAPI document's bytes. */
    public static byte[] openApiDocument() {
        try (InputStream in = MetaRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
