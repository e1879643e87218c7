package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reasoning is separated from the answer whatever the token boundaries. */
class ReasoningSplitterTest {

  static String[] run(ReasoningSplitter s, List<String> pieces) {
    StringBuilder reasoning = new StringBuilder();
    StringBuilder content = new StringBuilder();
    for (String p : pieces) {
      var split = s.accept(p);
      reasoning.append(split.reasoning());
      content.append(split.content());
    }
    var rest = s.finish();
    reasoning.append(rest.reasoning());
    content.append(rest.content());
    return new String[] {reasoning.toString(), content.toString()};
  }

  /** Every way of cutting {@code text} into two and three pieces gives the same split. */
  static void assertSplit(boolean opens, String text, String reasoning, String content) {
    for (int i = 0; i <= text.length(); i++) {
      for (int j = i; j <= text.length(); j++) {
        String[] out = run(new ReasoningSplitter(opens), List.of(text.substring(0, i), text.substring(i, j), text.substring(j)));
        assertThat(out).as("cut at " + i + ", " + j).containsExactly(reasoning, content);
      }
    }
  }

  @Test
  void thinkBlockGoesToReasoning() {
    assertSplit(false, "<think>\nLet me see.\n</think>\n\nThe answer is 4.", "Let me see.\n", "The answer is 4.");
  }

  @Test
  void promptThatOpensTheBlock() {
    assertSplit(true, "Hmm, two and two.</think>\n\nFour.", "Hmm, two and two.", "Four.");
  }

  @Test
  void noThinkingIsAllContent() {
    assertSplit(false, "Just <the> answer.", "", "Just <the> answer.");
  }

  @Test
  void unfinishedReasoningStaysReasoning() {
    assertSplit(false, "<think>still going", "still going", "");
  }
}
