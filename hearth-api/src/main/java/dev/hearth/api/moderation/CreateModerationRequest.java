package dev.hearth.api.moderation;

/**
 * The spec's {@code CreateModerationRequest}. {@code input} is a string, an array of strings, or an array of
 * multi-modal parts ({@code {"type":"text","text":…}}, {@code {"type":"image_url","image_url":{"url":…}}}), so it
 * arrives as plain JSON values and the service tells them apart. {@code model} defaults to
 * {@code omni-moderation-latest}.
 */
public record CreateModerationRequest(Object input, String model) {}
