package dev.steward.control.web.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseState;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Release feeds served by the JDK's HTTP server on loopback: JSON, Atom, broken ones, and no repeats. */
@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class ReleaseFeedPollerIT {

    /** Path → (content type, body, status). */
    record Answer(int status, String type, String body) {
    }

    static HttpServer serve(Map<String, Answer> answers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Answer answer = answers.getOrDefault(exchange.getRequestURI().getPath(), new Answer(404, "text/plain", "no"));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.type());
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @TestTemplate
    void pollFeeds_registersTheNewestNewRelease_reportsBadFeeds_ignoresKnownOnes(Database database) throws IOException {
        PipelineWorld world = new PipelineWorld(database, Instant.parse("2026-03-20T10:00:00Z"));
        world.customer(Language.EN);
        Map<String, Answer> answers = new ConcurrentHashMap<>();
        answers.put("/json", new Answer(200, "application/json", """
                [{"version": "1.1.0", "changelog": "older"},
                 {"version": "1.2.0", "changelog": "Dashboards", "steps_before": "Back up", "steps_after": "Log in",
                  "security": true, "cve_ids": ["CVE-2026-1111"]},
                 {"version": "0.9.0"},
                 {"version": "not a version"}]
                """));
        answers.put("/atom", new Answer(200, "application/atom+xml", """
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom">
                  <title>Vendor releases</title>
                  <entry><title>5.0.1</title><content type="text">Fixes the export.</content></entry>
                  <entry><title>5.0.0</title><summary>Current one.</summary></entry>
                </feed>
                """));
        answers.put("/broken", new Answer(200, "application/json", "{\"version\": \"1.0\""));
        answers.put("/doctype", new Answer(200, "application/xml", """
                <?xml version="1.0"?>
                <!DOCTYPE feed [<!ENTITY x "boom">]>
                <feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>
                """));
        HttpServer server = serve(answers);
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Application jsonApp = world.application("1.0.0");
            Application atomApp = world.application("5.0.0");
            Application brokenApp = world.application("1.0.0");
            Application missingApp = world.application("1.0.0");
            Application doctypeApp = world.application("1.0.0");
            world.releases.setFeedUrl(PipelineWorld.OPERATOR, jsonApp.id(), base + "/json");
            world.releases.setFeedUrl(PipelineWorld.OPERATOR, atomApp.id(), base + "/atom");
            world.releases.setFeedUrl(PipelineWorld.OPERATOR, brokenApp.id(), base + "/broken");
            world.releases.setFeedUrl(PipelineWorld.OPERATOR, missingApp.id(), base + "/gone");
            world.releases.setFeedUrl(PipelineWorld.OPERATOR, doctypeApp.id(), base + "/doctype");
            ReleaseFeedPoller poller = new ReleaseFeedPoller(world.pipeline, world.applications);

            Map<Long, ReleaseFeedPoller.Outcome> outcomes = mine(poller.pollFeeds(),
                    List.of(jsonApp.id(), atomApp.id(), brokenApp.id(), missingApp.id(), doctypeApp.id()));
            assertThat(outcomes.get(jsonApp.id()).status()).isEqualTo(ReleaseFeedPoller.Status.REGISTERED);
            assertThat(outcomes.get(jsonApp.id()).version()).isEqualTo("1.2.0");
            assertThat(outcomes.get(jsonApp.id()).detail()).contains("1 older", "1 entries with an invalid version");
            assertThat(outcomes.get(atomApp.id()).version()).isEqualTo("5.0.1");
            assertThat(outcomes.get(brokenApp.id()).status()).isEqualTo(ReleaseFeedPoller.Status.FAILED);
            assertThat(outcomes.get(brokenApp.id()).detail()).contains("malformed JSON");
            assertThat(outcomes.get(missingApp.id()).detail()).isEqualTo("HTTP 404");
            assertThat(outcomes.get(doctypeApp.id()).status()).isEqualTo(ReleaseFeedPoller.Status.FAILED);
            assertThat(outcomes.get(doctypeApp.id()).detail()).containsIgnoringCase("DOCTYPE");

            Release fromJson = world.releases.list(jsonApp.id(), null, 10).getFirst();
            assertThat(fromJson.source()).isEqualTo(ReleaseSource.FEED);
            assertThat(fromJson.registeredBy()).isEqualTo("system:release-feed");
            assertThat(fromJson.terms().security()).isTrue();
            assertThat(fromJson.terms().cveIds()).containsExactly("CVE-2026-1111");
            assertThat(fromJson.terms().stepsBefore()).isEqualTo("Back up");
            assertThat(fromJson.state()).isEqualTo(ReleaseState.REGISTERED);
            Release fromAtom = world.releases.list(atomApp.id(), null, 10).getFirst();
            assertThat(fromAtom.terms().changelog()).isEqualTo("Fixes the export.");
            assertThat(fromAtom.previousVersion()).isEqualTo("5.0.0");

            // Polled again: known versions are ignored; the feed that was broken is fixed now.
            answers.put("/broken", new Answer(200, "application/json", "[{\"version\": \"1.0.1\"}]"));
            Map<Long, ReleaseFeedPoller.Outcome> again = mine(poller.pollFeeds(),
                    List.of(jsonApp.id(), atomApp.id(), brokenApp.id()));
            assertThat(again.get(jsonApp.id()).status()).isEqualTo(ReleaseFeedPoller.Status.NOTHING_NEW);
            assertThat(again.get(atomApp.id()).status()).isEqualTo(ReleaseFeedPoller.Status.NOTHING_NEW);
            assertThat(again.get(brokenApp.id()).status()).isEqualTo(ReleaseFeedPoller.Status.REGISTERED);
            assertThat(world.releases.list(jsonApp.id(), null, 10)).hasSize(1);
        } finally {
            server.stop(0);
        }
    }

    private static Map<Long, ReleaseFeedPoller.Outcome> mine(List<ReleaseFeedPoller.Outcome> outcomes, List<Long> ids) {
        return outcomes.stream().filter(o -> ids.contains(o.applicationId()))
                .collect(Collectors.toMap(ReleaseFeedPoller.Outcome::applicationId, Function.identity()));
    }
}
