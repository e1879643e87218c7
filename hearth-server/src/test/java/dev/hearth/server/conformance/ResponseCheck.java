package dev.hearth.server.conformance;

import java.util.List;

/**
 * The outcome of checking one HTTP response against the spec. {@code operationId} is empty when no spec operation
 * matches the request; {@code schema} names what the body was validated against (empty when nothing was, e.g. a
 * binary body or a route outside the spec).
 */
public record ResponseCheck(String method, String path, int status, String operationId, String schema,
                            List<Violation> violations) {

    public ResponseCheck {
        violations = List.copyOf(violations);
    }

    public boolean conforms() {
        return violations.isEmpty();
    }

    public boolean validated() {
        return !schema.isEmpty();
    }

    @Override
    public String toString() {
        String head = method + " " + path + " -> " + status
                + (operationId.isEmpty() ? " (no spec operation)" : " (" + operationId + ")")
                + (schema.isEmpty() ? "" : " against " + schema);
        return conforms() ? head : head + ":\n" + SpecValidator.describe(violations);
    }
}
