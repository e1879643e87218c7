package dev.hearth.server.modelfiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class TerminalProgressBarTest {

    final StringWriter sink = new StringWriter();
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final TerminalProgressBar bar = new TerminalProgressBar(new PrintWriter(sink), "model.gguf", now::get);

    private long redraws() {
        return sink.toString().chars().filter(c -> c == '\r').count();
    }

    @Test
    void redrawsAtMostTenTimesASecond() {
        bar.onStart(0, 1_000_000);
        for (int i = 1; i <= 1000; i++) { // one second of updates, one every millisecond
            now.addAndGet(1_000_000);
            bar.onProgress(i * 1000L, 1_000_000);
        }

        assertThat(redraws()).isBetween(10L, 11L);
        assertThat(sink.toString()).doesNotContain("\n");
    }

    @Test
    void showsPercentSizesSpeedAndEta() {
        bar.onStart(0, 2 * 1024 * 1024);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        bar.onProgress(1024 * 1024, 2 * 1024 * 1024);

        String line = sink.toString().substring(sink.toString().lastIndexOf('\r') + 1);
        assertThat(line).startsWith("model.gguf").contains(" 50% [##########          ]")
                .contains("1.0 MiB / 2.0 MiB").contains("512 KiB/s").contains("ETA 0:02");
    }

    @Test
    void speedCountsOnlyBytesMovedInThisSessionWhenResuming() {
        bar.onStart(900_000, 1_000_000);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        bar.onProgress(950_000, 1_000_000);

        assertThat(sink.toString()).contains("48.8 KiB/s").contains("ETA 0:01");
    }

    @Test
    void retryAndEndStartFreshLines() {
        bar.onStart(0, 100);
        bar.onRetry(1, 5, Duration.ofMillis(1500), "connection lost");
        bar.onStart(40, 100);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        bar.onProgress(100, 100);
        bar.onEnd(true);

        String out = sink.toString();
        assertThat(out).contains("\n  connection lost; retrying in 0:02 (attempt 2 of at most 5)\n");
        assertThat(out).endsWith("\n");
        assertThat(out.substring(out.lastIndexOf('\r'))).contains("100%");
    }
}
