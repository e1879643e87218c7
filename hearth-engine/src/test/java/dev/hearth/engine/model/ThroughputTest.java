package dev.hearth.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Single-sequence decode speed on a mid-sized random model (8 layers, 1024 wide, 16 heads over 4 KV
 * heads, FFN 2816: ~80 M weights). Heavy: run with {@code -Dhearth.heavy=true}.
 */
@Tag("heavy")
class ThroughputTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void decodeTokensPerSecond(GgmlType type) throws IOException {
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(8, 1024, 16, 4, 2816, 512).withWeightType(type);
        Path file = tmp.resolve("bench-" + type + ".gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf);
            InferenceState state = model.newState(512);
            int token = 100;
            for (int i = 0; i < 8; i++) { // warm-up
                model.forward(state, token);
            }
            state.reset();
            int n = 48;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                model.forward(state, token);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("throughput %s: %.1f tokens/s (%d tokens, %d threads)%n", type, n / seconds, n,
                    Runtime.getRuntime().availableProcessors());
            assertThat(seconds).isPositive();
        }
    }

    @org.junit.jupiter.api.Test
    void decodeTokensPerSecondAtLongContext() throws IOException {
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(8, 1024, 16, 4, 2816, 2048).withWeightType(GgmlType.Q8_0);
        Path file = tmp.resolve("bench-long.gguf");
        TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(200), file);
        try (GgufFile gguf = GgufFile.open(file)) {
            Model model = ModelLoader.load(gguf);
            InferenceState state = model.newState(2048);
            long start = System.nanoTime();
            for (int i = 0; i < 1536; i++) {
                model.forward(state, 100 + i % 200);
            }
            double prefill = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            for (int i = 0; i < 32; i++) {
                model.forward(state, 100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("throughput Q8_0 at 1536-1568 tokens of context: %.1f tokens/s (first 1536 one by one: %.1f tokens/s)%n",
                    32 / seconds, 1536 / prefill);
        }
    }
}
