package dev.hearth.api.audio;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The spec's {@code CreateTranscriptionResponseVerboseJson} (and the translation's). {@code task}
 * is {@code transcribe} or {@code translate}, as Whisper reports it; {@code words} appears only when
 * word timestamps were asked for; {@code language} is the language's English name ("english").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TranscriptionVerboseJson(
    String task,
    String language,
    double duration,
    String text,
    List<TranscriptionWord> words,
    List<TranscriptionSegment> segments,
    TranscriptionUsage usage) {}
