package dev.hearth.server.audio;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** 16-bit mono PCM helpers: WAV parsing, little-endian conversion and resampling. */
public final class Pcm {
  private Pcm() {}

  /** Mono 16-bit samples and their rate. */
  public record Audio(short[] samples, int sampleRate) {
    public double seconds() {
      return samples.length / (double) sampleRate;
    }
  }

  /**
   * Reads a 16-bit PCM WAV stream to its end. The data chunk's size is not trusted (streaming
   * writers put 0xFFFFFFFF there); stereo is mixed down.
   */
  public static Audio readWav(InputStream in) throws IOException {
    byte[] riff = in.readNBytes(12);
    if (riff.length < 12 || riff[0] != 'R' || riff[1] != 'I' || riff[2] != 'F' || riff[3] != 'F'
        || riff[8] != 'W' || riff[9] != 'A' || riff[10] != 'V' || riff[11] != 'E') {
      throw new IOException("not a WAV stream");
    }
    int channels = 1;
    int rate = 0;
    int bits = 16;
    while (true) {
      byte[] header = in.readNBytes(8);
      if (header.length < 8) {
        throw new EOFException("WAV stream has no data chunk");
      }
      String id = new String(header, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
      long size = le32(header, 4) & 0xFFFFFFFFL;
      if (id.equals("fmt ")) {
        byte[] fmt = in.readNBytes((int) size);
        int format = le16(fmt, 0);
        channels = le16(fmt, 2);
        rate = le32(fmt, 4);
        bits = le16(fmt, 14);
        if ((format != 1 && format != 0xFFFE) || bits != 16) {
          throw new IOException("WAV is not 16-bit PCM (format " + format + ", " + bits + " bits)");
        }
        if ((size & 1) == 1) {
          in.skipNBytes(1);
        }
      } else if (id.equals("data")) {
        if (rate == 0) {
          throw new IOException("WAV data before its fmt chunk");
        }
        byte[] data = in.readAllBytes();
        return new Audio(mono(data, channels), rate);
      } else {
        in.skipNBytes(size + (size & 1));
      }
    }
  }

  private static short[] mono(byte[] data, int channels) {
    int frames = data.length / (2 * channels);
    short[] out = new short[frames];
    for (int f = 0; f < frames; f++) {
      int sum = 0;
      for (int c = 0; c < channels; c++) {
        int i = (f * channels + c) * 2;
        sum += (short) ((data[i] & 0xFF) | (data[i + 1] << 8));
      }
      out[f] = (short) (sum / channels);
    }
    return out;
  }

  public static short[] fromLittleEndian(byte[] data) {
    short[] out = new short[data.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) ((data[2 * i] & 0xFF) | (data[2 * i + 1] << 8));
    }
    return out;
  }

  public static byte[] toLittleEndian(short[] samples, int offset, int length) {
    byte[] out = new byte[length * 2];
    for (int i = 0; i < length; i++) {
      short s = samples[offset + i];
      out[2 * i] = (byte) s;
      out[2 * i + 1] = (byte) (s >> 8);
    }
    return out;
  }

  /** Reads all of a stream of little-endian 16-bit samples. */
  public static short[] readLittleEndian(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    in.transferTo(buffer);
    return fromLittleEndian(buffer.toByteArray());
  }

  /**
   * Band-limited resampling with a Hann-windowed sinc (16 zero crossings; the cut-off is the lower
   * of the two Nyquist frequencies, so downsampling does not alias). Polyphase: the kernel is
   * tabulated once per output phase ({@code toRate / gcd} phases, e.g. 3 for 16 kHz to 24 kHz).
   */
  public static short[] resample(short[] in, int fromRate, int toRate) {
    if (fromRate == toRate || in.length == 0) {
      return in;
    }
    int g = gcd(fromRate, toRate);
    int up = toRate / g;
    int down = fromRate / g;
    double cutoff = Math.min(1.0, (double) toRate / fromRate);
    int half = (int) Math.ceil(16 / cutoff);
    int taps = 2 * half + 1;
    double[][] kernel = new double[up][taps];
    for (int phase = 0; phase < up; phase++) {
      double frac = phase / (double) up; // position of the output sample past input sample `base`
      for (int j = 0; j < taps; j++) {
        double d = (j - half) - frac; // k - t
        double x = d * cutoff;
        double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        double w = Math.abs(d) >= half ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * d / half);
        kernel[phase][j] = sinc * w * cutoff;
      }
    }
    int outLength = (int) ((long) in.length * up / down);
    short[] out = new short[outLength];
    for (int n = 0; n < outLength; n++) {
      long pos = (long) n * down;
      int base = (int) (pos / up);
      double[] k = kernel[(int) (pos % up)];
      double acc = 0;
      int from = Math.max(0, base - half);
      int to = Math.min(in.length - 1, base + half);
      for (int i = from; i <= to; i++) {
        acc += in[i] * k[i - base + half];
      }
      out[n] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(acc)));
    }
    return out;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static int le16(byte[] b, int at) {
    return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
  }

  private static int le32(byte[] b, int at) {
    return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8) | ((b[at + 2] & 0xFF) << 16) | ((b[at + 3] & 0xFF) << 24);
  }
}
