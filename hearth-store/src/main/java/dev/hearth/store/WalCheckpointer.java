package dev.hearth.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the SQLite write-ahead log into the database file from a background thread.
 *
 * <p>By default SQLite checkpoints inside the commit that pushes the log past 1000 pages, and a
 * checkpoint ends with an fsync: on an ordinary disk that one commit, and every writer queued
 * behind it, waits tens to hundreds of milliseconds (the gateway benchmark saw a 250 ms p99 on
 * writes at 1,000 requests/s). The write connection therefore has automatic checkpoints off, and
 * this thread runs PASSIVE checkpoints on its own connection: they never block writers or readers.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

    private final Connection connection;
    private final Thread thread;
    private volatile boolean running = true;

    WalCheckpointer(DataSource dataSource, Duration interval) throws SQLException {
        this.connection = dataSource.getConnection();
        this.thread = Thread.ofPlatform().daemon().name("hearth-sqlite-checkpoint").start(() -> loop(interval));
    }

    private void loop(Duration interval) {
        while (running) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            checkpoint();
        }
    }

    void checkpoint() {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException e) {
            if (running) {
                log.warn("WAL checkpoint failed; the next one retries", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpoint(); // leave the log folded into the file
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the checkpoint connection failed", e);
        }
    }
}
