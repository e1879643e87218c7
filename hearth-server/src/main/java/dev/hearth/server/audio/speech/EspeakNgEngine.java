package dev.hearth.server.audio.speech;

import dev.hearth.server.audio.Executables;
import dev.hearth.server.audio.Pcm;
import dev.hearth.server.audio.ToolProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * eSpeak NG (Debian package {@code espeak-ng}), about a hundred languages, run as a process per
 * utterance. A voice is a variant ({@code f3}, {@code m2}, …) combined with the language as
 * {@code -v LANG+VARIANT}; speed scales the default 175 words per minute.
 */
public final class EspeakNgEngine implements SpeechEngine {
  private final String binary;
  private volatile Set<String> languages;

  public EspeakNgEngine(String binary) {
    this.binary = binary;
  }

  @Override
  public String name() {
    return "espeak-ng";
  }

  @Override
  public Optional<String> unavailable() {
    return Executables.find(binary).isPresent()
        ? Optional.empty()
        : Optional.of("The speech engine eSpeak NG (needed for languages other than English) is not installed"
            + " on this server: install the Debian package `espeak-ng` (apt-get install espeak-ng).");
  }

  @Override
  public boolean speaks(String language) {
    return languages().contains(language);
  }

  private Set<String> languages() {
    Set<String> known = languages;
    if (known == null) {
      known = new HashSet<>();
      try {
        String list = new String(ToolProcess.run(List.of(binary, "--voices"), null, 30), StandardCharsets.UTF_8);
        for (String line : list.lines().skip(1).toList()) {
          String[] cols = line.strip().split("\\s+");
          if (cols.length > 1) {
            known.add(cols[1]);
            int dash = cols[1].indexOf('-');
            if (dash > 0) {
              known.add(cols[1].substring(0, dash));
            }
          }
        }
      } catch (IOException e) {
        return Set.of();
      }
      languages = known;
    }
    return known;
  }

  @Override
  public Synthesis synthesize(String text, EngineVoice voice, String language, double speed) throws IOException {
    int wpm = (int) Math.round(Math.max(80, Math.min(500, 175 * speed)));
    List<String> cmd = new java.util.ArrayList<>(List.of(binary, "-v", language + "+" + voice.name(), "-s", Integer.toString(wpm)));
    if (voice.pitch() > 0) {
      cmd.addAll(List.of("-p", Integer.toString(Math.max(0, Math.min(99, voice.pitch())))));
    }
    cmd.add("--stdout");
    byte[] wav = ToolProcess.run(cmd, text.getBytes(StandardCharsets.UTF_8), 120);
    Pcm.Audio audio = Pcm.readWav(new ByteArrayInputStream(wav));
    return new Synthesis(audio.samples(), audio.sampleRate());
  }
}
