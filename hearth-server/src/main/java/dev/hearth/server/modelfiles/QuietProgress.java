package dev.hearth.server.modelfiles;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress for when output is not a terminal: no progress output at all; retries are noted on {@code err} (when
 * given) so that a log shows why a download took long. The caller prints the single final line.
 */
public final class QuietProgress implements ProgressListener {

    private final PrintWriter err;

    /** @param err where to note retries, or null for complete silence */
    public QuietProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void onRetry(int failures, int maxAttempts, Duration delay, String reason) {
        if (err != null) {
            err.println("hearth pull: " + reason + "; retrying in " + Sizes.duration(delay.plusMillis(999))
                    + " (attempt " + (failures + 1) + " of at most " + maxAttempts + ")");
            err.flush();
        }
    }
}
