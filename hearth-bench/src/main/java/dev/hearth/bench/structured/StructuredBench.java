package dev.hearth.bench.structured;

import static dev.hearth.bench.BenchArgs.intArg;
import static dev.hearth.bench.BenchArgs.stringArg;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.grammar.Grammar;
import dev.hearth.engine.grammar.GrammarMatcher;
import dev.hearth.engine.grammar.GrammarState;
import dev.hearth.engine.grammar.JsonSchemaGrammar;
import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.engine.grammar.TokenTrie;
import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.engine.tokenizer.TokenType;
import dev.hearth.engine.tokenizer.Tokenizer;
import dev.hearth.server.generation.Sequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What constrained decoding costs: decode tokens/s of a random-weight model with Qwen2.5-0.5B's
 * shape and real vocabulary (151,936 tokens from {@code ../shared/llm-fixtures/vocab/ggml-vocab-qwen2.gguf};
 * without it a small built-in vocabulary, which understates the masking cost, and the table says so)
 * with no constraint and with a non-trivial JSON schema, measured alternately in one run; then the
 * one-off costs for a 50-property schema: compiling it, building the vocabulary trie, and the first
 * (uncached) token mask.
 *
 * <pre>
 * ./hearth-bench/bench structured [--runs 3] [--tokens 48] [--layers 24] [--shared ../shared]
 * </pre>
 */
public final class StructuredBench {
  /** A nested schema with the kinds of values structured outputs mostly ask for. */
  static final Map<String, Object> SCHEMA = object(props(
      "name", Map.of("type", "string", "maxLength", 40),
      "age", Map.of("type", "integer"),
      "email", Map.of("type", "string"),
      "born", Map.of("type", "string", "format", "date"),
      "role", Map.of("enum", List.of("admin", "editor", "viewer")),
      "score", Map.of("type", "number"),
      "active", Map.of("type", "boolean"),
      "address", object(props("street", Map.of("type", "string"), "city", Map.of("type", "string"),
          "zip", Map.of("type", "string", "maxLength", 10))),
      "tags", Map.of("type", "array", "items", Map.of("type", "string"), "maxItems", 8)));

