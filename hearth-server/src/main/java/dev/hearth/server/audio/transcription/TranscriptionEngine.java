package dev.hearth.server.audio.transcription;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * A speech recognizer. It gets 16 kHz mono 16-bit samples (the service decodes and resamples any
 * upload) and returns timed segments. Whisper fits the same shape: it {@link #detectsLanguage},
 * speaks many {@link #languages}, {@link #translates} into English, and fills tokens and log
 * probabilities in its segments.
 */
public interface TranscriptionEngine {
  int SAMPLE_RATE = 16_000;

  String name();

  /** Empty when the engine can run; otherwise why not, naming what to install. */
  Optional<String> unavailable();

  /** The languages it recognizes (ISO-639-1). */
  Set<String> languages();

  /** Whether it can turn speech in another language into English text. */
  boolean translates();

  /** Whether it can tell the language of the audio itself. */
  boolean detectsLanguage();

  Transcript transcribe(short[] samples, Request request) throws IOException;

  /**
   * @param language ISO-639-1, or null to detect (engines that cannot detect assume their only language)
   * @param translate whether to output English whatever the spoken language
   */
  record Request(String language, String prompt, double temperature, boolean translate, boolean words) {}
}
