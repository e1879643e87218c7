package dev.hearth.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import dev.hearth.engine.gguf.GgufFile;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@RequiresSharedFixtures
class TokenizerRoundTripTest {

    static Tokenizer load(String family) throws IOException {
        try (GgufFile file = GgufFile.open(SharedFixtures.vocab(family))) {
            return Tokenizer.fromMetadata(file.metadata());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-bpe", "qwen2", "gpt-2", "llama-spm", "phi-3"})
    void decodeOfEncodeIsIdentityOnRandomUnicode(String family) throws IOException {
        Tokenizer tokenizer = load(family);
        boolean sentencePiece = tokenizer instanceof SentencePieceTokenizer;
        Random random = new Random(family.hashCode());
        for (int i = 0; i < 300; i++) {
            String text = RandomText.next(random, 40);
            if (sentencePiece) {
                text = text.replace(SentencePieceTokenizer.SPACE, 'x'); // '▁' is a space to SentencePiece
            }
            int[] ids = tokenizer.encode(text, false, false);
            assertThat(tokenizer.decode(ids)).as("round trip of %s", text.codePoints()
                    .mapToObj(Integer::toHexString).toList()).isEqualTo(text);
        }
    }

    @Test
    void controlTokensAreParsedOnlyWhenAllowed() throws IOException {
        Tokenizer llama3 = load("llama-bpe");
        String text = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        assertThat(llama3.encode(text, true, true)).containsExactly(128000, 128006, 882, 128007, 271, 13347, 128009);
        int[] literal = llama3.encode(text, false, false);
        assertThat(literal).doesNotContain(128006, 128007, 128009);
        assertThat(llama3.decode(literal)).isEqualTo(text);
        assertThat(llama3.decode(llama3.encode(text, true, true), true)).isEqualTo("<|begin_of_text|>" + text);
        assertThat(llama3.specialTokens().bos()).isEqualTo(128000);
        // as llama.cpp: EOT, EOS and every token with a well-known end text (this is the Llama 3.0
        // vocabulary: 128008 is still a reserved token, not 3.1's <|eom_id|>)
        assertThat(llama3.specialTokens().endOfGeneration()).containsExactlyInAnyOrder(128009, 128001);

        Tokenizer qwen = load("qwen2");
        assertThat(qwen.encode("<|im_start|>user", false, true)[0]).isEqualTo(qwen.vocabulary().id("<|im_start|>"));
        assertThat(qwen.specialTokens().eot()).isEqualTo(qwen.vocabulary().id("<|im_end|>"));
        assertThat(qwen.specialTokens().endOfGeneration())
                .containsExactlyInAnyOrder(qwen.vocabulary().id("<|im_end|>"), qwen.vocabulary().id("<|endoftext|>"));

        Tokenizer spm = load("llama-spm");
        assertThat(spm.encode("Hello", true, false)).startsWith(1);
        assertThat(spm.encode("</s>x", false, true)[0]).isEqualTo(2);
        assertThat(spm.decode(spm.encode(" Hello  world", true, false))).isEqualTo(" Hello  world");
    }
}
