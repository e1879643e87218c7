package dev.hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {

    @TempDir
    Path tmp;

    @Test
    @RequiresSharedFixtures
    void readsFixtureVocabularies() throws IOException {
        try (GgufFile f = GgufFile.open(SharedFixtures.vocab("llama-bpe"))) {
            assertThat(f.version()).isEqualTo(3);
            GgufMetadata m = f.metadata();
            assertThat(m.requireString("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(m.requireString("tokenizer.ggml.pre")).isEqualTo("llama-bpe");
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens").orElseThrow();
            assertThat(tokens).hasSize(128256);
            assertThat(tokens[128000]).isEqualTo("<|begin_of_text|>");
            assertThat(m.getIntArray("tokenizer.ggml.token_type").orElseThrow()).hasSize(128256);
            assertThat(m.getStringArray("tokenizer.ggml.merges").orElseThrow()[0]).isEqualTo("Ġ Ġ");
            assertThat(m.requireInt("tokenizer.ggml.bos_token_id")).isEqualTo(128000);
        }
        try (GgufFile f = GgufFile.open(SharedFixtures.vocab("llama-spm"))) {
            GgufMetadata m = f.metadata();
            assertThat(m.requireString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(m.getFloatArray("tokenizer.ggml.scores").orElseThrow()).hasSize(32000);
        }
    }

    @Test
    void rejectsNonGgufAndUnsupportedFiles() throws IOException {
        assertThatThrownBy(() -> parse(new byte[0])).isInstanceOf(GgufFormatException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> parse("GGML0000".getBytes())).isInstanceOf(GgufFormatException.class).hasMessageContaining("magic");
        assertThatThrownBy(() -> parse(header(1, 0, 0))).hasMessageContaining("version 1");
        assertThatThrownBy(() -> parse(header(Integer.reverseBytes(3), 0, 0))).hasMessageContaining("big-endian");
        assertThatThrownBy(() -> parse(header(4, 0, 0))).hasMessageContaining("version 4");
        assertThatThrownBy(() -> parse(header(3, 0, 1_000_000))).hasMessageContaining("metadata count");
        assertThatThrownBy(() -> parse(header(3, -1, 0))).hasMessageContaining("tensor count");
        assertThat(parse(header(3, 0, 0)).tensors()).isEmpty();

        Path empty = Files.write(tmp.resolve("empty.gguf"), new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(empty)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(empty.toString());
    }

    @Test
    void rejectsBadTensorInfos() throws IOException {
        // unknown tensor type
        byte[] good = GgufTestFiles.bytes(new GgufWriter()
                .addTensor("w", GgmlType.F32, new long[] {2}, new byte[8]));
        byte[] badType = good.clone();
        int typeAt = typeOffsetOfFirstTensor(good);
        ByteBuffer.wrap(badType).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 77);
        assertThatThrownBy(() -> parse(badType)).hasMessageContaining("unsupported tensor type 77");

        // row length not a multiple of the block size
        byte[] badRow = good.clone();
        ByteBuffer.wrap(badRow).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, GgmlType.Q8_0.id());
        assertThatThrownBy(() -> parse(badRow)).hasMessageContaining("block size 32");

        // misaligned offset
        byte[] badOffset = good.clone();
        ByteBuffer.wrap(badOffset).order(ByteOrder.LITTLE_ENDIAN).putLong(typeAt + 4, 4);
        assertThatThrownBy(() -> parse(badOffset)).hasMessageContaining("alignment");

        // data beyond the end
        byte[] truncated = Arrays.copyOf(good, good.length - 32);
        assertThatThrownBy(() -> parse(truncated)).hasMessageContaining("truncated");
    }

    @Test
    void mapsTensorDataFromFile() throws IOException {
        Path file = tmp.resolve("t.gguf");
        GgufTestFiles.everyValueType(64).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            for (GgufTensorInfo t : f.tensors()) {
                assertThat(t.offset() % 64).isZero();
                assertThat(f.tensorData(t).byteSize()).isEqualTo(t.byteSize());
            }
            assertThat(f.tensor("q8").orElseThrow().shape()).containsExactly(64, 2);
        }
    }

    private static int typeOffsetOfFirstTensor(byte[] file) {
        // magic, version, counts (24) then, with no metadata, name (8 + 1), n_dims (4), dims (8)
        return 24 + 8 + 1 + 4 + 8;
    }

    static byte[] header(int version, long tensors, long kvs) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(GgufReader.MAGIC).putInt(version).putLong(tensors).putLong(kvs).array();
    }

    static GgufFile parse(byte[] bytes) throws GgufFormatException {
        return GgufFile.parse(MemorySegment.ofArray(bytes));
    }
}
