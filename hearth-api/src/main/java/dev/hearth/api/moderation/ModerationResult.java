package dev.hearth.api.moderation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One item of {@code CreateModerationResponse.results}. The maps are keyed by the 13 category names
 * ({@code hate}, {@code hate/threatening}, …, {@code violence/graphic}) in the spec's order.
 */
public record ModerationResult(
    boolean flagged,
    Map<String, Boolean> categories,
    @JsonProperty("category_scores") Map<String, Double> categoryScores,
    @JsonProperty("category_applied_input_types") Map<String, List<String>> categoryAppliedInputTypes) {}