  public static void main(String[] args) throws Exception {
    int runs = intArg(args, "--runs", 3);
    int tokens = intArg(args, "--tokens", 48);
    int layers = intArg(args, "--layers", 24);
    String sharedArg = stringArg(args, "--shared", System.getProperty("hearth.shared", "../shared"));
    Path vocabFile = Path.of(sharedArg, "llm-fixtures/vocab/ggml-vocab-qwen2.gguf");
    boolean realVocab = Files.exists(vocabFile);
    TinyVocabulary vocabulary = realVocab ? TinyVocabulary.fromGguf(vocabFile) : TinyVocabulary.byteLevelBpe(400);

    Path dir = Files.createTempDirectory("hearth-structured-bench");
    Path modelFile = dir.resolve("bench.gguf");
    long t0 = System.nanoTime();
    // Qwen2.5-0.5B: 24 layers, 896 wide, 14 heads over 2 KV heads, feed-forward 4864
    TinyModelWriter.write(TinyModelSpec.of("qwen2").withWeightType(GgmlType.Q8_0)
        .withDimensions(layers, 896, 14, 2, 4864, 4096), vocabulary, modelFile);
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    try (GgufFile file = GgufFile.open(modelFile)) {
      Model model = ModelLoader.load(file);
      Tokenizer tokenizer = model.tokenizer();
      int vocab = tokenizer.vocabulary().size();

      long trieStart = System.nanoTime();
      TokenTrie trie = trie(tokenizer);
      double trieMs = (System.nanoTime() - trieStart) / 1e6;
      int[] ends = tokenizer.specialTokens().endOfGeneration();

      // one-off costs for a 50-property schema
      Map<String, Object> big = fiftyProperties();
      long c0 = System.nanoTime();
      Grammar bigGrammar = JsonSchemaGrammar.compile(big);
      double compileMs = (System.nanoTime() - c0) / 1e6;
      TokenMasker bigMasker = new TokenMasker(new GrammarMatcher(bigGrammar), trie, ends);
      long m0 = System.nanoTime();
      GrammarState start = bigMasker.matcher().start();
      int allowedAtStart = bigMasker.allowed(start).cardinality();
      double firstMaskMs = (System.nanoTime() - m0) / 1e6;
      GrammarState afterKey = bigMasker.advance(start, "{\"field_00\":\"".getBytes());
      long s0 = System.nanoTime();
      int allowedInString = bigMasker.allowed(afterKey).cardinality();
      double stringMaskMs = (System.nanoTime() - s0) / 1e6;

      // decode with and without the nested schema, alternately
      TokenMasker masker = new TokenMasker(new GrammarMatcher(JsonSchemaGrammar.compile(SCHEMA)), trie, ends);
      int[] prompt = tokenizer.encode("Describe a person as JSON.", false, true);
      Map<Integer, Double> noEnd = new LinkedHashMap<>();
      for (int e : ends) {
        noEnd.put(e, -100.0);
      }
      List<Double> free = new ArrayList<>();
      List<Double> constrained = new ArrayList<>();
      int[] constrainedTokens = new int[1];
      for (int r = -1; r < runs; r++) { // the first round warms up the JIT; each round samples a different output
        double f = decode(model, prompt, tokens, noEnd, null, new int[1], 100 + r);
        double c = decode(model, prompt, tokens, noEnd, masker, constrainedTokens, 100 + r);
        if (r >= 0) {
          free.add(f);
          constrained.add(c);
        }
      }
      double freeRate = median(free);
      double constrainedRate = median(constrained);

      System.out.printf(Locale.ROOT, "Structured outputs benchmark: qwen2 %d layers x 896 wide (Qwen2.5-0.5B shape), Q8_0,"
          + " vocabulary %,d tokens (%s), %d CPUs; model written in %.1f s%n", layers, vocab,
          realVocab ? "qwen2 fixture" : "built-in, NOT the real size: masking cost understated", Runtime.getRuntime()
              .availableProcessors(), writeSeconds);
      System.out.printf(Locale.ROOT, "%-44s %12s %12s %8s%n", "decode, median of " + runs + " runs of " + tokens + " tokens",
          "free", "schema", "ratio");
      System.out.printf(Locale.ROOT, "%-44s %12.2f %12.2f %8.3f%n", "tokens/s", freeRate, constrainedRate,
          constrainedRate / freeRate);
      System.out.printf(Locale.ROOT, "%-44s %12s %11.1f%%%n", "constraint overhead (goal <= 10%)", "",
          100 * (freeRate / constrainedRate - 1));
      System.out.printf(Locale.ROOT, "%-44s %12d%n", "tokens generated under the schema (last run)", constrainedTokens[0]);
      System.out.printf(Locale.ROOT, "%n%-44s %12s%n", "one-off costs", "ms");
      System.out.printf(Locale.ROOT, "%-44s %12.2f%n", "compile 50-property schema to a grammar", compileMs);
      System.out.printf(Locale.ROOT, "%-44s %12.2f%n", "vocabulary trie (once per model)", trieMs);
      System.out.printf(Locale.ROOT, "%-44s %12.2f   (%,d tokens allowed)%n", "first mask, 50-property schema start", firstMaskMs,
          allowedAtStart);
      System.out.printf(Locale.ROOT, "%-44s %12.2f   (%,d tokens allowed)%n", "first mask inside a string value", stringMaskMs,
          allowedInString);
    } finally {
      Files.deleteIfExists(modelFile);
      Files.deleteIfExists(dir);
    }
  }

  /** Decode tokens/s after the prompt (fed outside the timing). */
  static double decode(Model model, int[] prompt, int tokens, Map<Integer, Double> bias, TokenMasker masker, int[] count,
      long seed) {
    InferenceState state = Sequence.prefill(model, prompt, tokens);
    Sequence.Params p = new Sequence.Params(tokens, 1.0, 1.0, seed, 0, 0, masker == null ? bias : Map.of(), List.of(), -1, false,
        masker);
    long start = System.nanoTime();
    Sequence.Result r = Sequence.generate(model, state, p, (text, lp) -> true);
    double seconds = (System.nanoTime() - start) / 1e9;
    count[0] = r.completionTokens();
    return r.completionTokens() / seconds;
  }

  static TokenTrie trie(Tokenizer tokenizer) {
    List<byte[]> bytes = new ArrayList<>(tokenizer.vocabulary().size());
    for (int id = 0; id < tokenizer.vocabulary().size(); id++) {
      bytes.add(tokenizer.vocabulary().type(id) == TokenType.CONTROL ? null : tokenizer.tokenBytes(id, false));
    }
    return TokenTrie.of(bytes);
  }

  static Map<String, Object> fiftyProperties() {
    Map<String, Object> props = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      Object schema = switch (i % 6) {
        case 0 -> Map.of("type", "string");
        case 1 -> Map.of("type", "integer");
        case 2 -> Map.of("type", "number");
        case 3 -> Map.of("enum", List.of("low", "medium", "high"));
        case 4 -> Map.of("type", "array", "items", Map.of("type", "boolean"), "maxItems", 4);
        default -> object(props("x", Map.of("type", "number"), "label", Map.of("type", "string", "maxLength", 16)));
      };
      props.put(String.format(Locale.ROOT, "field_%02d", i), schema);
    }
    return object(props);
  }

  static Map<String, Object> props(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Map<String, Object> object(Map<String, Object> properties) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "object");
    m.put("properties", properties);
    m.put("required", List.copyOf(properties.keySet()));
    m.put("additionalProperties", false);
    return m;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
