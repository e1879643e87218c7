package dev.hearth.server.conformance;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Collects the {@link ResponseCheck}s of every response a conformance client received. Thread-safe. */
public final class ConformanceRecorder {

    private final List<ResponseCheck> checks = new CopyOnWriteArrayList<>();

    public void record(ResponseCheck check) {
        checks.add(check);
    }

    /** Every response seen, in arrival order. */
    public List<ResponseCheck> checks() {
        return List.copyOf(checks);
    }

    public List<ResponseCheck> failures() {
        return checks.stream().filter(c -> !c.conforms()).toList();
    }

    public void clear() {
        checks.clear();
    }

    /**
     * Throws an {@link AssertionError} listing every non-conforming response. Also fails when no response was recorded
     * at all, which means the client under test was not wired through {@link ConformanceClients}.
     */
    public void assertNoViolations() {
        if (checks.isEmpty()) {
            throw new AssertionError("no responses were recorded: was the client built with ConformanceClients?");
        }
        assertNoViolationsSoFar();
    }

    /** Like {@link #assertNoViolations()} but passes when nothing was recorded. */
    public void assertNoViolationsSoFar() {
        List<ResponseCheck> failures = failures();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + checks.size()
                    + " responses do not match the OpenAPI spec:\n"
                    + failures.stream().map(ResponseCheck::toString).collect(Collectors.joining("\n")));
        }
    }
}
