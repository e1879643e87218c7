package dev.hearth.server.audio.speech;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's voice names and the engine voice each one gets. Every name maps to a distinct engine
 * voice (a voice, or a voice at another pitch); a model's {@code options.voices} overrides entries,
 * e.g. {@code voices: {alloy: "awb", nova: "slt@210"}}.
 */
public final class SpeechVoices {
  public static final List<String> NAMES =
      List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse");

  static final Map<String, String> FLITE = ordered(
      "alloy", "slt", "ash", "rms", "ballad", "awb", "coral", "slt@145", "echo", "kal16", "fable", "awb@150",
      "onyx", "kal", "nova", "slt@200", "sage", "kal16@130", "shimmer", "slt@235", "verse", "kal16@90");

  static final Map<String, String> ESPEAK_NG = ordered(
      "alloy", "f2", "ash", "m3", "ballad", "m4", "coral", "f3", "echo", "m1", "fable", "m5",
      "onyx", "m2", "nova", "f4", "sage", "m6", "shimmer", "f5", "verse", "m7");

  private SpeechVoices() {}

  /** The defaults for an engine, with the model's overrides applied. */
  static Map<String, EngineVoice> resolve(Map<String, String> defaults, Object overrides) {
    Map<String, EngineVoice> out = new LinkedHashMap<>();
    defaults.forEach((k, v) -> out.put(k, EngineVoice.parse(v)));
    if (overrides instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), EngineVoice.parse(String.valueOf(v))));
    }
    return out;
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
