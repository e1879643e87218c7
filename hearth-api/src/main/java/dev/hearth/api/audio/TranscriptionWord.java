package dev.hearth.api.audio;

/** The spec's {@code TranscriptionWord}: a word and its start and end in seconds. */
public record TranscriptionWord(String word, double start, double end) {}
