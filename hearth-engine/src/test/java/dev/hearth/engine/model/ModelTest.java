package dev.hearth.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelTest {

    static final TinyVocabulary VOCABULARY = TinyVocabulary.byteLevelBpe(200);

    @TempDir
    Path tmp;

    Path write(TinyModelSpec spec) throws IOException {
        Path file = tmp.resolve(spec.architecture() + "-" + spec.weightType() + ".gguf");
        TinyModelWriter.write(spec, VOCABULARY, file);
        return file;
    }

    /**
     * The engine against a naive double-precision transformer. With F32 weights only float rounding
     * separates them; with narrower types the engine also rounds its inputs to the weight type as
     * llama.cpp does, so the bound is looser.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"llama,F32,1e-4", "qwen2,F32,1e-4", "qwen3,F32,1e-4", "llama,F16,2e-2", "qwen3,BF16,1e-1",
            "qwen2,Q8_0,5e-2", "qwen3,Q4_0,5e-2", "llama,Q4_1,5e-2", "qwen2,Q5_0,5e-2", "qwen3,Q5_1,5e-2",
            "llama,Q4_K,5e-2", "qwen2,Q5_K,5e-2", "qwen3,Q6_K,5e-2", "phi3,F32,1e-4", "phi3,Q8_0,5e-2",
            "phi3,Q4_K,5e-2"})
    void agreesWithNaiveReference(String arch, GgmlType type, double tolerance) throws IOException {
        int width = type.blockSize() == 256 ? 256 : 64;
        assertAgreesWithNaiveReference(
                TinyModelSpec.of(arch).withDimensions(2, width, 4, 2, 2 * width, 64).withWeightType(type), tolerance);
    }

    /**
     * Gemma 3: six layers (five sliding with a window of 5 positions and RoPE base 10000, the sixth
     * global with base 10^6 and linear scaling off), GELU gate, post-norms, scaled embeddings, tied
     * output. The reference's GELU is exact where the engine's is ggml's fp16 table, hence the wider
     * tolerance in F32.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32,5e-3", "Q8_0,5e-2", "Q4_K,5e-2"})
    void gemma3AgreesWithNaiveReference(GgmlType type, double tolerance) throws IOException {
        int width = type.blockSize() == 256 ? 256 : 64;
        assertAgreesWithNaiveReference(TinyModelSpec.of("gemma3").withDimensions(6, width, 4, 2, 2 * width, 64)
                .withWeightType(type).withSlidingWindow(5).withRopeFreqBase(1e6f), tolerance);
    }

    /** Heads wider than width / heads (key_length), as Qwen3-0.6B's (16 × 128 over 1024) and Gemma 3's. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"qwen3", "gemma3", "llama"})
    void headsWiderThanTheWidthPerHeadAgreeWithNaiveReference(String arch) throws IOException {
        TinyModelSpec spec = TinyModelSpec.of(arch).withDimensions(2, 64, 4, 2, 128, 64).withHeadSize(32);
        assertAgreesWithNaiveReference(spec, arch.equals("gemma3") ? 5e-3 : 1e-4);
        try (GgufFile file = GgufFile.open(write(spec))) {
            assertThat(ModelLoader.load(file).config().queryDimension()).isEqualTo(128);
        }
    }

    /** Phi-3-mini-4k's sliding window: every layer attends to the last 5 positions only. */
    @Test
    void phi3SlidingWindowAgreesWithNaiveReference() throws IOException {
        assertAgreesWithNaiveReference(TinyModelSpec.of("phi3").withDimensions(2, 64, 4, 2, 128, 64).withSlidingWindow(5), 1e-4);
    }

    /** Phi-3's LongRoPE, its short factors (context within the original) and its long ones (past it). */
    @ParameterizedTest(name = "original context {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {64, 16})
    void phi3LongRopeAgreesWithNaiveReference(int originalContext) throws IOException {
        assertAgreesWithNaiveReference(TinyModelSpec.of("phi3").withDimensions(2, 64, 4, 2, 128, 64)
                .withRopeScaling(new TinyModelSpec.LongRopeScaling(1.19f, originalContext)), 1e-4);
    }

    private void assertAgreesWithNaiveReference(TinyModelSpec spec, double tolerance) throws IOException {
        try (GgufFile file = GgufFile.open(write(spec))) {
            Model model = ModelLoader.load(file);
            int[] tokens = model.tokenizer().encode("The hearth was warm, and the dog slept.", true, false);
            List<double[]> expected = new ReferenceTransformer(file, model.config()).run(tokens);
            InferenceState state = model.newState(tokens.length);
            for (int i = 0; i < tokens.length; i++) {
                float[] logits = model.forward(state, tokens[i]);
                double scale = 0;
                double maxDiff = 0;
                for (int t = 0; t < logits.length; t++) {
                    scale = Math.max(scale, Math.abs(expected.get(i)[t]));
                    maxDiff = Math.max(maxDiff, Math.abs(logits[t] - expected.get(i)[t]));
                }
                assertThat(maxDiff / scale).as("position %d", i).isLessThan(tolerance);
            }
        }
    }

    @Test
    void ropeFrequencyFactorsChangeTheOutputOnlyPastPositionZero() throws IOException {
        TinyModelSpec plain = TinyModelSpec.of("llama");
        TinyModelSpec scaled = plain.withRopeScaling(new TinyModelSpec.Llama3RopeScaling(8f, 1f, 4f, 32));
        Path a = tmp.resolve("plain.gguf");
        Path b = tmp.resolve("scaled.gguf");
        TinyModelWriter.write(plain, VOCABULARY, a);
        TinyModelWriter.write(scaled, VOCABULARY, b);
        try (GgufFile fa = GgufFile.open(a); GgufFile fb = GgufFile.open(b)) {
            Model ma = ModelLoader.load(fa);
            Model mb = ModelLoader.load(fb);
            assertThat(ma.weights().ropeFreqFactors()).isNull();
            assertThat(mb.weights().ropeFreqFactors()).hasSize(ma.config().headSize() / 2);
            InferenceState sa = ma.newState(8);
            InferenceState sb = mb.newState(8);
            assertThat(mb.forward(sb, 5)).isEqualTo(ma.forward(sa, 5)); // angle 0 at position 0
            assertThat(mb.forward(sb, 6)).isNotEqualTo(ma.forward(sa, 6));
        }
    }

    /** Same input, same bits: before and after the JIT has compiled (and intrinsified) the kernels. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",
            "Q4_K", "Q5_K", "Q6_K"})
    void logitsDoNotDependOnJitState(GgmlType type) throws IOException {
        int width = type.blockSize() == 256 ? 256 : 64;
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(1, width, 4, 2, width, 64).withWeightType(type);
        try (GgufFile file = GgufFile.open(write(spec))) {
            Model model = ModelLoader.load(file);
            int[] tokens = {1, 2, 3};
            float[] first = model.ingest(model.newState(4), tokens).clone();
            for (int i = 0; i < 60; i++) { // thousands of kernel calls: enough for C2 to compile them
                model.ingest(model.newState(4), tokens);
            }
            assertThat(model.ingest(model.newState(4), tokens)).isEqualTo(first);
        }
    }

    @Test
    void stateIsPerSequenceAndBounded() throws IOException {
        try (GgufFile file = GgufFile.open(write(TinyModelSpec.of("llama")))) {
            Model model = ModelLoader.load(file);
            assertThat(model.config().headCountKv()).isEqualTo(2);
            int[] tokens = model.tokenizer().encode("Hello there", true, false);
            InferenceState a = model.newState(16);
            float[] first = model.ingest(a, tokens).clone();
            InferenceState b = model.newState(16);
            assertThat(model.ingest(b, tokens)).isEqualTo(first); // deterministic, independent states
            a.reset();
            assertThat(model.ingest(a, tokens)).isEqualTo(first);
            assertThat(a.length()).isEqualTo(tokens.length);
            InferenceState tiny = model.newState(1);
            model.forward(tiny, tokens[0]);
            assertThatThrownBy(() -> model.forward(tiny, tokens[0])).hasMessageContaining("KV cache full");
            assertThatThrownBy(() -> model.forward(b, 1 << 20)).hasMessageContaining("out of range");
            assertThatThrownBy(() -> model.newState(100_000)).hasMessageContaining("capacity");
        }
    }

    @Test
    void aCopiedStateContinuesExactlyAsTheOriginal() throws IOException {
        try (GgufFile file = GgufFile.open(write(TinyModelSpec.of("llama")))) {
            Model model = ModelLoader.load(file);
            int[] tokens = model.tokenizer().encode("Hello there", true, false);
            InferenceState original = model.newState(16);
            model.ingest(original, tokens);
            InferenceState copy = original.copy();
            assertThat(copy.length()).isEqualTo(original.length());
            assertThat(copy.logits()).isEqualTo(original.logits());
            float[] fromCopy = model.forward(copy, 7).clone();
            assertThat(model.forward(original, 7)).isEqualTo(fromCopy);
            model.forward(copy, 9); // the two no longer share anything
            assertThat(copy.length()).isEqualTo(original.length() + 1);
        }
    }

    @Test
    void aBatchedPassGivesEachSequenceWhatItWouldGetAlone() throws IOException {
        try (GgufFile file = GgufFile.open(write(TinyModelSpec.of("qwen2")))) {
            Model model = ModelLoader.load(file);
            int[] a = model.tokenizer().encode("Hello there, friend", true, false);
            int[] b = model.tokenizer().encode("A different prompt of another length entirely", true, false);
            float[] aloneA = model.ingest(model.newState(64), a).clone();
            float[] aloneB = model.ingest(model.newState(64), b).clone();

            InferenceState sa = model.newState(64);
            InferenceState sb = model.newState(64);
            model.forward(List.of(Step.of(sa, java.util.Arrays.copyOf(a, 3)), Step.of(sb, b)));
            model.forward(List.of(Step.of(sa, java.util.Arrays.copyOfRange(a, 3, a.length))));
            assertThat(sa.length()).isEqualTo(a.length);
            assertThat(sb.length()).isEqualTo(b.length);
            assertThat(sa.lastLogits()).isEqualTo(aloneA);
            assertThat(sb.lastLogits()).isEqualTo(aloneB);

            List<float[]> everyPosition = new java.util.ArrayList<>();
            model.forward(List.of(new Step(model.newState(64), a, (i, logits) -> everyPosition.add(logits.clone()))));
            assertThat(everyPosition).hasSize(a.length);
            assertThat(everyPosition.getLast()).isEqualTo(aloneA);

            assertThatThrownBy(() -> model.forward(List.of(Step.of(sa, 5), Step.of(sa, 6))))
                    .hasMessageContaining("twice");
            assertThatThrownBy(() -> model.forward(List.of(Step.of(model.newState(2), a))))
                    .hasMessageContaining("KV cache full");
        }
    }

    /**
     * Sequences of different lengths join, leave and come back between batched passes, prefilling in
     * chunks of different sizes next to others decoding one token: every logit is bitwise what the
     * sequence gets fed token by token on its own.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"llama,F32", "llama,F16", "llama,BF16", "llama,Q8_0", "llama,Q4_0", "llama,Q4_K", "llama,Q5_K", "llama,Q6_K",
            "qwen2,F32", "qwen2,F16", "qwen2,BF16", "qwen2,Q8_0", "qwen2,Q4_0", "qwen2,Q4_K", "qwen2,Q5_K", "qwen2,Q6_K",
            "qwen3,F32", "qwen3,F16", "qwen3,BF16", "qwen3,Q8_0", "qwen3,Q4_0", "qwen3,Q4_K", "qwen3,Q5_K", "qwen3,Q6_K",
            "llama,Q4_1", "qwen2,Q5_0", "qwen3,Q5_1", "phi3,F32", "phi3,Q8_0", "phi3,Q4_0", "phi3,Q4_K", "phi3,Q6_K",
            "gemma3,F32", "gemma3,Q8_0", "gemma3,Q4_0", "gemma3,Q4_K", "gemma3,Q6_K"})
    void batchedPassesAreBitwiseTheSequentialOnes(String arch, GgmlType type) throws IOException {
        int width = type.blockSize() == 256 ? 256 : 64;
        TinyModelSpec spec = TinyModelSpec.of(arch).withDimensions(2, width, 4, 2, 2 * width, 64).withWeightType(type);
        if (arch.equals("gemma3")) { // six layers, the last global; the others see the last 5 positions
            spec = spec.withDimensions(6, width, 4, 2, 2 * width, 64).withSlidingWindow(5).withRopeFreqBase(1e6f);
        }
        if (arch.equals("phi3")) { // every layer sees the last 6 positions
            spec = spec.withSlidingWindow(6);
        }
        try (GgufFile file = GgufFile.open(write(spec))) {
            Model model = ModelLoader.load(file);
            int[][] sequences = {tokens(14, 1), tokens(20, 2), tokens(9, 3)};
            List<List<float[]>> alone = new java.util.ArrayList<>();
            for (int[] sequence : sequences) {
                alone.add(tokenByToken(model, sequence));
            }
            int[][] rounds = { // tokens each sequence feeds per pass; 0: not in the pass
                    {3, 7, 0}, {5, 1, 4}, {0, 1, 1}, {1, 6, 4}, {5, 5, 0}};
            InferenceState[] states = new InferenceState[sequences.length];
            for (int i = 0; i < states.length; i++) {
                states[i] = model.newState(32);
            }
            int[] fed = new int[sequences.length];
            for (int[] round : rounds) {
                List<Step> steps = new java.util.ArrayList<>();
                List<float[]> seen = new java.util.ArrayList<>();
                List<Integer> expectedPositions = new java.util.ArrayList<>();
                for (int i = 0; i < sequences.length; i++) {
                    if (round[i] == 0) {
                        continue;
                    }
                    int[] chunk = java.util.Arrays.copyOfRange(sequences[i], fed[i], fed[i] + round[i]);
                    if (i == 1) { // one sequence asks for every position's logits
                        int from = fed[i];
                        steps.add(new Step(states[i], chunk, (index, logits) -> {
                            expectedPositions.add(from + index);
                            seen.add(logits.clone());
                        }));
                    } else {
                        steps.add(Step.of(states[i], chunk));
                    }
                    fed[i] += round[i];
                }
                model.forward(steps);
                for (int i = 0; i < sequences.length; i++) {
                    if (round[i] > 0) {
                        assertThat(states[i].length()).isEqualTo(fed[i]);
                        assertThat(states[i].lastLogits()).as("sequence %d after %d tokens", i, fed[i])
                                .isEqualTo(alone.get(i).get(fed[i] - 1));
                    }
                }
                for (int k = 0; k < seen.size(); k++) {
                    assertThat(seen.get(k)).as("position %d", expectedPositions.get(k))
                            .isEqualTo(alone.get(1).get(expectedPositions.get(k)));
                }
            }
        }
    }

    /** A prompt longer than one pass, alone and next to others, agrees bitwise with token-by-token feeding. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_K"})
    void promptsLongerThanAPassRunInChunks(GgmlType type) throws IOException {
        int width = type.blockSize() == 256 ? 256 : 64;
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(1, width, 4, 2, width, 1024).withWeightType(type);
        try (GgufFile file = GgufFile.open(write(spec))) {
            Model model = ModelLoader.load(file);
            int[] longPrompt = tokens(Model.MAX_BATCH_ROWS + 90, 7);
            List<float[]> alone = tokenByToken(model, longPrompt);
            InferenceState s = model.newState(1024);
            assertThat(model.ingest(s, longPrompt)).isEqualTo(alone.getLast());
            assertThat(s.length()).isEqualTo(longPrompt.length);

            // three steps of 250 tokens: the second spans two passes
            InferenceState[] states = {model.newState(1024), model.newState(1024), model.newState(1024)};
            int[] chunk = java.util.Arrays.copyOf(longPrompt, 250);
            model.forward(List.of(Step.of(states[0], chunk), Step.of(states[1], chunk), Step.of(states[2], chunk)));
            for (InferenceState state : states) {
                assertThat(state.length()).isEqualTo(250);
                assertThat(state.lastLogits()).isEqualTo(alone.get(249));
            }
        }
    }

    private static int[] tokens(int n, int seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = random.nextInt(VOCABULARY.size());
        }
        return tokens;
    }

    private static List<float[]> tokenByToken(Model model, int[] tokens) {
        InferenceState s = model.newState(tokens.length);
        List<float[]> logits = new java.util.ArrayList<>();
        for (int token : tokens) {
            logits.add(model.forward(s, token).clone());
        }
        return logits;
    }

    @Test
    void aPrefixCopyContinuesLikeTheFullPrompt() throws IOException {
        try (GgufFile file = GgufFile.open(write(TinyModelSpec.of("llama")))) {
            Model model = ModelLoader.load(file);
            int[] shared = model.tokenizer().encode("You are a helpful assistant. Hello", true, false);
            InferenceState first = model.newState(64);
            model.ingest(first, shared);
            model.forward(first, 42); // the first request went on past the shared prefix
            InferenceState second = first.copyPrefix(shared.length, 32);
            assertThat(second.length()).isEqualTo(shared.length);
            float[] reused = model.forward(second, 7).clone();
            float[] fresh = model.forward(lastOf(model, shared), 7).clone();
            assertThat(reused).isEqualTo(fresh);
            first.truncate(shared.length);
            assertThat(model.forward(first, 7)).isEqualTo(fresh);
            assertThatThrownBy(() -> first.copyPrefix(first.length() + 1, 64)).hasMessageContaining("prefix");
        }
    }

    private static InferenceState lastOf(Model model, int[] tokens) {
        InferenceState s = model.newState(64);
        model.ingest(s, tokens);
        return s;
    }

    /**
     * A file with a weight type the engine does not read (a Q2_K matrix, written here by retyping a
     * Q8_0 one in the tensor table: its data then fits in the old tensor's room) fails to load with
     * the tensor's name and type, not a bare UnsupportedOperationException.
     */
    @Test
    void aTensorOfAnUnreadTypeIsNamedWhenTheModelFailsToLoad() throws IOException {
        Path file = write(TinyModelSpec.of("llama").withDimensions(1, 256, 4, 2, 256, 64).withWeightType(GgmlType.Q8_0));
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        byte[] name = "blk.0.attn_q.weight".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = indexOf(bytes, name) + name.length + 4 + 2 * 8; // past the name, n_dims and two dims: the type
        assertThat(java.nio.ByteBuffer.wrap(bytes, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(GgmlType.Q8_0.id());
        java.nio.ByteBuffer.wrap(bytes, at, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(GgmlType.Q2_K.id());
        Path retyped = tmp.resolve("q2_k.gguf");
        java.nio.file.Files.write(retyped, bytes);
        try (GgufFile gguf = GgufFile.open(retyped)) {
            assertThatThrownBy(() -> ModelLoader.load(gguf))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'blk.0.attn_q.weight' is Q2_K")
                    .hasMessageContaining("does not read yet");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void assertClose(float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("logit %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }
}
