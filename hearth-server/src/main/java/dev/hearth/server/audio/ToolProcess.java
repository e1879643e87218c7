package dev.hearth.server.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command-line tool to completion: optional stdin bytes, stdout collected, stderr kept
 * (bounded) for the error message. The process is killed if it outlives the timeout or the caller
 * is interrupted.
 */
public final class ToolProcess {
  private ToolProcess() {}

  public static final class ToolException extends IOException {
    public ToolException(String message) {
      super(message);
    }
  }

  public static byte[] run(List<String> command, byte[] stdin, long timeoutSeconds) throws IOException {
    Process process = new ProcessBuilder(command).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err));
    Thread writer = Thread.ofVirtual().start(() -> {
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException ignored) {
        // the tool stopped reading; its exit status says why
      }
    });
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new ToolException(command.getFirst() + " did not finish within " + timeoutSeconds + "s");
      }
      writer.join();
      errReader.join();
      if (process.exitValue() != 0) {
        throw new ToolException(command.getFirst() + " failed (exit " + process.exitValue() + "): "
            + new String(err.toByteArray(), StandardCharsets.UTF_8).strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.getFirst(), e);
    } finally {
      process.destroyForcibly();
    }
  }

  /** Copies a stream into a buffer, keeping at most 8 KiB (enough for an error message). */
  public static void drain(InputStream in, ByteArrayOutputStream keep) {
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (keep) {
          if (keep.size() < 8192) {
            keep.write(buf, 0, Math.min(n, 8192 - keep.size()));
          }
        }
      }
    } catch (IOException ignored) {
      // process gone
    }
  }
}
