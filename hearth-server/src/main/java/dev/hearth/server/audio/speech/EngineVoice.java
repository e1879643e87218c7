package dev.hearth.server.audio.speech;

/**
 * A voice an engine has: its name there ({@code slt}, {@code en+f3}) and an optional mean pitch
 * in Hz (0: the voice's own). Configured as {@code "name"} or {@code "name@pitch"}.
 */
public record EngineVoice(String name, int pitch) {
  public static EngineVoice parse(String spec) {
    int at = spec.indexOf('@');
    if (at < 0) {
      return new EngineVoice(spec.strip(), 0);
    }
    return new EngineVoice(spec.substring(0, at).strip(), Integer.parseInt(spec.substring(at + 1).strip()));
  }

  @Override
  public String toString() {
    return pitch == 0 ? name : name + "@" + pitch;
  }
}
