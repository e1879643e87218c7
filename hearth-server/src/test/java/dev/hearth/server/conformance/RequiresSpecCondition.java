package dev.hearth.server.conformance;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables tests annotated {@link RequiresSpec} when the shared OpenAPI spec cannot be found. */
public final class RequiresSpecCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return evaluate(SpecLocation.fromSystemProperty());
    }

    static ConditionEvaluationResult evaluate(SpecLocation location) {
        return location.unavailableReason()
                .map(reason -> ConditionEvaluationResult.disabled("OpenAPI spec unavailable: " + reason))
                .orElseGet(() -> ConditionEvaluationResult.enabled("OpenAPI spec found at " + location.specFile()));
    }
}
