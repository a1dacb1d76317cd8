package dev.steward.control.core.maintenance;

import dev.steward.control.core.version.ChangeClass;
import dev.steward.control.core.version.Classification;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which application window an update goes into, given how it is announced (UPD-3, UPD-4, MAINT-3).
 *
 * <ul>
 *   <li>Announced as major or minor ({@link Classification#needsNotice()}): customers are mailed
 *       now, and the update goes into the first application window that starts at least
 *       {@link #NOTICE_PERIOD} (168 real hours) after the notices are sent. "Same time next week"
 *       is not enough across the March change: Monday 07:00 to Monday 07:00 is then 167 hours.</li>
 *   <li>Announced as patch: the next application window that starts at or after now, without a
 *       notice.</li>
 *   <li>{@code NONE} (no update, or a downgrade): no window.</li>
 * </ul>
 * Pre-release and 0.y.z minor updates are announced as major by
 * {@link dev.steward.control.core.version.ChangeClassifier#announce}, so they get the notice.
 *
 * <p>Thread safety: stateless, thread-safe.
 */
public final class NoticePolicy {

    /** MAINT-3: "at least one week ahead", in real hours. */
    public static final Duration NOTICE_PERIOD = Duration.ofHours(168);

    private NoticePolicy() {
    }

    /**
     * Where an update goes.
     *
     * @param classification the update's raw and announced class
     * @param noticeRequired true when customers are mailed at {@code noticesSentAt}
     * @param noticesSentAt the planning instant (when the notices go out, if any)
     * @param window the application window the update is installed in
     */
    public record Placement(Classification classification, boolean noticeRequired, Instant noticesSentAt, WindowOccurrence window) {
        /** All parts non-null. */
        public Placement {
            Objects.requireNonNull(classification, "classification");
            Objects.requireNonNull(noticesSentAt, "noticesSentAt");
            Objects.requireNonNull(window, "window");
        }
    }

    /**
     * @param classification from {@code ChangeClassifier.announce}
     * @param noticesSentAt now: when the notices are sent (for a patch simply the planning instant)
     * @param calendar the server's windows and blackout dates
     * @return the placement, or empty when the change is not an update
     */
    public static Optional<Placement> place(Classification classification, Instant noticesSentAt, WindowCalendar calendar) {
        Objects.requireNonNull(classification, "classification");
        if (classification.announceAs() == ChangeClass.NONE) {
            return Optional.empty();
        }
        boolean notice = classification.needsNotice();
        Instant notBefore = notice ? noticesSentAt.plus(NOTICE_PERIOD) : noticesSentAt;
        WindowOccurrence window = calendar.firstStartingAtOrAfter(WindowKind.APP, notBefore);
        return Optional.of(new Placement(classification, notice, noticesSentAt, window));
    }

    /** @return the latest instant notices may be sent for an update announced with notice into {@code window} */
    public static Instant noticeDeadline(WindowOccurrence window) {
        return window.start().toInstant().minus(NOTICE_PERIOD);
    }
}
