package dev.hearth.engine.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import de.kherud.llama.LlamaModel;
import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufMetadata;
import dev.hearth.engine.gguf.GgufWriter;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test of the tokenizers: random Unicode text through the engine and through llama.cpp's
 * own tokenizer, loaded from a tiny model that carries each real fixture vocabulary. Heavy as well
 * (large vocabularies make it ~20 s on a busy machine): runs with {@code -Dhearth.heavy=true}.
 */
@Tag("oracle")
@Tag("heavy")
@RequiresSharedFixtures
class LlamaCppTokenizerOracleTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-bpe", "qwen2", "gpt-2", "llama-spm", "phi-3"})
    void randomTextTokenizesLikeLlamaCpp(String family) throws IOException {
        TinyVocabulary vocabulary = TinyVocabulary.fromGguf(SharedFixtures.vocab(family));
        GgufMetadata metadata = new GgufMetadata(vocabulary.entries());
        String[] tokens = metadata.getStringArray("tokenizer.ggml.tokens").orElseThrow();
        Assumptions.assumeTrue(new HashSet<>(Arrays.asList(tokens)).size() == tokens.length,
                family + " has duplicate token texts, which abort the llama.cpp binding");
        TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(1, 32, 2, 1, 32, 64).withWeightType(GgmlType.Q8_0);
        Path file = tmp.resolve(family + ".gguf");
        GgufWriter writer = TinyModelWriter.build(spec, vocabulary);
        if (family.equals("phi-3")) {
            writer.putString("general.name", "Phi3"); // llama.cpp gives Phi-3's special tokens RSTRIP by name
        }
        writer.write(file);
        Tokenizer ours;
        try (GgufFile written = GgufFile.open(file)) {
            ours = Tokenizer.fromMetadata(written.metadata());
        }
        Random random = new Random(family.hashCode());
        // special tokens written into the text: cut out (control ones only since parse_special is on)
        int[] types = metadata.getIntArray("tokenizer.ggml.token_type").orElseThrow();
        List<String> specials = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            if ((types[id] == 3 || types[id] == 4) && !tokens[id].isEmpty()) {
                specials.add(tokens[id]);
            }
        }
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < 12 && !specials.isEmpty(); i++) {
            sample.add(specials.get(random.nextInt(Math.min(specials.size(), 64))));
        }
        List<String> mismatches = new ArrayList<>();
        int cases = 200;
        try (LlamaModel llama = LlamaCpp.generator(file, 64)) {
            for (int i = 0; i < cases; i++) {
                String text = RandomUnicode.next(random, 48);
                if (!sample.isEmpty() && i % 3 == 0) {
                    int at = random.nextInt(text.length() + 1);
                    if (at < text.length() && Character.isLowSurrogate(text.charAt(at))) {
                        at--; // do not split a surrogate pair
                    }
                    text = text.substring(0, at) + sample.get(random.nextInt(sample.size())) + text.substring(at);
                }
                int[] expected = llama.encode(text);
                int[] actual = ours.encode(text, false, true);
                if (!Arrays.equals(expected, actual)) {
                    mismatches.add(RandomUnicode.describe(text) + "\n    llama.cpp " + Arrays.toString(expected)
                            + "\n    engine    " + Arrays.toString(actual));
                }
            }
        }
        System.out.printf("tokenizer oracle %-10s %d/%d random texts tokenize like llama.cpp%n", family,
                cases - mismatches.size(), cases);
        assertThat(mismatches).as(family).isEmpty();
    }
}
