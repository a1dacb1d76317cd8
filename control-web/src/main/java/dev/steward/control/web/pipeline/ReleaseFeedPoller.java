package dev.steward.control.web.pipeline;

import dev.steward.control.core.Actor;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.ReleaseSource;
import dev.steward.control.core.release.ReleaseTerms;
import dev.steward.control.core.version.Precedence;
import dev.steward.control.core.version.Version;
import dev.steward.control.store.ApplicationRepository;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the applications' release feeds (format: {@link ReleaseFeed}) and registers what is new.
 *
 * <p><b>Strategy.</b> {@link #pollFeeds} fetches every feed in turn (HTTP GET, connect timeout
 * {@link #CONNECT_TIMEOUT}, whole-request timeout {@link #REQUEST_TIMEOUT}, body at most
 * {@link #MAX_BODY} bytes, redirects followed within the same scheme). Of the entries whose version
 * parses under the application's scheme and is newer than both the catalogue's current version and
 * every known release of the application, the <em>newest</em> is registered with source FEED (a feed that lists several new
 * versions yields one release: the rollout installs the newest; the others are logged). Entries
 * that do not parse are skipped and counted.
 *
 * <p><b>Failure handling.</b> A feed that cannot be fetched or read, or whose release is refused, is
 * logged (WARN) and reported in its {@link Outcome}; the other feeds are still polled.
 *
 * <p>Thread safety: thread-safe (the HTTP client is); two instances polling at once both try to
 * register the same release and the store refuses the second as a duplicate (reported, harmless).
 */
public final class ReleaseFeedPoller {

    /** Connecting to a feed's server gives up after this. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A feed request gives up after this, body included. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** A feed body larger than this is refused. */
    public static final int MAX_BODY = 2 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ReleaseFeedPoller.class);
    private static final Actor FEED = Actor.system("release-feed");

    /** What one poll of one feed did. */
    public enum Status {
        /** A new release was registered. */
        REGISTERED,
        /** Nothing newer than the current version and the known releases. */
        NOTHING_NEW,
        /** The feed could not be fetched or read, or its release was refused. */
        FAILED
    }

    /**
     * One feed's outcome.
     *
     * @param applicationId the application
     * @param url the feed
     * @param status what happened
     * @param version the version registered, or null
     * @param detail the failure or the skipped entries, or null
     */
    public record Outcome(long applicationId, String url, Status status, String version, String detail) {
    }

    private final ReleasePipeline pipeline;
    private final ApplicationRepository applications;
    private final HttpClient http;

    /** With a JDK HTTP client using {@link #CONNECT_TIMEOUT}. */
    public ReleaseFeedPoller(ReleasePipeline pipeline, ApplicationRepository applications) {
        this(pipeline, applications, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    /** With the given client (which should have a connect timeout). */
    public ReleaseFeedPoller(ReleasePipeline pipeline, ApplicationRepository applications, HttpClient http) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.applications = Objects.requireNonNull(applications, "applications");
        this.http = Objects.requireNonNull(http, "http");
    }

    /** Polls every feed once; see the class comment. Called periodically by the scheduler. */
    public List<Outcome> pollFeeds() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<Long, String> feed : pipeline.releases().feeds().entrySet()) {
            Outcome outcome;
            try {
                outcome = poll(feed.getKey(), feed.getValue());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException failure) {
                String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
                outcome = new Outcome(feed.getKey(), feed.getValue(), Status.FAILED, null, reason);
            }
            if (outcome.status() == Status.FAILED) {
                log.warn("release_feed application_id={} url=\"{}\" status=failed reason=\"{}\"", outcome.applicationId(),
                        outcome.url(), outcome.detail());
            } else {
                log.info("release_feed application_id={} url=\"{}\" status={} version={} detail=\"{}\"",
                        outcome.applicationId(), outcome.url(), outcome.status().name().toLowerCase(java.util.Locale.ROOT),
                        outcome.version(), outcome.detail());
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private Outcome poll(long applicationId, String url) throws IOException, InterruptedException {
        Optional<Application> found = applications.find(applicationId);
        if (found.isEmpty()) {
            return new Outcome(applicationId, url, Status.FAILED, null, "no such application");
        }
        Application application = found.get();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/atom+xml;q=0.9, application/xml;q=0.5")
                .header("User-Agent", "Steward release-feed poller").GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (response.statusCode() != 200) {
            return new Outcome(applicationId, url, Status.FAILED, null, "HTTP " + response.statusCode());
        }
        if (body.length > MAX_BODY) {
            return new Outcome(applicationId, url, Status.FAILED, null, "feed larger than " + MAX_BODY + " bytes");
        }
        List<ReleaseFeed.Entry> entries = ReleaseFeed.parse(response.headers().firstValue("Content-Type").orElse(null),
                body);
        Set<String> known = pipeline.releases().versions(applicationId);
        // The floor: the current version or the newest known release, whichever is higher, so that
        // versions older than a registered one are not picked up on the next poll.
        Version floor = application.currentVersion() == null ? null
                : Version.parse(application.versionScheme(), application.currentVersion());
        for (String text : known) {
            try {
                Version version = Version.parse(application.versionScheme(), text);
                if (floor == null || Precedence.compare(version, floor) > 0) {
                    floor = version;
                }
            } catch (IllegalArgumentException unparsable) {
                // A stored release always parsed under the scheme; a changed scheme makes it irrelevant here.
            }
        }
        ReleaseFeed.Entry newest = null;
        Version newestVersion = null;
        int invalid = 0;
        int newer = 0;
        for (ReleaseFeed.Entry entry : entries) {
            Version version;
            try {
                version = Version.parse(application.versionScheme(), entry.version());
            } catch (IllegalArgumentException notAVersion) {
                invalid++;
                continue;
            }
            if (known.contains(entry.version()) || (floor != null && Precedence.compare(version, floor) <= 0)) {
                continue;
            }
            newer++;
            if (newestVersion == null || Precedence.compare(version, newestVersion) > 0) {
                newest = entry;
                newestVersion = version;
            }
        }
        String skipped = invalid == 0 ? null : invalid + " entries with an invalid version skipped";
        if (newest == null) {
            return new Outcome(applicationId, url, Status.NOTHING_NEW, null, skipped);
        }
        ReleaseTerms terms = new ReleaseTerms(newest.version(), newest.changelog(), newest.stepsBefore(),
                newest.stepsAfter(), newest.security(), newest.cveIds(), false, null, ReleaseTerms.DEFAULT_WAVE_SIZE,
                ReleaseTerms.DEFAULT_FAILURE_BUDGET);
        Release release = pipeline.register(FEED, applicationId, terms, ReleaseSource.FEED);
        String detail = newer > 1 ? (newer - 1) + " older new versions not registered (the newest is)" : null;
        if (skipped != null) {
            detail = detail == null ? skipped : detail + "; " + skipped;
        }
        return new Outcome(applicationId, url, Status.REGISTERED, release.version(), detail);
    }
}
