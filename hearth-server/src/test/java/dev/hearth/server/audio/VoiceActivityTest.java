package dev.hearth.server.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VoiceActivityTest {
  static short[] tone(int rate, double... secondsOnOff) {
    int total = 0;
    for (double s : secondsOnOff) {
      total += (int) (s * rate);
    }
    short[] out = new short[total];
    java.util.Random noise = new java.util.Random(1);
    int at = 0;
    for (int k = 0; k < secondsOnOff.length; k++) {
      int n = (int) (secondsOnOff[k] * rate);
      for (int i = 0; i < n; i++, at++) {
        double s = noise.nextGaussian() * 20; // a quiet floor
        if (k % 2 == 1) {
          s += 8000 * Math.sin(2 * Math.PI * 220 * at / rate);
        }
        out[at] = (short) s;
      }
    }
    return out;
  }

  @Test
  void cutsAtPausesAndKeepsShortGapsTogether() {
    // silence 0.5, speech 1.0, gap 0.1 (kept), speech 0.5, pause 0.8 (cut), speech 1.0, silence 0.5
    short[] audio = tone(16000, 0.5, 1.0, 0.1, 0.5, 0.8, 1.0, 0.5);
    List<VoiceActivity.Span> spans = VoiceActivity.utterances(audio, 16000);
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).start() / 16000.0).isBetween(0.3, 0.5);
    assertThat(spans.get(0).end() / 16000.0).isBetween(2.1, 2.3);
    assertThat(spans.get(1).start() / 16000.0).isBetween(2.7, 2.8);
    assertThat(spans.get(1).end() / 16000.0).isBetween(3.9, 4.1);
  }

  @Test
  void silenceHasNoUtterancesAndLongSpeechIsCut() {
    assertThat(VoiceActivity.utterances(tone(16000, 2.0), 16000)).isEmpty();
    assertThat(VoiceActivity.utterances(new short[0], 16000)).isEmpty();
    List<VoiceActivity.Span> spans = VoiceActivity.utterances(tone(16000, 0.2, 45, 0.2), 16000);
    assertThat(spans.size()).isGreaterThanOrEqualTo(3);
    assertThat(spans).allSatisfy(s -> assertThat(s.end() - s.start()).isLessThanOrEqualTo(20 * 16000));
  }
}
