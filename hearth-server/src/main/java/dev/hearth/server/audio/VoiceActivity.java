package dev.hearth.server.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Energy-based voice activity detection: cuts audio into utterances at pauses, so a recognizer
 * can decode each as a whole (and report it as one segment). Deterministic, no state across calls.
 *
 * <p>10 ms frames; a frame is speech when its energy is 12 dB above the file's noise floor (10th
 * percentile, at most 30 dB under the loudest frame), within 45 dB of the loudest frame and above
 * -50 dBFS. Speech runs closer than 0.25 s are merged,
 * each utterance gets 0.15 s of context on both sides, and one longer than 20 s is cut at its
 * quietest frame in its last 5 s.
 */
public final class VoiceActivity {
  /** Sample offsets, end exclusive. */
  public record Span(int start, int end) {}

  private VoiceActivity() {}

  public static List<Span> utterances(short[] samples, int sampleRate) {
    int frame = sampleRate / 100;
    int frames = samples.length / frame;
    if (frames == 0) {
      return List.of();
    }
    double[] db = new double[frames];
    for (int f = 0; f < frames; f++) {
      double sum = 0;
      for (int i = f * frame; i < (f + 1) * frame; i++) {
        sum += (double) samples[i] * samples[i];
      }
      db[f] = 10 * Math.log10(sum / frame + 1);
    }
    double[] sorted = db.clone();
    Arrays.sort(sorted);
    double peak = sorted[frames - 1];
    // The floor is the quietest tenth, unless the file is nearly all speech; nothing quieter than
    // 40 dB (an RMS of 100, -50 dBFS) counts as speech.
    double floor = Math.min(sorted[frames / 10], peak - 30);
    double threshold = Math.max(Math.max(floor + 12, peak - 45), 40);
    if (peak < threshold) {
      return List.of();
    }
    int mergeGap = 25;
    int pad = 15;
    int minSpeech = 10;
    int maxLength = 2000;
    List<int[]> runs = new ArrayList<>();
    int f = 0;
    while (f < frames) {
      if (db[f] <= threshold) {
        f++;
        continue;
      }
      int start = f;
      int end = f;
      int speech = 0;
      int silence = 0;
      while (f < frames && silence <= mergeGap) {
        if (db[f] > threshold) {
          end = f + 1;
          speech++;
          silence = 0;
        } else {
          silence++;
        }
        f++;
      }
      if (speech >= minSpeech) {
        runs.add(new int[] {Math.max(0, start - pad), Math.min(frames, end + pad)});
      }
      f = end;
    }
    List<Span> out = new ArrayList<>();
    for (int[] run : runs) {
      int start = run[0];
      while (run[1] - start > maxLength) {
        int cut = start + maxLength;
        for (int i = start + maxLength - 500; i < start + maxLength; i++) {
          if (db[i] < db[cut - 1]) {
            cut = i + 1;
          }
        }
        out.add(new Span(start * frame, cut * frame));
        start = cut;
      }
      int end = run[1] == frames ? samples.length / frame * frame : run[1] * frame;
      out.add(new Span(start * frame, Math.min(samples.length, end)));
    }
    // Padding can make neighbours overlap; keep them in order and disjoint.
    List<Span> disjoint = new ArrayList<>();
    for (Span s : out) {
      if (!disjoint.isEmpty() && s.start() < disjoint.getLast().end()) {
        Span last = disjoint.removeLast();
        disjoint.add(new Span(last.start(), Math.max(last.end(), s.end())));
      } else {
        disjoint.add(s);
      }
    }
    return disjoint;
  }
}
