package dev.hearth.server.conformance;

/**
 * One schema violation: where in the instance (a JSON path like {@code $.error.param}), which keyword failed, and
 * the validator's message (which names the property for {@code required}).
 */
public record Violation(String path, String keyword, String message) {

    @Override
    public String toString() {
        return path + ": " + message + " [" + keyword + "]";
    }
}
