package dev.hearth.engine.tinymodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufMetadata;
import dev.hearth.engine.gguf.GgufTensorInfo;
import dev.hearth.engine.gguf.GgufWriter;
import dev.hearth.engine.tensor.FloatTensor;
import dev.hearth.engine.tinymodel.TinyModelWriter.TinyTensor;
import dev.hearth.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TinyModelWriterTest {

    @TempDir
    Path tmp;

    static final TinyVocabulary BUILT_IN = TinyVocabulary.byteLevelBpe(200);

    /** Real vocabulary sizes: the vocabulary padded with unused tokens, tensors larger than one written slice. */
    @Test
    void aPaddedVocabularyAndLargeTensorsWriteTheSameBytes() throws IOException {
        TinyVocabulary padded = BUILT_IN.paddedTo(20_000);
        assertThat(padded.size()).isEqualTo(20_000);
        assertThatThrownBy(() -> padded.paddedTo(100)).hasMessageContaining("already has");
        TinyModelSpec spec = TinyModelSpec.of("qwen2").withWeightType(GgmlType.Q4_0); // 64 x 20,000 embeddings
        Path file = tmp.resolve("padded.gguf");
        TinyModelWriter.write(spec, padded, file);
        try (GgufFile f = GgufFile.open(file)) {
            TinyTensor embedding = TinyModelWriter.tensors(spec, padded.size()).getFirst();
            assertThat(embedding.elementCount()).isGreaterThan(1 << 20);
            assertThat(f.tensorData(f.tensor(embedding.name()).orElseThrow()).toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(TinyModelWriter.encode(spec, embedding));
            Tokenizer tokenizer = Tokenizer.fromMetadata(f.metadata());
            assertThat(tokenizer.vocabulary().size()).isEqualTo(20_000);
            assertThat(tokenizer.vocabulary().type(19_999)).isEqualTo(dev.hearth.engine.tokenizer.TokenType.UNUSED);
        }
    }

    /** K-quant tensors are written a slice at a time too (1B shapes would not fit a bench's heap otherwise). */
    @Test
    void kQuantTensorsLargerThanOneSliceWriteTheSameBytes() throws IOException {
        TinyVocabulary padded = BUILT_IN.paddedTo(5_000);
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(1, 256, 4, 2, 512, 256).withWeightType(GgmlType.Q4_K);
        Path file = tmp.resolve("q4_k.gguf");
        TinyModelWriter.write(spec, padded, file);
        try (GgufFile f = GgufFile.open(file)) {
            for (TinyTensor t : TinyModelWriter.tensors(spec, padded.size())) {
                assertThat(f.tensorData(f.tensor(t.name()).orElseThrow()).toArray(ValueLayout.JAVA_BYTE))
                        .as(t.name()).isEqualTo(TinyModelWriter.encode(spec, t));
            }
            TinyTensor embedding = TinyModelWriter.tensors(spec, padded.size()).getFirst();
            assertThat(embedding.elementCount()).isGreaterThan(1 << 20);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"llama,F32", "llama,F16", "llama,BF16", "llama,Q8_0", "llama,Q4_0", "qwen2,Q8_0", "qwen3,F16", "qwen3,Q4_0",
            "llama,Q4_1", "qwen2,Q5_0", "qwen3,Q5_1", "llama,Q4_K", "qwen2,Q5_K", "qwen3,Q6_K", "phi3,Q8_0", "phi3,Q4_K",
            "gemma3,Q8_0", "gemma3,Q6_K"})
    void writesWhatLlamaCppExpectsAndReadsBackIdentically(String arch, GgmlType type) throws IOException {
        boolean kQuant = type.blockSize() == 256;
        int width = kQuant ? 256 : 64;
        TinyModelSpec spec = TinyModelSpec.of(arch).withDimensions(2, width, 4, 2, 2 * width, 256).withWeightType(type);
        Path file = tmp.resolve(arch + "-" + type + ".gguf");
        TinyModelWriter.write(spec, BUILT_IN, file);
        List<TinyTensor> expected = TinyModelWriter.tensors(spec, BUILT_IN.size());
        try (GgufFile f = GgufFile.open(file)) {
            GgufMetadata m = f.metadata();
            assertThat(m.requireString("general.architecture")).isEqualTo(arch);
            assertThat(m.requireInt(arch + ".block_count")).isEqualTo(2);
            assertThat(m.requireInt(arch + ".embedding_length")).isEqualTo(width);
            assertThat(m.requireInt(arch + ".attention.head_count")).isEqualTo(4);
            assertThat(m.requireInt(arch + ".attention.head_count_kv")).isEqualTo(2);
            assertThat(m.requireInt(arch + ".feed_forward_length")).isEqualTo(2 * width);
            assertThat(m.requireInt(arch + ".context_length")).isEqualTo(256);
            assertThat(m.requireFloat(arch + ".attention.layer_norm_rms_epsilon")).isEqualTo(1e-5f);
            assertThat(m.requireFloat(arch + ".rope.freq_base")).isEqualTo(10000f);
            // metadata identical to what was written, tokenizer keys included
            for (var e : BUILT_IN.entries().entrySet()) {
                assertThat(m.get(e.getKey())).contains(e.getValue());
            }
            assertThat(f.tensors()).extracting(GgufTensorInfo::name)
                    .containsExactlyElementsOf(expected.stream().map(TinyTensor::name).toList());
            if (arch.equals("phi3")) { // q, k and v in one matrix, gate and up in another, as convert_hf_to_gguf.py writes them
                assertThat(f.tensor("blk.1.attn_qkv.weight").orElseThrow().shape()).containsExactly(width, width + 2 * (width / 2));
                assertThat(f.tensor("blk.1.attn_k.weight")).isEmpty();
                assertThat(f.tensor("blk.0.ffn_up.weight").orElseThrow().shape()).containsExactly(width, 2 * 2 * width);
                assertThat(f.tensor("blk.0.ffn_gate.weight")).isEmpty();
                assertThat(m.requireInt(arch + ".attention.sliding_window")).isEqualTo(256);
            } else {
                assertThat(f.tensor("blk.1.attn_k.weight").orElseThrow().shape()).containsExactly(width, width / 2);
            }
            assertThat(f.tensor("blk.0.ffn_down.weight").orElseThrow().shape()).containsExactly(2 * width, width);
            if (arch.equals("gemma3")) { // output tied to the embeddings; norms after attention and feed-forward
                assertThat(f.tensor("output.weight")).isEmpty();
                assertThat(f.tensor("blk.1.post_attention_norm.weight").orElseThrow().shape()).containsExactly(width);
                assertThat(f.tensor("blk.1.post_ffw_norm.weight").orElseThrow().shape()).containsExactly(width);
                assertThat(m.requireInt(arch + ".attention.sliding_window")).isEqualTo(256);
            } else {
                assertThat(f.tensor("output.weight").orElseThrow().shape()).containsExactly(width, BUILT_IN.size());
            }
            assertThat(f.tensor("blk.0.attn_q.bias").isPresent()).isEqualTo(arch.equals("qwen2"));
            assertThat(f.tensor("blk.0.attn_k_norm.weight").isPresent()).isEqualTo(arch.equals("qwen3") || arch.equals("gemma3"));
            for (TinyTensor t : expected) {
                GgufTensorInfo info = f.tensor(t.name()).orElseThrow();
                assertThat(info.type()).isEqualTo(t.type(spec));
                // tensor bytes identical to what the writer encoded
                byte[] bytes = f.tensorData(info).toArray(ValueLayout.JAVA_BYTE);
                assertThat(bytes).isEqualTo(TinyModelWriter.encode(spec, t));
                float[] values = TinyModelWriter.values(spec, t);
                FloatTensor decoded = FloatTensor.of(info.type(), f.tensorData(info), values.length);
                double scale = t.role() == TinyModelWriter.Role.MATRIX ? Math.sqrt(3.0 / t.shape()[0]) : 1.2;
                if (KQuantBlocks.isKQuant(info.type())) {
                    // random blocks, not quantized values: only their range is fixed
                    for (int i = 0; i < values.length; i += 17) {
                        assertThat((double) Math.abs(decoded.get(i))).isLessThan(2.1 * scale);
                    }
                    continue;
                }
                // and they decode to about the generated values
                double tolerance = scale * switch (info.type()) {
                    case F32 -> 0;
                    case F16 -> 1e-3;
                    case BF16 -> 8e-3;
                    case Q8_0 -> 1e-2;
                    default -> 0.15;
                };
                for (int i = 0; i < values.length; i += 17) {
                    assertThat((double) decoded.get(i)).isCloseTo(values[i], within(tolerance + 1e-7));
                }
            }
        }
    }

    @Test
    void sameSpecGivesSameBytesAndOtherSeedDiffers() throws IOException {
        TinyModelSpec spec = TinyModelSpec.of("llama").withWeightType(GgmlType.Q8_0);
        Path a = tmp.resolve("a.gguf");
        Path b = tmp.resolve("b.gguf");
        Path c = tmp.resolve("c.gguf");
        TinyModelWriter.write(spec, BUILT_IN, a);
        TinyModelWriter.write(spec, BUILT_IN, b);
        TinyModelWriter.write(spec.withSeed(7), BUILT_IN, c);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    }

    @Test
    void builtInVocabularyIsAWorkingSelfContainedTokenizer() throws IOException {
        GgufWriter w = TinyModelWriter.build(TinyModelSpec.of("llama"), BUILT_IN);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        w.writeTo(out);
        GgufFile f = GgufFile.parse(MemorySegment.ofArray(out.toByteArray()));
        Tokenizer tokenizer = Tokenizer.fromMetadata(f.metadata());
        String[] tokens = f.metadata().getStringArray("tokenizer.ggml.tokens").orElseThrow();
        assertThat(new HashSet<>(List.of(tokens))).hasSize(tokens.length); // llama.cpp aborts on duplicates
        assertThat(tokens.length).isGreaterThan(256 + 150);
        int[] ids = tokenizer.encode("The hearth was warm.", true, false);
        assertThat(ids[0]).isEqualTo(tokenizer.specialTokens().bos());
        assertThat(ids.length).isLessThan(1 + "The hearth was warm.".length() * 3 / 4); // merges were learned
        assertThat(tokenizer.decode(ids)).isEqualTo("The hearth was warm.");
        int[] chat = tokenizer.encode("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", false, true);
        assertThat(chat[0]).isEqualTo(tokenizer.vocabulary().id("<|start_header_id|>"));
        assertThat(chat[chat.length - 1]).isEqualTo(tokenizer.specialTokens().eot());
        Random random = new Random(3);
        for (int i = 0; i < 100; i++) {
            byte[] bytes = new byte[random.nextInt(30)];
            random.nextBytes(bytes);
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(tokenizer.decode(tokenizer.encode(text, false, false))).isEqualTo(text);
        }
    }

    @Test
    @RequiresSharedFixtures
    void fixtureVocabularyAndChatTemplateAreCopied() throws IOException {
        String template = Files.readString(SharedFixtures.chatTemplate("Qwen-Qwen3-0.6B.jinja"));
        TinyVocabulary vocabulary = TinyVocabulary.fromGguf(SharedFixtures.vocab("qwen2")).withChatTemplate(template);
        TinyModelSpec spec = TinyModelSpec.of("qwen3").withDimensions(1, 32, 2, 1, 32, 64);
        Path file = tmp.resolve("qwen3.gguf");
        TinyModelWriter.write(spec, vocabulary, file);
        try (GgufFile model = GgufFile.open(file); GgufFile fixture = GgufFile.open(SharedFixtures.vocab("qwen2"))) {
            assertThat(model.metadata().getString("tokenizer.chat_template")).contains(template);
            assertThat(model.metadata().get("tokenizer.ggml.merges"))
                    .isEqualTo(fixture.metadata().get("tokenizer.ggml.merges"));
            assertThat(model.tensor("token_embd.weight").orElseThrow().shape()).containsExactly(32, 151936);
            Tokenizer a = Tokenizer.fromMetadata(model.metadata());
            Tokenizer b = Tokenizer.fromMetadata(fixture.metadata());
            assertThat(a.encode("Hello, wörld 123!", false, false)).isEqualTo(b.encode("Hello, wörld 123!", false, false));
        }
    }

    @Test
    void longRopeIsWrittenAsPhi3sConverterWritesIt() throws IOException {
        TinyModelSpec.LongRopeScaling scaling = new TinyModelSpec.LongRopeScaling(1.19f, 32);
        Path file = tmp.resolve("phi3-longrope.gguf");
        TinyModelWriter.write(TinyModelSpec.of("phi3").withRopeScaling(scaling), BUILT_IN, file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.metadata().requireFloat("phi3.rope.scaling.attn_factor")).isEqualTo(1.19f);
            assertThat(f.metadata().requireInt("phi3.rope.scaling.original_context_length")).isEqualTo(32);
            assertThat(FloatTensor.of(GgmlType.F32, f.tensorData("rope_factors_long.weight"), 8).toFloatArray())
                    .containsExactly(scaling.longFactors(8));
            assertThat(FloatTensor.of(GgmlType.F32, f.tensorData("rope_factors_short.weight"), 8).toFloatArray())
                    .containsExactly(scaling.shortFactors(8));
        }
        assertThatThrownBy(() -> TinyModelSpec.of("llama").withRopeScaling(scaling)).hasMessageContaining("phi3 architecture only");
        assertThatThrownBy(() -> TinyModelSpec.of("phi3").withRopeScaling(new TinyModelSpec.Llama3RopeScaling(8f, 1f, 4f, 32)))
                .hasMessageContaining("llama architecture only");
    }

    @Test
    void rejectsShapesLlamaCppCannotUse() {
        assertThatThrownBy(() -> TinyModelSpec.of("llama").withDimensions(1, 48, 4, 2, 128, 64).withWeightType(GgmlType.Q8_0))
                .hasMessageContaining("multiples of 32");
        assertThatThrownBy(() -> TinyModelSpec.of("llama").withDimensions(1, 64, 4, 3, 128, 64))
                .hasMessageContaining("kv heads");
        assertThatThrownBy(() -> TinyModelSpec.of("gpt2")).hasMessageContaining("architecture");
        assertThatThrownBy(() -> TinyModelSpec.of("llama").withSlidingWindow(8)).hasMessageContaining("gemma3 and phi3 only");
        // a matrix of its own type must fit the shape too, and be a type the writer writes
        assertThatThrownBy(() -> TinyModelSpec.of("llama").withWeightType(GgmlType.Q8_0)
                .withTensorTypes(java.util.Map.of("ffn_down", GgmlType.Q6_K)))
                .hasMessageContaining("Q6_K rows need").hasMessageContaining("multiples of 256");
        assertThatThrownBy(() -> TinyModelSpec.of("llama").withTensorTypes(java.util.Map.of("attn_v", GgmlType.IQ2_XXS)))
                .hasMessageContaining("weight types must be among");
    }

    @Test
    void namedMatricesTakeTheirOwnType() {
        TinyModelSpec spec = TinyModelSpec.of("llama").withWeightType(GgmlType.Q8_0)
                .withTensorTypes(java.util.Map.of("attn_v", GgmlType.Q5_0, "output", GgmlType.Q4_1));
        assertThat(spec.matrixType("blk.1.attn_v.weight")).isEqualTo(GgmlType.Q5_0);
        assertThat(spec.matrixType("output.weight")).isEqualTo(GgmlType.Q4_1);
        assertThat(spec.matrixType("blk.0.attn_output.weight")).isEqualTo(GgmlType.Q8_0); // not "output"
        assertThat(spec.matrixType("blk.0.attn_k.weight")).isEqualTo(GgmlType.Q8_0);
    }
}
