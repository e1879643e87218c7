package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StopSequencesTest {
  private static String feed(StopSequences s, String... pieces) {
    StringBuilder out = new StringBuilder();
    for (String p : pieces) {
      out.append(s.append(p));
      if (s.stopped()) {
        break;
      }
    }
    return out.append(s.flush()).toString();
  }

  @Test
  void aStopSplitAcrossTokensIsCaughtAndNeverEmitted() {
    StopSequences s = new StopSequences(List.of("END"));
    assertThat(s.append("The E")).isEqualTo("The ");
    assertThat(s.append("N")).isEmpty();
    assertThat(s.append("D and more")).isEmpty();
    assertThat(s.stopped()).isTrue();
    assertThat(s.flush()).isEmpty();
  }

  @Test
  void aFalseStartIsReleasedOnceItCannotBeAStop() {
    StopSequences s = new StopSequences(List.of("END"));
    assertThat(s.append("EN")).isEmpty();
    assertThat(s.append("Q")).isEqualTo("ENQ");
    assertThat(s.stopped()).isFalse();
  }

  @Test
  void heldBackTextIsOutputWhenGenerationEndsWithoutAStop() {
    StopSequences s = new StopSequences(List.of("\n\n"));
    assertThat(s.append("line\n")).isEqualTo("line");
    assertThat(s.flush()).isEqualTo("\n");
  }

  @Test
  void theEarliestOfSeveralStopsWins() {
    assertThat(feed(new StopSequences(List.of("world", "lo w")), "hel", "lo wor", "ld")).isEqualTo("hel");
  }

  @Test
  void withoutStopsTextPassesStraightThrough() {
    StopSequences s = new StopSequences(List.of());
    assertThat(s.append("abc")).isEqualTo("abc");
    assertThat(s.stopped()).isFalse();
  }

  @Test
  void anySplitOfTheTextGivesTheSameOutputAsTheWholeText() {
    SplittableRandom random = new SplittableRandom(3);
    String text = "alpha beta <|stop|> gamma";
    for (int trial = 0; trial < 500; trial++) {
      List<String> pieces = new ArrayList<>();
      int at = 0;
      while (at < text.length()) {
        int len = random.nextInt(1, 5);
        pieces.add(text.substring(at, Math.min(text.length(), at + len)));
        at += len;
      }
      assertThat(feed(new StopSequences(List.of("<|stop|>", "zeta")), pieces.toArray(String[]::new)))
          .isEqualTo("alpha beta ");
    }
  }
}
