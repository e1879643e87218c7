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
            "qwen2,Q8_0,5e-2", "qwen3,Q4_0,5e-2", "llama,Q4_K,5e-2", "qwen2,Q5_K,5e-2", "qwen3,Q6_K,5e-2"})
    void agreesWithNaiveReference(String arch, GgmlType type, double tolerance) throws IOException {
        int width = type.blockSize() == 256 ? 256 : 64;
        TinyModelSpec spec = TinyModelSpec.of(arch).withDimensions(2, width, 4, 2, 2 * width, 64).withWeightType(type);
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
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
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
            assertClose(sa.lastLogits(), aloneA, 1e-4);
            assertClose(sb.lastLogits(), aloneB, 1e-4);

            List<float[]> everyPosition = new java.util.ArrayList<>();
            model.forward(List.of(new Step(model.newState(64), a, (i, logits) -> everyPosition.add(logits.clone()))));
            assertThat(everyPosition).hasSize(a.length);
            assertClose(everyPosition.getLast(), aloneA, 1e-4);

            assertThatThrownBy(() -> model.forward(List.of(Step.of(sa, 5), Step.of(sa, 6))))
                    .hasMessageContaining("twice");
            assertThatThrownBy(() -> model.forward(List.of(Step.of(model.newState(2), a))))
                    .hasMessageContaining("KV cache full");
        }
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

    private static void assertClose(float[] actual, float[] expected, double tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("logit %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }
}
