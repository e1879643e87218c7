package dev.hearth.server.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PcmTest {
  static short[] sine(double hz, int rate, double seconds) {
    short[] s = new short[(int) (rate * seconds)];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) Math.round(10000 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return s;
  }

  /** Zero crossings per second over the middle of the signal, halved: the frequency. */
  static double frequency(short[] s, int rate) {
    int crossings = 0;
    int from = s.length / 4;
    int to = 3 * s.length / 4;
    for (int i = from + 1; i < to; i++) {
      if ((s[i - 1] < 0) != (s[i] < 0)) {
        crossings++;
      }
    }
    return crossings / 2.0 / ((to - from) / (double) rate);
  }

  @Test
  void resamplingKeepsPitchAndDuration() {
    short[] in = sine(440, 16000, 1.0);
    short[] up = Pcm.resample(in, 16000, 24000);
    assertThat(up.length).isEqualTo(24000);
    assertThat(frequency(up, 24000)).isCloseTo(440, org.assertj.core.data.Offset.offset(3.0));
    short[] odd = Pcm.resample(sine(300, 22050, 0.5), 22050, 24000);
    assertThat(odd.length).isEqualTo(12000);
    assertThat(frequency(odd, 24000)).isCloseTo(300, org.assertj.core.data.Offset.offset(3.0));
  }

  @Test
  void downsamplingFiltersWhatTheNewRateCannotCarry() {
    short[] high = Pcm.resample(sine(10000, 48000, 0.5), 48000, 16000); // above the 8 kHz Nyquist
    long energy = 0;
    for (int i = 100; i < high.length - 100; i++) {
      energy += Math.abs(high[i]);
    }
    assertThat(energy / (high.length - 200)).isLessThan(300); // was ~6400 on average
  }

  @Test
  void wavRoundTripsAndRejectsOtherData() throws IOException {
    short[] s = sine(200, 8000, 0.1);
    byte[] data = Pcm.toLittleEndian(s, 0, s.length);
    byte[] wav = new byte[44 + data.length];
    byte[] header = dev.hearth.server.audio.speech.WavHeaders.header(8000, data.length);
    System.arraycopy(header, 0, wav, 0, 44);
    System.arraycopy(data, 0, wav, 44, data.length);
    Pcm.Audio audio = Pcm.readWav(new ByteArrayInputStream(wav));
    assertThat(audio.sampleRate()).isEqualTo(8000);
    assertThat(audio.samples()).containsExactly(s);
    assertThatThrownBy(() -> Pcm.readWav(new ByteArrayInputStream("not a wav file at all".getBytes())))
        .isInstanceOf(IOException.class);
  }
}
