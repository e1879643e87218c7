package dev.hearth.server.audio.transcription;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What an engine heard: the language (ISO-639-1) and segments with times in seconds. Whisper's
 * shape: a segment may carry tokens, average log-probability and its no-speech probability; words
 * are filled when asked for.
 */
public record Transcript(String language, double duration, List<Segment> segments) {
  public record Segment(double start, double end, String text, double avgLogprob, double noSpeechProb,
      List<Integer> tokens, List<Word> words) {}

  public record Word(String word, double start, double end) {}

  public String text() {
    return segments.stream().map(Segment::text).filter(t -> !t.isBlank()).collect(Collectors.joining(" "));
  }
}
