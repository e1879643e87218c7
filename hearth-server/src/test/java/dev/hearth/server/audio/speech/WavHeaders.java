package dev.hearth.server.audio.speech;

/** Test access to the WAV header writer. */
public final class WavHeaders {
  private WavHeaders() {}

  public static byte[] header(int rate, long dataBytes) {
    return JavaEncoders.wavHeader(rate, dataBytes);
  }
}
