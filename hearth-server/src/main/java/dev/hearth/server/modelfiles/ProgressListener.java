package dev.hearth.server.modelfiles;

import java.time.Duration;

/**
 * Receives progress of one download. Calls come from the downloading thread. All methods have empty defaults.
 */
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() { };

    /**
     * A transfer begins (again, after a retry).
     *
     * @param offset bytes already on disk that this transfer continues from (0 when starting over)
     * @param total  the file's size, or -1 when the server did not say
     */
    default void onStart(long offset, long total) { }

    /** {@code done} of {@code total} bytes (-1 when unknown) are on disk. */
    default void onProgress(long done, long total) { }

    /** A transfer failed and will be retried after {@code delay}; {@code failures} of at most {@code maxAttempts} so far. */
    default void onRetry(int failures, int maxAttempts, Duration delay, String reason) { }

    /** The download ended, successfully or not; always called last. */
    default void onEnd(boolean success) { }
}
