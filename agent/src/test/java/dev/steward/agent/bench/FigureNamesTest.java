package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.bench.FigureKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's figure names are the control plane's ({@link FigureKind}, which refuses any other
 * name because figures are published): every figure a benchmark run produces, network test
 * included, has a kind there with the same test, unit and direction. A figure renamed on one side
 * only would otherwise be refused by the control plane at the first real benchmark. (Test scope
 * only: the agent never links the control plane at run time.)
 */
class FigureNamesTest {

    @TempDir
    Path dir;

    @Test
    void everyFigureOfARunIsAKindTheControlPlaneAccepts() throws IOException {
        StandInTools tools = new StandInTools(Files.createDirectory(dir.resolve("tools")));
        Path target = Files.createDirectory(dir.resolve("target"));
        List<Figure> figures;
        try (DownloadServer server = new DownloadServer()) {
            figures = new BenchmarkExecutor(tools.config(), Clock.systemUTC())
                    .run(new BenchmarkJob("job-1", BenchmarkProfile.QUICK, target.toString(), server.url("/mib/4"), 2))
                    .details().figures();
        }

        assertThat(figures).extracting(Figure::test)
                .contains("disk_randwrite", "disk_randread", "disk_randrw", "cpu", "memory", "network");
        assertThat(figures).allSatisfy(figure -> assertThat(FigureKind.byName(figure.name()))
                .as("figure %s", figure.name())
                .hasValueSatisfying(kind -> {
                    assertThat(kind.test()).isEqualTo(figure.test());
                    assertThat(kind.unit()).isEqualTo(figure.unit());
                    assertThat(kind.higherIsBetter()).isEqualTo(figure.higherIsBetter());
                }));
    }
}
