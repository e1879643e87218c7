package dev.hearth.server.modelfiles;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar redrawn in place with {@code \r}, at most ten times a second:
 * {@code model.gguf  42% [########            ] 1.1 GiB / 2.6 GiB  35.2 MiB/s  ETA 0:44}.
 * Use it only when {@link #stdoutIsTerminal()}; otherwise use {@link QuietProgress}.
 */
public final class TerminalProgressBar implements ProgressListener {

    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int BAR_WIDTH = 20;
    private static final int LABEL_WIDTH = 28;

    private final PrintWriter out;
    private final String label;
    private final LongSupplier nanoTime;
    private long startNanos;
    private long startBytes;
    private long lastDraw = Long.MIN_VALUE;
    private long done;
    private long total = -1;
    private int lastWidth;
    private boolean lineOpen;

    public TerminalProgressBar(PrintWriter out, String label) {
        this(out, label, System::nanoTime);
    }

    /** With a clock for tests. */
    public TerminalProgressBar(PrintWriter out, String label, LongSupplier nanoTime) {
        this.out = Objects.requireNonNull(out);
        this.label = shorten(Objects.requireNonNull(label));
        this.nanoTime = Objects.requireNonNull(nanoTime);
    }

    /** Whether standard output is an interactive terminal (not a pipe or file). */
    public static boolean stdoutIsTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void onStart(long offset, long total) {
        this.startNanos = nanoTime.getAsLong();
        this.startBytes = offset;
        this.done = offset;
        this.total = total;
        draw(true);
    }

    @Override
    public void onProgress(long done, long total) {
        this.done = done;
        this.total = total;
        draw(false);
    }

    @Override
    public void onRetry(int failures, int maxAttempts, Duration delay, String reason) {
        endLine();
        out.println("  " + reason + "; retrying in " + Sizes.duration(delay.plusMillis(999))
                + " (attempt " + (failures + 1) + " of at most " + maxAttempts + ")");
        out.flush();
    }

    @Override
    public void onEnd(boolean success) {
        if (success && lineOpen) {
            draw(true);
        }
        endLine();
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
            lastWidth = 0;
        }
    }

    private void draw(boolean force) {
        long now = nanoTime.getAsLong();
        if (!force && lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        String line = render(now);
        StringBuilder sb = new StringBuilder(line.length() + lastWidth + 1).append('\r').append(line);
        for (int i = line.length(); i < lastWidth; i++) {
            sb.append(' '); // wipe what a longer previous line left
        }
        lastWidth = line.length();
        out.print(sb);
        out.flush();
        lineOpen = true;
    }

    /** The bar as it would be drawn at {@code now}; visible for tests. */
    String render(long now) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s ", label));
        if (total > 0) {
            int pct = (int) Math.min(100, done * 100 / total);
            int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
            sb.append(String.format(Locale.ROOT, "%3d%% [", pct)).append("#".repeat(filled))
                    .append(" ".repeat(BAR_WIDTH - filled)).append("] ");
        }
        sb.append(Sizes.bytes(done));
        if (total >= 0) {
            sb.append(" / ").append(Sizes.bytes(total));
        }
        double secs = (now - startNanos) / 1e9;
        long moved = done - startBytes;
        if (secs > 0.2 && moved > 0) {
            double speed = moved / secs;
            sb.append("  ").append(Sizes.bytes((long) speed)).append("/s");
            if (total > 0 && done < total) {
                sb.append("  ETA ").append(Sizes.duration(Duration.ofSeconds((long) Math.ceil((total - done) / speed))));
            }
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        return s.length() <= LABEL_WIDTH ? s : "…" + s.substring(s.length() - LABEL_WIDTH + 1);
    }
}
