package dev.steward.relay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QueueWriteExceptionTest {

    static Stream<Arguments> failures() {
        IOException suppressedFull = new IOException("close failed");
        suppressedFull.addSuppressed(new IOException("No space left on device"));
        return Stream.of(
                Arguments.of(new IOException("No space left on device"), true),
                Arguments.of(new IOException("Disk quota exceeded"), true),
                Arguments.of(new FileSystemException("/q/tmp/A.msg", null, "No space left on device"), true),
                Arguments.of(new FileSystemException("/q/tmp/A.msg", "/q/incoming/A.msg", "Disk quota exceeded"), true),
                Arguments.of(new IOException("cannot queue", new IOException("No space left on device")), true),
                Arguments.of(new UncheckedIOException(new IOException("No space left on device")), true),
                Arguments.of(suppressedFull, true),
                Arguments.of(new IOException("Input/output error"), false),
                Arguments.of(new IOException("Read-only file system"), false),
                Arguments.of(new AccessDeniedException("/q/tmp/A.msg"), false),
                // A file NAMED like the error must not count: only the reason does.
                Arguments.of(new FileSystemException("/q/No space left on device", null, "Input/output error"), false),
                Arguments.of(new IOException((String) null), false));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void isDiskFull_classifiesByStrerrorText(Throwable failure, boolean diskFull) {
        assertThat(QueueWriteException.isDiskFull(failure)).isEqualTo(diskFull);
    }

    @Test
    void isDiskFull_causeCycle_terminates() {
        IOException first = new IOException("first");
        IOException second = new IOException("second", first);
        first.initCause(second);
        assertThat(QueueWriteException.isDiskFull(first)).isFalse();
    }

    /** The text the JDK really produces for ENOSPC, from the kernel's /dev/full. */
    @Test
    void isDiskFull_realEnospcFromDevFull_true() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "/dev/full is not available");
        Throwable failure = catchThrowable(() -> {
            try (FileChannel channel = FileChannel.open(full, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[4096]));
                channel.force(true);
            }
        });
        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(QueueWriteException.isDiskFull(failure)).as("classify %s", failure).isTrue();
    }
}
