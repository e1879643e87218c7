package dev.hearth.api.audio;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The spec's {@code TranscriptionSegment}. Engines without tokens or Whisper's fallback statistics
 * report an empty token list, temperature 0, compression ratio 1 and no-speech probability 0.
 */
public record TranscriptionSegment(
    int id,
    int seek,
    double start,
    double end,
    String text,
    List<Integer> tokens,
    double temperature,
    @JsonProperty("avg_logprob") double avgLogprob,
    @JsonProperty("compression_ratio") double compressionRatio,
    @JsonProperty("no_speech_prob") double noSpeechProb) {}
