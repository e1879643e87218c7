package dev.hearth.server.audio.speech;

import dev.hearth.server.audio.Pcm;
import dev.hearth.server.audio.ToolProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * MP3, Opus, AAC and FLAC through an {@code ffmpeg} process: PCM goes to its stdin, and a virtual
 * thread copies what it writes to stdout to the client as it appears (ffmpeg flushes every packet).
 * No maintained Java library encodes MP3, Opus or AAC, and Java FLAC encoders are unmaintained.
 */
final class FfmpegEncoder implements AudioEncoder {
  private final Process process;
  private final OutputStream stdin;
  private final Thread copier;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread errReader;
  private volatile IOException copyFailure;

  FfmpegEncoder(String ffmpeg, SpeechFormat format, OutputStream out) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        ffmpeg, "-hide_banner", "-loglevel", "error",
        "-f", "s16le", "-ar", Integer.toString(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"));
    cmd.addAll(format.ffmpegArgs());
    cmd.addAll(List.of("-flush_packets", "1", "pipe:1"));
    process = new ProcessBuilder(cmd).start();
    stdin = process.getOutputStream();
    errReader = Thread.ofVirtual().start(() -> ToolProcess.drain(process.getErrorStream(), stderr));
    copier = Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = process.getInputStream()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        copyFailure = e;
        process.destroyForcibly();
      }
    });
  }

  @Override
  public void write(short[] samples) throws IOException {
    if (copyFailure != null) {
      throw copyFailure;
    }
    stdin.write(Pcm.toLittleEndian(samples, 0, samples.length));
    stdin.flush();
  }

  @Override
  public void finish() throws IOException {
    try {
      stdin.close();
      copier.join();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IOException("ffmpeg did not finish");
      }
      errReader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while encoding", e);
    } finally {
      process.destroyForcibly();
    }
    if (copyFailure != null) {
      throw copyFailure;
    }
    if (process.exitValue() != 0) {
      throw new IOException("ffmpeg failed (exit " + process.exitValue() + "): "
          + new String(stderr.toByteArray(), StandardCharsets.UTF_8).strip());
    }
  }

  @Override
  public void abort() {
    process.destroyForcibly();
  }
}
