package dev.hearth.server.audio.speech;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits input text into the pieces synthesized one at a time: sentences, with long ones broken
 * at a comma or space. The first piece is kept short so the first audio goes out quickly.
 */
final class Utterances {
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?;])\\s+|\\s*\\n\\s*");
  static final int FIRST_MAX = 120;
  static final int MAX = 400;

  private Utterances() {}

  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (String sentence : SENTENCE_END.split(text)) {
      String s = sentence.strip();
      while (!s.isEmpty()) {
        int max = out.isEmpty() ? FIRST_MAX : MAX;
        if (s.length() <= max) {
          out.add(s);
          break;
        }
        int cut = s.lastIndexOf(", ", max);
        if (cut < max / 3) {
          cut = s.lastIndexOf(' ', max);
        }
        if (cut < max / 3) {
          cut = max;
        } else {
          cut++;
        }
        out.add(s.substring(0, cut).strip());
        s = s.substring(cut).strip();
      }
    }
    return out;
  }
}
