package dev.hearth.server.audio.speech;

import java.io.IOException;
import java.util.Optional;

/**
 * A text-to-speech engine. The service splits the input into utterances (sentences) and asks the
 * engine for one at a time, so audio streams while later sentences are still being synthesized;
 * it resamples what the engine returns to 24 kHz and encodes it.
 *
 * <p>An engine needs only to turn one utterance into 16-bit mono PCM at a rate it chooses. A
 * neural engine (Piper on ONNX Runtime: phonemize with espeak-ng, run the VITS model, 22.05 kHz)
 * fits the same shape; its {@link EngineVoice#name} would name the {@code .onnx} voice.
 */
public interface SpeechEngine {
  /** The engine's config name ({@code flite}, {@code espeak-ng}). */
  String name();

  /**
   * Empty when the engine can run; otherwise why not, in words that name the Debian package to
   * install.
   */
  Optional<String> unavailable();

  /** Whether this engine speaks {@code language} (ISO-639-1, e.g. {@code en}). */
  boolean speaks(String language);

  /**
   * Synthesizes one utterance. {@code speed} is OpenAI's (1.0 normal, 0.25 to 4.0).
   *
   * @return mono 16-bit samples at {@link Synthesis#sampleRate}
   */
  Synthesis synthesize(String text, EngineVoice voice, String language, double speed) throws IOException;

  record Synthesis(short[] samples, int sampleRate) {}
}
