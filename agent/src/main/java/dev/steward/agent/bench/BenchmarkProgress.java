package dev.steward.agent.bench;

import java.util.List;

/**
 * Hears how a benchmark advances, for a display when it runs by hand ({@link BenchCommand}); the
 * agent daemon passes {@link #NONE}. Called on the executor's thread, in order.
 */
public interface BenchmarkProgress {

    /** Does nothing. */
    BenchmarkProgress NONE = new BenchmarkProgress() {
        @Override
        public void started(int index, int count, String test, String description) {
        }

        @Override
        public void finished(TestRun run, List<Figure> figures) {
        }
    };

    /** Test {@code index} (1-based) of {@code count} starts. */
    void started(int index, int count, String test, String description);

    /** The test that started last ended, with these figures (none when it failed or was skipped). */
    void finished(TestRun run, List<Figure> figures);
}
