package dev.voxpipe.ingest.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static files in this jar ({@code console/}), served at {@code /console/} with
 * {@code /} redirecting there. The page talks to {@code /v1} with the key the user pastes; a
 * content security policy allows nothing from elsewhere.
 */
final class ConsoleRoutes {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:;"
            + " media-src 'self' blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private ConsoleRoutes() {}

    static void mount(Router router, ApiDocs docs) {
        StaticHandler files = StaticHandler.create("console").setCachingEnabled(false).setDirectoryListing(false)
                .setIndexPage("index.html");
        router.route("/console/*").handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", POLICY).putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            ctx.next();
        }).handler(files);
        docs.op(HttpMethod.GET, "/", "The web console (static files served from the jar; redirects to /console/)").tag("console").open()
                .responds(302, "To /console/").handle(ctx -> ctx.response().setStatusCode(302).putHeader("Location", "/console/").end());
    }
}
