package dev.hearth.api.audio;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The spec's {@code CreateSpeechRequest}. {@code voice} is one of the built-in voice names (custom
 * voice objects are not supported); {@code speed} and {@code response_format} may be absent.
 */
public record SpeechRequest(
    String model,
    String input,
    String instructions,
    String voice,
    @JsonProperty("response_format") String responseFormat,
    Double speed,
    @JsonProperty("stream_format") String streamFormat) {}
