package dev.steward.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Shell scripts that stand in for fio and sysbench and print the real outputs of {@link Fixtures}:
 * the fio stand-in logs its arguments to {@code fio.calls}, puts a file into its
 * {@code --directory} (and logs that directory), and copies the report matching its
 * {@code --name} to its {@code --output}; the sysbench stand-in prints the cpu or memory report.
 * {@code FIO_EXIT} in a file {@code fio.exit} makes the fio stand-in print an error and exit with
 * that code; a file {@code fio.hang} makes it hang (a {@code sleep 300}).
 */
final class StandInTools {

    final Path dir;
    final Path fio;
    final Path sysbench;
    final Path fioCalls;

    StandInTools(Path dir) throws IOException {
        this.dir = dir;
        this.fioCalls = dir.resolve("fio.calls");
        Files.writeString(dir.resolve("randwrite.json"), Fixtures.read(Fixtures.FIO_RANDWRITE));
        Files.writeString(dir.resolve("randread.json"), Fixtures.read(Fixtures.FIO_RANDREAD));
        Files.writeString(dir.resolve("test.json"), Fixtures.read(Fixtures.FIO_RANDRW));
        Files.writeString(dir.resolve("cpu.txt"), Fixtures.read(Fixtures.SYSBENCH_CPU));
        Files.writeString(dir.resolve("memory.txt"), Fixtures.read(Fixtures.SYSBENCH_MEMORY));
        fio = script("fio", """
                [ "$1" = --version ] && { echo fio-3.33; exit 0; }
                if [ -f %1$s/fio.exit ]; then echo "fio: something went wrong"; exit $(cat %1$s/fio.exit); fi
                if [ -f %1$s/fio.hang ]; then echo "fio: hanging"; exec sleep 300; fi
                out=; data=; name=
                for a; do
                  case "$a" in
                    --output=*) out="${a#--output=}" ;;
                    --directory=*) data="${a#--directory=}" ;;
                    --name=*) name="${a#--name=}" ;;
                  esac
                done
                echo "$*" >> %1$s/fio.calls
                [ -d "$data" ] && echo "dir $data" >> %1$s/fio.calls && : > "$data/$name.0.0"
                cp %1$s/"$name".json "$out"
                """.formatted(dir));
        sysbench = script("sysbench", """
                [ "$1" = --version ] && { echo "sysbench 1.0.20"; exit 0; }
                echo "$*" >> %1$s/sysbench.calls
                cat %1$s/"$1".txt
                """.formatted(dir));
    }

    BenchmarkConfig config() {
        return BenchmarkConfig.defaults().withTools(List.of(fio.toString()), List.of(sysbench.toString()))
                .withDiskReserve(0);
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
