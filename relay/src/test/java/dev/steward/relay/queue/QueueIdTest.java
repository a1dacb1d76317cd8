package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueIdTest {

    @Test
    void next_hundredThousandIds_uniqueAndInArrivalOrder() {
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(QueueId.next());
        }
        assertThat(new HashSet<>(ids)).hasSize(100_000);
        assertThat(ids).isSorted();
        assertThat(ids).allSatisfy(id -> assertThat(id.value()).matches("[0-9A-Z]{15}"));
    }

    @Test
    void next_fromManyVirtualThreads_unique() throws Exception {
        Set<QueueId> ids = ConcurrentHashMap.newKeySet();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int thread = 0; thread < 50; thread++) {
                executor.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        ids.add(QueueId.next());
                    }
                });
            }
        }
        assertThat(ids).hasSize(100_000);
    }

    @Test
    void next_startsWithTheCurrentTime_soLaterIdsSortAfter() {
        QueueId first = QueueId.next();
        long millis = Long.parseLong(first.value().substring(0, 9), 36);
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1);
        assertThat(QueueId.next()).isGreaterThan(first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0C8Q2M4K9ABC", "0C8Q2M4K9ABC0000", "ZZZZZZZZZZZZZZ"})
    void parse_validId_keepsValue(String text) {
        assertThat(QueueId.parse(text).value()).isEqualTo(text);
        assertThat(QueueId.parse(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0C8Q2M4K9AB", "0C8Q2M4K9ABC00000", "0c8q2m4k9abc", "0C8Q2M4K9AB-",
        "../../etc/pass", "0C8Q2M4K9AB\n"})
    void parse_invalidId_throws(String text) {
        assertThatThrownBy(() -> QueueId.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue id must be");
    }
}
