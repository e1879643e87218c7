package dev.hearth.store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock tests move by hand, so time-dependent behaviour is tested without sleeping. */
final class MutableClock implements InstantSource {
    private volatile Instant now;

    MutableClock(Instant start) {
        this.now = start;
    }

    MutableClock() {
        this(Instant.parse("2026-01-01T00:00:00.750Z"));
    }

    @Override
    public Instant instant() {
        return now;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }
}
