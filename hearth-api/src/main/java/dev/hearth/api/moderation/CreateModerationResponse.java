package dev.hearth.api.moderation;

import java.util.List;

/** The spec's {@code CreateModerationResponse}: one result per input string, or one for a multi-modal input. */
public record CreateModerationResponse(String id, String model, List<ModerationResult> results) {}
