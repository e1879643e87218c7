package dev.hearth.server.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns an uploaded audio file (flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm) into mono 16-bit
 * samples at a given rate. {@code ffmpeg} decodes everything (from a temporary file, since MP4
 * keeps its index at the end); without it, 16-bit PCM WAV is still read and resampled in Java.
 */
public final class AudioDecoder {
  private final String ffmpeg;

  public AudioDecoder(String ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** The audio could not be decoded; the message says why in a user's words. */
  public static final class UndecodableAudio extends IOException {
    public UndecodableAudio(String message) {
      super(message);
    }
  }

  public boolean hasFfmpeg() {
    return Executables.find(ffmpeg).isPresent();
  }

  public short[] decode(Path file, int sampleRate) throws IOException {
    if (!hasFfmpeg()) {
      try (var in = Files.newInputStream(file)) {
        Pcm.Audio audio = Pcm.readWav(in);
        return Pcm.resample(audio.samples(), audio.sampleRate(), sampleRate);
      } catch (IOException e) {
        throw new UndecodableAudio("This server decodes only 16-bit PCM WAV because ffmpeg is not installed"
            + " (install the Debian package `ffmpeg` for flac, mp3, mp4, m4a, ogg and webm): " + e.getMessage());
      }
    }
    try {
      byte[] raw = ToolProcess.run(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
          "-i", file.toString(), "-vn", "-ac", "1", "-ar", Integer.toString(sampleRate), "-f", "s16le", "pipe:1"),
          null, 600);
      return Pcm.readLittleEndian(new ByteArrayInputStream(raw));
    } catch (ToolProcess.ToolException e) {
      throw new UndecodableAudio("The audio file could not be decoded: " + firstLine(e.getMessage().replace(file.toString(), "input")));
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
