package dev.hearth.server.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.hearth.engine.grammar.GrammarMatcher;
import dev.hearth.engine.grammar.GrammarState;
import dev.hearth.engine.grammar.JsonSchemaGrammar;
import dev.hearth.engine.grammar.TokenMasker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The structured-outputs guarantee, checked by an independent JSON Schema validator: for many
 * generated schemas, a "model" that picks any token the mask allows (random weights emit garbage
 * when unconstrained) always finishes with JSON that parses and validates.
 */
class ConstrainedJsonPropertyTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDialect(Dialects.getDraft202012());

  private static List<byte[]> vocabulary() {
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    for (String piece : List.of("{\"", "\":", "\",\"", "\"}", "true", "false", "null", "12", "3.5", "e+2", "\u00e9",
        "\u4e2d", "\\\"", "\\u00e9", "},{", "[]", "{}", "],[", " the", "ing", "\"a\"", "\"b\"")) {
      tokens.add(piece.getBytes(StandardCharsets.UTF_8));
    }
    tokens.add(null); // end of text
    return tokens;
  }

  /** A random strict-mode schema: objects, arrays, scalars, enums, consts, anyOf, nullable types. */
  private static Map<String, Object> schema(SplittableRandom r, int depth) {
    Map<String, Object> s = new LinkedHashMap<>();
    int kind = depth >= 3 ? 2 + r.nextInt(7) : r.nextInt(9);
    switch (kind) {
      case 0 -> {
        s.put("type", "object");
        Map<String, Object> props = new LinkedHashMap<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          props.put("p" + depth + i, schema(r, depth + 1));
        }
        s.put("properties", props);
        s.put("required", new ArrayList<>(props.keySet()));
        s.put("additionalProperties", false);
      }
      case 1 -> {
        s.put("type", "array");
        s.put("items", schema(r, depth + 1));
        s.put("minItems", r.nextInt(2));
        s.put("maxItems", 2 + r.nextInt(3));
      }
      case 2 -> {
        s.put("type", "string");
        if (r.nextBoolean()) {
          s.put("maxLength", 1 + r.nextInt(6));
        }
      }
      case 3 -> s.put("type", "integer");
      case 4 -> s.put("type", "number");
      case 5 -> s.put("type", r.nextBoolean() ? "boolean" : List.of("boolean", "null"));
      case 6 -> s.put("enum", List.of("x", "y\u00e9", 4, true));
      case 7 -> s.put("const", "fixed");
      default -> s.put("anyOf", List.of(Map.of("type", "integer"), Map.of("type", "string", "maxLength", 3)));
    }
    return s;
  }

  @Test
  void everyCompletedOutputValidatesAgainstItsSchema() throws Exception {
    List<byte[]> vocab = vocabulary();
    int eos = vocab.size() - 1;
    SplittableRandom random = new SplittableRandom(2026);
    int completed = 0;
    for (int schemaIndex = 0; schemaIndex < 60; schemaIndex++) {
      Map<String, Object> root = schema(random, 0);
      String schemaJson = JSON.writeValueAsString(root);
      Schema validator = REGISTRY.getSchema(schemaJson);
      GrammarMatcher matcher = new GrammarMatcher(JsonSchemaGrammar.compile(root));
      TokenMasker masker = new TokenMasker(matcher, vocab, new int[] {eos});
      for (int run = 0; run < 5; run++) {
        GrammarState state = matcher.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < 300; step++) {
          BitSet mask = masker.allowed(state);
          int[] allowed = mask.stream().toArray();
          assertThat(allowed).as("schema %s after %s", schemaJson, out).isNotEmpty();
          int token = mask.get(eos) && random.nextInt(4) > 0 ? eos : allowed[random.nextInt(allowed.length)];
          if (token == eos) {
            String text = out.toString(StandardCharsets.UTF_8);
            List<Error> errors = validator.validate(JSON.readTree(text));
            assertThat(errors).as("schema %s output %s", schemaJson, text).isEmpty();
            completed++;
            break;
          }
          out.writeBytes(vocab.get(token));
          state = matcher.advance(state, vocab.get(token));
        }
      }
    }
    assertThat(completed).as("most generations finish within the step budget").isGreaterThan(200);
  }
}
