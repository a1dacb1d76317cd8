package dev.steward.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Actor;
import dev.steward.control.store.Account;
import dev.steward.control.store.AccountRepository;
import dev.steward.control.store.Database;
import dev.steward.control.store.LoginAttemptRepository;
import dev.steward.control.store.SessionRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pruner deletes expired sessions and old login attempts and keeps the rest; a second pruner
 * on the same database (a second instance) finds nothing left and fails nothing. An embedded
 * database with a movable clock, so time passes without waiting.
 */
@Timeout(60)
class PrunerIT {

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2030-01-06T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void deletesExpiredSessionsAndOldAttempts_keepsLiveOnes(@TempDir Path dir) {
        MovableClock clock = new MovableClock();
        try (Database database = Database.embedded(dir, 2, clock)) {
            Account account = new AccountRepository(database).create(Actor.system("test"), "pruned@provider.example",
                    Account.Role.OPERATOR, null, "x");
            SessionRepository sessions = new SessionRepository(database);
            sessions.create(Actor.system("test"), account.id(), "short-lived-session", Duration.ofMinutes(5));
            sessions.create(Actor.system("test"), account.id(), "live-session", Duration.ofHours(12));
            LoginAttemptRepository attempts = new LoginAttemptRepository(database);
            attempts.record("someone@provider.example", "192.0.2.7", false);
            Pruner pruner = new Pruner(database, Duration.ofDays(1), clock);

            assertThat(pruner.runOnce()).isEqualTo(new Pruner.Result(0, 0));

            clock.advance(Duration.ofMinutes(6));
            assertThat(pruner.runOnce()).isEqualTo(new Pruner.Result(1, 0));
            assertThat(sessions.find("short-lived-session")).isEmpty();
            assertThat(sessions.find("live-session")).isPresent();
            assertThat(attempts.failuresFromAddress("192.0.2.7", Instant.EPOCH)).isEqualTo(1);

            clock.advance(Duration.ofDays(1));
            assertThat(pruner.runOnce()).isEqualTo(new Pruner.Result(1, 1));
            assertThat(attempts.failuresFromAddress("192.0.2.7", Instant.EPOCH)).isZero();
            assertThat(new Pruner(database, Duration.ofDays(1), clock).runOnce()).isEqualTo(new Pruner.Result(0, 0));
        }
    }

    @Test
    void theSchedule_runsAndStops(@TempDir Path dir) throws Exception {
        MovableClock clock = new MovableClock();
        try (Database database = Database.embedded(dir, 2, clock)) {
            Account account = new AccountRepository(database).create(Actor.system("test"), "sched@provider.example",
                    Account.Role.OPERATOR, null, "x");
            SessionRepository sessions = new SessionRepository(database);
            sessions.create(Actor.system("test"), account.id(), "soon-expired", Duration.ofMinutes(1));
            clock.advance(Duration.ofMinutes(2));
            Pruner pruner = new Pruner(database, Duration.ofDays(30), clock).start(Duration.ofMillis(50));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (database.jdbi().withHandle(h -> h.createQuery("select count(*) from login_session")
                        .mapTo(Integer.class).one()) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                pruner.close();
            }
            int left = database.jdbi().withHandle(h -> h.createQuery("select count(*) from login_session")
                    .mapTo(Integer.class).one());
            assertThat(left).isZero();
        }
    }
}
