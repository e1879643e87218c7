package dev.hearth.api.audio;

/** The spec's {@code TranscriptTextUsageDuration}: billed by input seconds ({@code type} "duration"). */
public record TranscriptionUsage(String type, long seconds) {
  public static TranscriptionUsage ofSeconds(double seconds) {
    return new TranscriptionUsage("duration", (long) Math.ceil(seconds));
  }
}
