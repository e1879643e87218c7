package dev.hearth.engine.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import de.kherud.llama.LlamaModel;
import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same tiny GGUF in the engine and in llama.cpp: hidden state after every word of a prompt,
 * and a greedy continuation. Runs in its own JVM (tag "oracle", see the module pom).
 */
@Tag("oracle")
class LlamaCppOracleTest {

    static final String PROMPT = "The hearth was warm and the old dog slept by the stones while the fire burned low";
    static final int CONTEXT = 128;
    /** Max |difference| between llama.cpp's unit-length hidden state and ours. */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"llama,F32", "llama,F16", "llama,BF16", "llama,Q8_0", "llama,Q4_0", "qwen2,F32", "qwen2,Q8_0",
            "qwen2,Q4_0", "llama,Q4_1", "qwen2,Q5_0", "llama,Q5_1", "llama,Q4_K", "llama,Q5_K", "qwen2,Q6_K",
            "qwen3,F32", "phi3,F32", "phi3,Q8_0", "phi3,Q4_0", "phi3,Q4_K", "phi3,Q6_K",
            "gemma3,F32", "gemma3,Q8_0", "gemma3,Q4_0", "gemma3,Q4_K", "gemma3,Q6_K"})
    void hiddenStatesAndGreedyContinuationMatchLlamaCpp(String arch, GgmlType type) throws IOException {
        Assumptions.assumeFalse(arch.equals("qwen3"),
                "the llama.cpp inside de.kherud:llama 4.2.0 predates the qwen3 architecture "
                        + "(qwen3 is checked against the naive reference in ModelTest instead)");
        int width = type.blockSize() == 256 ? 256 : 64; // K-quant rows hold whole super-blocks of 256
        TinyModelSpec spec = TinyModelSpec.of(arch).withDimensions(2, width, 4, 2, 2 * width, CONTEXT).withWeightType(type);
        if (arch.equals("gemma3")) {
            // six layers: five sliding over the last 5 positions (RoPE base 10000), the sixth global (base 10^6);
            // heads wider than width / heads, as Gemma 3 1B's (4 × 256 over 1152)
            spec = spec.withDimensions(6, width, 4, 2, 2 * width, CONTEXT).withSlidingWindow(5).withRopeFreqBase(1e6f)
                    .withHeadSize(width / 2);
        }
        Path file = tmp.resolve(arch + "-" + type + ".gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf);
            compareHiddenStates(model, file, type);
            compareGreedy(model, file, "The hearth was", 24);
        }
    }

    /**
     * A model that mixes types as llama.cpp's Q4_K_M files do (Q4_K matrices, Q6_K for the feed-forward
     * output, the fallbacks Q5_0/Q5_1 and Q8_0 elsewhere, a Q4_1 embedding table): every product
     * consumes its own input form (Q8_K, Q8_0, Q8_1) from one layer input, q/k/v of three types share a
     * parallel region, and the result still matches llama.cpp.
     */
    @Test
    void aModelMixingTypesMatchesLlamaCpp() throws IOException {
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(2, 256, 4, 2, 512, CONTEXT)
                .withWeightType(GgmlType.Q4_K)
                .withTensorTypes(Map.of("ffn_down", GgmlType.Q6_K, "attn_v", GgmlType.Q5_0, "attn_k", GgmlType.Q5_1,
                        "output", GgmlType.Q8_0, "token_embd", GgmlType.Q4_1));
        Path file = tmp.resolve("llama-mixed.gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensors().stream().map(t -> t.type()).distinct())
                    .contains(GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q4_1);
            Model model = ModelLoader.load(gguf);
            compareHiddenStates(model, file, GgmlType.Q4_K);
            compareGreedy(model, file, "The hearth was", 24);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32", "Q8_0"})
    void llama3RopeFrequencyScalingMatchesLlamaCpp(GgmlType type) throws IOException {
        // original context 32 with head size 16: the pair frequencies span "kept", "ramped" and "divided by 8"
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(2, 64, 4, 2, 128, CONTEXT).withWeightType(type)
                .withRopeScaling(new TinyModelSpec.Llama3RopeScaling(8f, 1f, 4f, 32));
        Path file = tmp.resolve("llama3-rope-" + type + ".gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf);
            assertThat(model.weights().ropeFreqFactors()).contains(1f, 8f);
            compareHiddenStates(model, file, type);
            compareGreedy(model, file, "The hearth was", 24);
        }
    }

    /**
     * Linear RoPE scaling: llama.cpp divides every angle by the factor, but Gemma 3's only on its global
     * layers (its sliding ones keep base 10000 unscaled).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama", "gemma3"})
    void linearRopeScalingMatchesLlamaCpp(String arch) throws IOException {
        TinyModelSpec spec = TinyModelSpec.of(arch).withWeightType(GgmlType.Q8_0)
                .withRopeScaling(new TinyModelSpec.LinearRopeScaling(8f));
        if (arch.equals("gemma3")) {
            spec = spec.withDimensions(6, 64, 4, 2, 128, CONTEXT).withSlidingWindow(5).withRopeFreqBase(1e6f);
        }
        Path file = tmp.resolve(arch + "-linear-rope.gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf);
            assertThat(model.config().ropeFreqScale()).isEqualTo(0.125f);
            compareHiddenStates(model, file, GgmlType.Q8_0);
            compareGreedy(model, file, "The hearth was", 24);
        }
    }

    /**
     * YaRN (Qwen2.5's long-context RoPE): with an original context of 32 and head size 16, the first
     * pair keeps its unscaled angle, the second mixes both halves, the rest are divided by the factor,
     * and cos and sin grow by 1 + 0.1 ln 4.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"qwen2", "llama"})
    void yarnRopeScalingMatchesLlamaCpp(String arch) throws IOException {
        TinyModelSpec spec = TinyModelSpec.of(arch).withWeightType(GgmlType.Q8_0).withDimensions(2, 64, 4, 2, 128, CONTEXT)
                .withRopeScaling(new TinyModelSpec.YarnRopeScaling(4f, 32));
        Path file = tmp.resolve(arch + "-yarn.gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf);
            assertThat(model.config().yarn()).isTrue();
            compareHiddenStates(model, file, GgmlType.Q8_0);
            compareGreedy(model, file, "The hearth was", 24);
        }
    }

    /**
     * Phi-3's LongRoPE: llama.cpp takes the short factors for a context up to the original one and the
     * long factors past it, and scales cos and sin by the attention factor either way. The model is
     * loaded for the oracle's context ({@link #CONTEXT}), once below and once above the original.
     */
    @ParameterizedTest(name = "original context {0}")
    @CsvSource({"256", "64"})
    void phi3LongRopeMatchesLlamaCpp(int originalContext) throws IOException {
        TinyModelSpec.LongRopeScaling scaling = new TinyModelSpec.LongRopeScaling(1.19f, originalContext);
        TinyModelSpec spec = TinyModelSpec.of("phi3").withDimensions(2, 64, 4, 2, 128, 512).withWeightType(GgmlType.Q8_0)
                .withRopeScaling(scaling);
        Path file = tmp.resolve("phi3-longrope-" + originalContext + ".gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf, CONTEXT);
            float[] chosen = originalContext < CONTEXT ? scaling.longFactors(8) : scaling.shortFactors(8);
            assertThat(model.weights().ropeFreqFactors()).containsExactly(chosen);
            compareHiddenStates(model, file, GgmlType.Q8_0);
            compareGreedy(model, file, "The hearth was", 24);
        }
    }

    @Test
    @RequiresSharedFixtures
    void realLlama3VocabularyAndChatPromptMatchLlamaCpp() throws IOException {
        assertRealVocabularyMatchesLlamaCpp("llama", "llama-bpe", "meta-llama-Llama-3.2-3B-Instruct.jinja",
                "<|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    /**
     * A phi3 model with Phi-3's real SentencePiece vocabulary and Phi-3.5's chat template, whose
     * rendering of one user message is the documented format.
     */
    @Test
    @RequiresSharedFixtures
    void realPhi3VocabularyAndChatPromptMatchLlamaCpp() throws IOException {
        String template = "microsoft-Phi-3.5-mini-instruct.jinja";
        String chat = dev.hearth.engine.template.ChatTemplate.compile(Files.readString(SharedFixtures.chatTemplate(template)))
                .render(dev.hearth.engine.template.ChatTemplateInput.builder()
                        .messages(dev.hearth.engine.template.ChatMessage.user("What is the capital of France?"))
                        .addGenerationPrompt(true).build());
        assertThat(chat).isEqualTo("<|user|>\nWhat is the capital of France?<|end|>\n<|assistant|>\n");
        assertRealVocabularyMatchesLlamaCpp("phi3", "phi-3", template, chat);
    }

    /**
     * A one-layer {@code arch} model with a fixture's real vocabulary and chat template: its tokens are
     * llama.cpp's on every case of the fixture, and so is its greedy reply to {@code chat}.
     */
    private void assertRealVocabularyMatchesLlamaCpp(String arch, String family, String template, String chat)
            throws IOException {
        TinyVocabulary vocabulary = TinyVocabulary.fromGguf(SharedFixtures.vocab(family))
                .withChatTemplate(Files.readString(SharedFixtures.chatTemplate(template)));
        TinyModelSpec spec = TinyModelSpec.of(arch).withWeightType(GgmlType.Q8_0).withDimensions(1, 64, 4, 1, 64, CONTEXT);
        Path file = tmp.resolve(arch + "-" + family + ".gguf");
        TinyModelWriter.write(spec, vocabulary, file);
        try (GgufFile gguf = GgufFile.open(file); LlamaModel llama = LlamaCpp.generator(file, CONTEXT)) {
            Model model = ModelLoader.load(gguf);
            for (var c : SharedFixtures.tokenizerCases(family)) {
                if (!c.text().isEmpty()) {
                    assertThat(model.tokenizer().encode(c.text(), false, false)).as(c.toString())
                            .containsExactly(llama.encode(c.text()));
                }
            }
            String expected = LlamaCpp.greedy(llama, chat, 16);
            assertThat(greedy(model, chat, 16)).isEqualTo(expected);
        }
    }

    private void compareHiddenStates(Model model, Path file, GgmlType type) {
        String[] words = PROMPT.split(" ");
        int[] tokens = model.tokenizer().encode(PROMPT, true, false);
        InferenceState state = model.newState(CONTEXT);
        List<float[]> hidden = new ArrayList<>();
        for (int token : tokens) {
            model.forward(state, token);
            hidden.add(unit(state.hiddenState()));
        }
        // the prefill path (the whole prompt in one batched pass) gives the last position bitwise the
        // same hidden state, so what follows holds for prompts fed either way (the greedy runs below
        // feed their prompts in one pass)
        InferenceState prefilled = model.newState(CONTEXT);
        model.ingest(prefilled, tokens);
        assertThat(unit(prefilled.hiddenState())).isEqualTo(hidden.getLast());
        List<Double> differences = new ArrayList<>();
        try (LlamaModel llama = LlamaCpp.embedder(file, CONTEXT)) {
            assertThat(llama.encode(PROMPT)).containsExactly(Arrays.copyOfRange(tokens, 1, tokens.length));
            for (int w = 1; w <= words.length; w++) {
                String prefix = String.join(" ", Arrays.copyOf(words, w));
                int length = model.tokenizer().encode(prefix, true, false).length; // word-aligned prefixes
                float[] expected = llama.embed(prefix);
                float[] ours = hidden.get(length - 1);
                double max = 0;
                for (int i = 0; i < ours.length; i++) {
                    max = Math.max(max, Math.abs(ours[i] - expected[i]));
                }
                differences.add(max);
            }
        }
        System.out.printf("oracle %s %s: max |hidden - llama.cpp| per prefix %s%n", model.config().architecture(),
                type, differences.stream().map(d -> String.format("%.1e", d)).toList());
        // F32 weights: nothing but summation order separates the engines (measured <= 2e-7).
        // Narrower types round activations (to F16/BF16, or Q8_0 blocks) exactly as llama.cpp does, so
        // they agree to the same ~1e-7 -- until a value that sits within that float noise of a rounding
        // boundary lands on the other side in one engine. The jump (one F16/BF16 ulp, one Q8_0 step) then
        // persists through the KV cache for later positions. The shortest prefix must always agree; the
        // rest is bounded by the size of such a jump. Greedy continuations must be identical regardless.
        // Gemma's GELU rounds every gate value to fp16 in both engines (ggml's table), F32 weights or not:
        // a rounding step like F16's at every layer, whose jumps can reach even the shortest prefix.
        boolean geluRounds = model.config().geluGate();
        if (!geluRounds) {
            assertThat(differences.getFirst()).isLessThan(TOLERANCE);
        }
        double bound = switch (type) {
            case F32 -> geluRounds ? 1e-3 : TOLERANCE;
            case F16, BF16 -> 1e-3;
            default -> 2e-2;
        };
        assertThat(differences).allSatisfy(d -> assertThat(d).isLessThan(bound));
    }

    private void compareGreedy(Model model, Path file, String prompt, int tokens) {
        String expected;
        try (LlamaModel llama = LlamaCpp.generator(file, CONTEXT)) {
            expected = LlamaCpp.greedy(llama, prompt, tokens);
        }
        assertThat(greedy(model, prompt, tokens)).isEqualTo(expected);
    }

    /** Greedy decoding as llama.cpp's server does it: BOS and specials parsed, stop at end of generation, pieces joined. */
    static String greedy(Model model, String prompt, int maxTokens) {
        int[] ids = model.tokenizer().encode(prompt, true, true);
        InferenceState state = model.newState(ids.length + maxTokens);
        float[] logits = model.ingest(state, ids);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < maxTokens; i++) {
            int best = 0;
            for (int t = 1; t < logits.length; t++) {
                if (logits[t] > logits[best]) {
                    best = t;
                }
            }
            if (model.tokenizer().specialTokens().isEndOfGeneration(best)) {
                break;
            }
            out.add(best);
            logits = model.forward(state, best);
        }
        // llama.cpp's server joins the tokens' pieces, so a SentencePiece reply keeps the space its first
        // piece starts with, which decode() drops at the start of a text as SentencePiece does
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        for (int id : out) {
            text.writeBytes(model.tokenizer().tokenBytes(id, false));
        }
        return text.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return u;
    }
}
