package dev.steward.control.web.api;

import dev.steward.control.core.maintenance.WindowOccurrence;
import dev.steward.control.core.release.Release;
import dev.steward.control.core.release.TargetState;
import dev.steward.control.store.NoticeRecord;
import dev.steward.control.store.PlannedUpdate;
import dev.steward.control.store.ReleaseTarget;
import dev.steward.control.web.pipeline.ReleasePipeline;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the release endpoints ({@link ReleaseRoutes}); the OpenAPI document's
 * {@code Release*} schemas describe the same fields.
 *
 * <p>Thread safety: immutable records, stateless functions.
 */
final class ReleaseViews {

    private ReleaseViews() {
    }

    record ReleaseView(long id, long applicationId, String version, String previousVersion, String classification,
                       String announceAs, boolean notice, String changelog, String stepsBefore, String stepsAfter,
                       boolean security, List<String> cveIds, boolean immediate, String source, String state,
                       String registeredBy, Instant registeredAt, Instant testPassedAt, Instant soakUntil,
                       String approvedBy, Instant approvedAt, Instant plannedAt, Instant finishedAt, String haltReason,
                       long expectedSeconds, int waveSize, int failureBudget) {
        static ReleaseView of(Release r) {
            return new ReleaseView(r.id(), r.applicationId(), r.version(), r.previousVersion(),
                    ApiViews.lower(r.classification().change()), ApiViews.lower(r.classification().announceAs()),
                    r.needsNotice(), r.terms().changelog(), r.terms().stepsBefore(), r.terms().stepsAfter(),
                    r.terms().security(), r.terms().cveIds(), r.terms().immediate(), ApiViews.lower(r.source()),
                    ApiViews.lower(r.state()), r.registeredBy(), r.registeredAt(), r.testPassedAt(), r.soakUntil(),
                    r.approvedBy(), r.approvedAt(), r.plannedAt(), r.finishedAt(), r.haltReason(),
                    r.terms().expected().toSeconds(), r.terms().waveSize(), r.terms().failureBudget());
        }
    }

    record WindowView(String kind, Instant startsAt, Instant endsAt, String zone, String localStart) {
        static WindowView of(WindowOccurrence window) {
            return window == null ? null : new WindowView(ApiViews.lower(window.kind()), window.start().toInstant(),
                    window.end().toInstant(), window.start().getZone().getId(),
                    window.start().toLocalDateTime().toString());
        }

        static WindowView of(ReleaseTarget target) {
            return target.windowKind() == null ? null : new WindowView(ApiViews.lower(target.windowKind()),
                    target.startsAt(), target.endsAt(), target.zone(),
                    target.startsAt().atZone(java.time.ZoneId.of(target.zone())).toLocalDateTime().toString());
        }
    }

    record TargetView(long serverId, String serverName, long customerId, String stage, String state, WindowView window,
                      String jobId, String detail, Instant updatedAt) {
        static TargetView of(ReleaseTarget target) {
            return new TargetView(target.serverId(), target.serverName(), target.customerId(),
                    ApiViews.lower(target.stage()), ApiViews.lower(target.state()), WindowView.of(target), target.jobId(),
                    target.detail(), target.updatedAt());
        }
    }

    record NoticeView(long customerId, String customerName, String language, String recipients, String subject,
                      String state, String messageId, String error, Long occurrenceId, Instant attemptedAt,
                      Instant sentAt) {
        static NoticeView of(NoticeRecord notice) {
            return new NoticeView(notice.customerId(), notice.customerName(), notice.language(), notice.recipients(),
                    notice.subject(), notice.state().toLowerCase(java.util.Locale.ROOT), notice.messageId(),
                    notice.error(), notice.occurrenceId(), notice.attemptedAt(), notice.sentAt());
        }
    }

    /** A release with its targets grouped by state (every state present, possibly empty) and its notices. */
    record ReleaseDetailView(ReleaseView release, Map<String, List<TargetView>> targets, Map<String, Integer> counts,
                             List<NoticeView> notices) {
        static ReleaseDetailView of(Release release, List<ReleaseTarget> targets, List<NoticeRecord> notices) {
            Map<String, List<TargetView>> grouped = new LinkedHashMap<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (TargetState state : TargetState.values()) {
                List<TargetView> items = targets.stream().filter(t -> t.state() == state).map(TargetView::of).toList();
                grouped.put(ApiViews.lower(state), items);
                counts.put(ApiViews.lower(state), items.size());
            }
            return new ReleaseDetailView(ReleaseView.of(release), grouped, counts,
                    notices.stream().map(NoticeView::of).toList());
        }
    }

    record PlanRowView(long serverId, String serverName, long customerId, String state, boolean notice,
                       WindowView window, String detail) {
        static PlanRowView of(ReleasePipeline.PreviewRow row) {
            return new PlanRowView(row.serverId(), row.serverName(), row.customerId(),
                    row.state().toLowerCase(java.util.Locale.ROOT), row.notice(), WindowView.of(row.window()),
                    row.detail());
        }
    }

    record PlanView(long releaseId, boolean dryRun, Instant at, List<PlanRowView> items) {
    }

    record MaintenanceItemView(long releaseId, String application, String currentVersion, String targetVersion,
                               String announceAs, boolean security, String state, WindowView window) {
        static MaintenanceItemView of(PlannedUpdate update) {
            return new MaintenanceItemView(update.releaseId(), update.applicationName(), update.previousVersion(),
                    update.version(), update.announceAs().toLowerCase(java.util.Locale.ROOT), update.security(),
                    ApiViews.lower(update.target().state()), WindowView.of(update.target()));
        }
    }

    record FeedView(String applicationSlug, String feedUrl) {
    }

    // ---- requests

    record ReleaseBody(Long applicationId, String version, String changelog, String stepsBefore, String stepsAfter,
                       Boolean security, List<String> cveIds, Boolean immediate, Long expectedSeconds, Integer waveSize,
                       Integer failureBudget) {
    }

    record CancelBody(String reason) {
    }

    record FeedBody(String feedUrl) {
    }
}
