package dev.hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures.TokenizerCase;
import dev.hearth.engine.gguf.GgufFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every case of llama.cpp's tokenizer tests ({@code ggml-vocab-*.gguf.inp/.out}), encoded without
 * BOS and without parsing control tokens, as {@code test-tokenizer-0} does.
 */
@RequiresSharedFixtures
class FixtureTokenizerTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-bpe", "qwen2", "gpt-2", "llama-spm", "phi-3", "bert-bge"})
    void matchesLlamaCppOnEveryFixtureCase(String family) throws IOException {
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(SharedFixtures.vocab(family))) {
            tokenizer = Tokenizer.fromMetadata(file.metadata());
        }
        List<TokenizerCase> cases = SharedFixtures.tokenizerCases(family);
        List<String> failures = new ArrayList<>();
        int roundTrips = 0;
        for (TokenizerCase c : cases) {
            int[] ids = tokenizer.encode(c.text(), false, false);
            if (!Arrays.equals(ids, c.expectedIds())) {
                failures.add(c + "\n      got " + Arrays.toString(ids));
            }
            if (tokenizer.decode(ids).equals(c.text())) {
                roundTrips++;
            }
        }
        // (WordPiece lower-cases and drops accents, so bert-bge cannot decode back to most inputs)
        System.out.printf("tokenizer fixtures %-10s %d/%d cases match llama.cpp, %d/%d decode back to the input%n",
                family, cases.size() - failures.size(), cases.size(), roundTrips, cases.size());
        assertThat(failures).as(family + " mismatches").isEmpty();
    }
}
