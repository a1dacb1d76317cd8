package dev.steward.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkProfileTest {

    /** The seed's command lines (shared/seed/000_5c2d6b213e4b653d.txt), without "sudo fio". */
    private static final List<String> SEED_FIO = List.of(
            "--name=randwrite --ioengine=libaio --iodepth=1 --rw=randwrite --bs=4k --direct=0 --size=512M --numjobs=4 --runtime=240 --group_reporting",
            "--name=randread --ioengine=libaio --iodepth=16 --rw=randread --bs=4k --direct=0 --size=512M --numjobs=4 --runtime=240 --group_reporting",
            "--randrepeat=1 --ioengine=libaio --direct=1 --gtod_reduce=1 --name=test --filename=random_read_write.fio --bs=4k --iodepth=64 --size=4G --readwrite=randrw --rwmixread=75");

    @Test
    void fullProfileIsTheSeedsFioCommandLines() {
        assertThat(BenchmarkProfile.FULL.fioTests()).extracting(t -> String.join(" ", t.arguments()))
                .containsExactlyElementsOf(SEED_FIO);
        assertThat(BenchmarkProfile.FULL.fioTests()).extracting(FioTest::name)
                .containsExactly("disk_randwrite", "disk_randread", "disk_randrw");
        assertThat(BenchmarkProfile.FULL.fioTests()).extracting(FioTest::bytesOnDisk)
                .containsExactly(2L << 30, 2L << 30, 4L << 30);
    }

    @Test
    void fullProfileSysbenchIsTheSeedsWithItsDefaultsSpelledOut() {
        assertThat(BenchmarkProfile.FULL.sysbenchCpu(2))
                .containsExactly("cpu", "--threads=2", "--cpu-max-prime=10000", "--time=10", "run");
        assertThat(BenchmarkProfile.FULL.sysbenchMemory(2)).containsExactly("memory", "--threads=2",
                "--memory-block-size=1K", "--memory-total-size=100G", "--memory-oper=write", "--memory-scope=global",
                "--time=10", "run");
    }

    @Test
    void quickProfileChangesOnlySizesAndRunTimes() {
        List<FioTest> quick = BenchmarkProfile.QUICK.fioTests();
        for (int i = 0; i < SEED_FIO.size(); i++) {
            String expected = SEED_FIO.get(i).replace("--size=512M", "--size=16M").replace("--size=4G", "--size=16M")
                    .replace("--runtime=240", "--runtime=2") + (i == 2 ? " --runtime=2" : "");
            assertThat(String.join(" ", quick.get(i).arguments())).isEqualTo(expected);
        }
        assertThat(BenchmarkProfile.QUICK.sysbenchCpu(3)).contains("--threads=3", "--time=2");
        assertThat(BenchmarkProfile.QUICK.sysbenchMemory(3)).contains("--threads=3", "--time=2");
    }

    @Test
    void profilesByName() {
        assertThat(BenchmarkProfile.of("full")).isEqualTo(BenchmarkProfile.FULL);
        assertThat(BenchmarkProfile.of("quick")).isEqualTo(BenchmarkProfile.QUICK);
        assertThatThrownBy(() -> BenchmarkProfile.of("fast")).hasMessageContaining("full or quick");
    }
}
