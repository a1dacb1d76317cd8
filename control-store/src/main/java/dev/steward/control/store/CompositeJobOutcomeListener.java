package dev.steward.control.store;

import dev.steward.control.core.job.Job;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;

/**
 * The one {@link JobOutcomeListener} the job API and the executor call: it tells every added
 * listener, in the order added, inside the same transaction. Each listener picks the jobs it owns
 * (the rollout's listener: production-stage {@code APP_UPDATE} targets; the pipeline's test-stage
 * listener: test-stage targets) and ignores the rest. A listener that throws rolls the whole
 * transaction back, result included.
 *
 * <p>Thread safety: thread-safe; listeners may be added while jobs finish (wire them before
 * starting the server, though, or an outcome may miss one).
 */
public final class CompositeJobOutcomeListener implements JobOutcomeListener {

    private final List<JobOutcomeListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener after the ones added before. */
    public CompositeJobOutcomeListener add(JobOutcomeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    @Override
    public void finished(Handle handle, Job job) {
        for (JobOutcomeListener listener : listeners) {
            listener.finished(handle, job);
        }
    }
}
