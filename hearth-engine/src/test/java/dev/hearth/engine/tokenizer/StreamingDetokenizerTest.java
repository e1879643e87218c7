package dev.hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@RequiresSharedFixtures
class StreamingDetokenizerTest {

    /** Token by token, the pieces add up to decode() and never show a half character. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-bpe", "qwen2", "llama-spm", "phi-3", "bert-bge"})
    void piecesAddUpToDecodeWithoutBrokenCharacters(String family) throws IOException {
        Tokenizer tokenizer = TokenizerRoundTripTest.load(family);
        Random random = new Random(family.hashCode());
        for (int i = 0; i < 200; i++) {
            String text = RandomText.next(random, 30) + " 🦙 我想 ✅";
            int[] ids = tokenizer.encode(text, i % 2 == 0, false);
            StreamingDetokenizer stream = new StreamingDetokenizer(tokenizer, false);
            StringBuilder joined = new StringBuilder();
            for (int id : ids) {
                String piece = stream.accept(id);
                assertThat(piece).doesNotContain("\uFFFD");
                joined.append(piece);
            }
            joined.append(stream.finish());
            assertThat(joined.toString()).isEqualTo(tokenizer.decode(ids));
        }
    }
}
