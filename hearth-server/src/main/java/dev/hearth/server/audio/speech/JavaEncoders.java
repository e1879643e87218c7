package dev.hearth.server.audio.speech;

import dev.hearth.server.audio.Pcm;
import java.io.IOException;
import java.io.OutputStream;

/** The formats Java writes itself: raw PCM and WAV. */
final class JavaEncoders {
  private JavaEncoders() {}

  /** Raw 24 kHz signed 16-bit little-endian mono, no header. */
  static AudioEncoder pcm(OutputStream out) {
    return new AudioEncoder() {
      @Override
      public void write(short[] samples) throws IOException {
        out.write(Pcm.toLittleEndian(samples, 0, samples.length));
        out.flush();
      }

      @Override
      public void finish() throws IOException {
        out.flush();
      }

      @Override
      public void abort() {}
    };
  }

  /**
   * WAV whose header is sent before the length is known: the RIFF and data sizes are 0xFFFFFFFF,
   * as OpenAI's streamed WAV has them; players and decoders read to the end of the stream.
   */
  static AudioEncoder wav(OutputStream out) {
    return new AudioEncoder() {
      boolean headerSent;

      private void header() throws IOException {
        if (!headerSent) {
          out.write(wavHeader(AudioEncoder.SAMPLE_RATE, 0xFFFFFFFFL));
          headerSent = true;
        }
      }

      @Override
      public void write(short[] samples) throws IOException {
        header();
        out.write(Pcm.toLittleEndian(samples, 0, samples.length));
        out.flush();
      }

      @Override
      public void finish() throws IOException {
        header();
        out.flush();
      }

      @Override
      public void abort() {}
    };
  }

  static byte[] wavHeader(int sampleRate, long dataBytes) {
    long riffSize = dataBytes == 0xFFFFFFFFL ? 0xFFFFFFFFL : dataBytes + 36;
    byte[] h = new byte[44];
    put(h, 0, "RIFF");
    le32(h, 4, riffSize);
    put(h, 8, "WAVE");
    put(h, 12, "fmt ");
    le32(h, 16, 16);
    h[20] = 1; // PCM
    h[22] = 1; // mono
    le32(h, 24, sampleRate);
    le32(h, 28, sampleRate * 2L);
    h[32] = 2; // block align
    h[34] = 16; // bits
    put(h, 36, "data");
    le32(h, 40, dataBytes);
    return h;
  }

  private static void put(byte[] b, int at, String s) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) s.charAt(i);
    }
  }

  private static void le32(byte[] b, int at, long v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >> 8);
    b[at + 2] = (byte) (v >> 16);
    b[at + 3] = (byte) (v >> 24);
  }
}
