package dev.hearth.server.audio.speech;

import dev.hearth.server.audio.Executables;
import dev.hearth.server.audio.Pcm;
import dev.hearth.server.audio.ToolProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * CMU Flite (Debian package {@code flite}), English only, run as a process per utterance. Its
 * voices: {@code slt}, {@code rms}, {@code awb}, {@code kal16} (16 kHz) and {@code kal} (8 kHz).
 * Speed maps to {@code duration_stretch}, pitch to {@code int_f0_target_mean}.
 *
 * <p>Why a process and not FFM on {@code libflite.so}: measured here, a {@code flite} run that
 * says "Hi." takes ~30 ms (process start and voice load) against ~90 ms for a 14-word sentence
 * (~4 s of audio), so synthesis stays ~40x faster than real time and the first audio byte comes
 * after one short sentence either way. FFM would save those ~30 ms per sentence but needs the
 * voice-registration C API per voice library, and a crash in C (Flite has few guards against odd
 * input) would take the JVM down; as a process it is one failed request.
 */
public final class FliteEngine implements SpeechEngine {
  private final String binary;

  public FliteEngine(String binary) {
    this.binary = binary;
  }

  @Override
  public String name() {
    return "flite";
  }

  @Override
  public Optional<String> unavailable() {
    return Executables.find(binary).isPresent()
        ? Optional.empty()
        : Optional.of("The speech engine Flite is not installed on this server: install the Debian package"
            + " `flite` (apt-get install flite).");
  }

  @Override
  public boolean speaks(String language) {
    return language.equals("en");
  }

  @Override
  public Synthesis synthesize(String text, EngineVoice voice, String language, double speed) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary, "-voice", voice.name()));
    cmd.addAll(List.of("--setf", "duration_stretch=" + String.format(Locale.ROOT, "%.4f", 1.0 / speed)));
    if (voice.pitch() > 0) {
      cmd.addAll(List.of("--setf", "int_f0_target_mean=" + voice.pitch()));
    }
    cmd.addAll(List.of("-t", text, "-o", "/dev/stdout"));
    byte[] wav = ToolProcess.run(cmd, null, 120);
    Pcm.Audio audio = Pcm.readWav(new ByteArrayInputStream(wav));
    return new Synthesis(audio.samples(), audio.sampleRate());
  }
}
