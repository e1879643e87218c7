package dev.hearth.server.audio;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Word error rate: word-level edit distance over the reference's length, after normalizing case and punctuation. */
public final class WordErrorRate {
  private WordErrorRate() {}

  public static List<String> words(String text) {
    String norm = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").strip();
    return norm.isEmpty() ? List.of() : Arrays.asList(norm.split("\\s+"));
  }

  public static double of(String reference, String hypothesis) {
    List<String> ref = words(reference);
    List<String> hyp = words(hypothesis);
    int[] prev = new int[hyp.size() + 1];
    int[] cur = new int[hyp.size() + 1];
    for (int j = 0; j <= hyp.size(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= ref.size(); i++) {
      cur[0] = i;
      for (int j = 1; j <= hyp.size(); j++) {
        int sub = prev[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return ref.isEmpty() ? (hyp.isEmpty() ? 0 : 1) : prev[hyp.size()] / (double) ref.size();
  }
}
