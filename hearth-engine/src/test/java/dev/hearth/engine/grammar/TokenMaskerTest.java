package dev.hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenMaskerTest {
  /** A toy vocabulary: every single byte, some JSON-ish pieces, some multi-byte characters. */
  static List<byte[]> vocabulary() {
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    for (String piece : List.of("{\"", "\":", "\",\"", "\"}", "true", "false", "null", "name", "age", "12", "3.5", "e-7",
        "\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "\\n", "\\u00", "},{", "[]", "],", " the", "ing")) {
      tokens.add(piece.getBytes(StandardCharsets.UTF_8));
    }
    tokens.add(null); // a control token: never allowed in constrained text
    tokens.add(null); // end of text
    return tokens;
  }

  static final int EOS = 256 + 22 + 1;

  @SafeVarargs
  static Map<String, Object> obj(Map.Entry<String, Object>... entries) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (var e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  static Map<String, Object> person() {
    Map<String, Object> name = obj(Map.entry("type", "string"), Map.entry("maxLength", 12));
    Map<String, Object> age = obj(Map.entry("type", "integer"));
    Map<String, Object> tag = obj(Map.entry("enum", List.of("a", "b\u00e9", 3)));
    Map<String, Object> tags = obj(Map.entry("type", "array"), Map.entry("items", tag), Map.entry("maxItems", 4));
    Map<String, Object> score = obj(Map.entry("type", List.of("number", "null")));
    Map<String, Object> properties = obj(Map.entry("name", name), Map.entry("age", age), Map.entry("tags", tags),
        Map.entry("score", score));
    return obj(Map.entry("type", "object"), Map.entry("properties", properties));
  }

  @Test
  void masksAgreeWithTheRecognizerTokenByToken() {
    GrammarMatcher matcher = new GrammarMatcher(JsonSchemaGrammar.compile(person()));
    List<byte[]> vocab = vocabulary();
    TokenMasker masker = new TokenMasker(matcher, vocab, new int[] {EOS});
    SplittableRandom random = new SplittableRandom(11);
    GrammarState state = matcher.start();
    for (int step = 0; step < 60 && state.canContinue(); step++) {
      BitSet mask = masker.allowed(state);
      for (int t = 0; t < vocab.size(); t++) {
        boolean expected = vocab.get(t) != null && !matcher.advance(state, vocab.get(t)).dead();
        if (t == EOS) {
          expected = state.complete();
        }
        assertThat(mask.get(t)).as("token %d at step %d", t, step).isEqualTo(expected);
      }
      int[] allowed = mask.stream().filter(t -> t != EOS).toArray();
      state = matcher.advance(state, vocab.get(allowed[random.nextInt(allowed.length)]));
    }
  }

  @Test
  void aModelThatPicksAnyAllowedTokenAlwaysProducesMatchingJson() {
    GrammarMatcher matcher = new GrammarMatcher(JsonSchemaGrammar.compile(person()));
    List<byte[]> vocab = vocabulary();
    TokenMasker masker = new TokenMasker(matcher, vocab, new int[] {EOS});
    SplittableRandom random = new SplittableRandom(5);
    int completed = 0;
    for (int run = 0; run < 200; run++) {
      GrammarState state = matcher.start();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int step = 0; step < 400; step++) {
        BitSet mask = masker.allowed(state);
        assertThat(mask.isEmpty()).as("a live state always allows something").isFalse();
        int[] allowed = mask.stream().toArray();
        // Garbage model, but one that stops when it may: uniform over the allowed tokens.
        int token = mask.get(EOS) ? EOS : allowed[random.nextInt(allowed.length)];
        if (token == EOS) {
          completed++;
          String text = bytes.toString(StandardCharsets.UTF_8);
          assertThat(matcher.matches(text)).as(text).isTrue();
          assertThat(text).startsWith("{\"name\":\"").contains(",\"age\":").contains(",\"tags\":[").endsWith("}");
          break;
        }
        bytes.writeBytes(vocab.get(token));
        state = matcher.advance(state, vocab.get(token));
      }
    }
    assertThat(completed).as("most runs finish within 400 tokens").isGreaterThan(150);
  }
}
