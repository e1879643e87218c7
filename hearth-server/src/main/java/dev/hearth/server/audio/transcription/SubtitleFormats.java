package dev.hearth.server.audio.transcription;

import java.util.Locale;

/** The text renderings of a transcript: plain text, SubRip (srt) and WebVTT (vtt). */
final class SubtitleFormats {
  private SubtitleFormats() {}

  static String text(Transcript t) {
    return t.text() + "\n";
  }

  static String srt(Transcript t) {
    StringBuilder sb = new StringBuilder();
    int i = 1;
    for (Transcript.Segment s : t.segments()) {
      sb.append(i++).append('\n')
          .append(time(s.start(), ',')).append(" --> ").append(time(s.end(), ',')).append('\n')
          .append(s.text().strip()).append("\n\n");
    }
    return sb.toString();
  }

  static String vtt(Transcript t) {
    StringBuilder sb = new StringBuilder("WEBVTT\n\n");
    for (Transcript.Segment s : t.segments()) {
      sb.append(time(s.start(), '.')).append(" --> ").append(time(s.end(), '.')).append('\n')
          .append(s.text().strip()).append("\n\n");
    }
    return sb.toString();
  }

  /** {@code HH:MM:SS,mmm} (srt) or {@code HH:MM:SS.mmm} (vtt). */
  static String time(double seconds, char separator) {
    long ms = Math.round(seconds * 1000);
    return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d",
        ms / 3_600_000, (ms / 60_000) % 60, (ms / 1000) % 60, separator, ms % 1000);
  }
}
