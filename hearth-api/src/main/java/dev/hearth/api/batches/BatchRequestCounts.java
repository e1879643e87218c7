package dev.hearth.api.batches;

/** The spec's {@code BatchRequestCounts}. */
public record BatchRequestCounts(long total, long completed, long failed) {}
