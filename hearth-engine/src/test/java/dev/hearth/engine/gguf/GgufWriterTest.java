package dev.hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripKeepsMetadataAndTensorBytes() throws IOException {
        for (int alignment : new int[] {32, 64, 1}) {
            Path file = tmp.resolve("rt" + alignment + ".gguf");
            GgufTestFiles.everyValueType(alignment).write(file);
            byte[] expectedQ8 = GgufTestFiles.randomBytes(new Random(42), 24 + 4 * 34);
            try (GgufFile f = GgufFile.open(file)) {
                GgufMetadata m = f.metadata();
                assertThat(m.keys()).first().isEqualTo(alignment == 32 ? "general.architecture" : "general.alignment");
                assertThat(m.get("t.u8").orElseThrow()).isEqualTo(new GgufValue(GgufValueType.UINT8, (byte) 0xfe));
                assertThat(m.getLong("t.u32")).contains(0xfffffffeL);
                assertThat(m.getLong("t.i32")).contains(-70000L);
                assertThat(m.getString("t.string")).contains("héllo ▁ 🦙");
                assertThat(m.getArray("a.f32").orElseThrow()).isEqualTo(GgufArray.ofFloat32(0.5f, -0f, Float.NaN));
                assertThat(m.getIntArray("a.u16")).hasValueSatisfying(a -> assertThat(a).containsExactly(1, 65535));
                // the whole metadata, as written
                GgufWriter again = GgufTestFiles.everyValueType(alignment);
                Path copy = tmp.resolve("copy" + alignment + ".gguf");
                again.write(copy);
                try (GgufFile g = GgufFile.open(copy)) {
                    assertThat(g.metadata()).isEqualTo(m);
                    assertThat(g.tensors()).isEqualTo(f.tensors());
                }
                // tensor bytes
                byte[] q8 = f.tensorData("q8").toArray(ValueLayout.JAVA_BYTE);
                assertThat(q8).containsExactly(java.util.Arrays.copyOfRange(expectedQ8, 24, 24 + 4 * 34));
                assertThat(f.tensorData("empty").byteSize()).isZero();
            }
        }
    }

    @Test
    void rewritingAReadFileReproducesItByteForByte() throws IOException {
        byte[] original = GgufTestFiles.bytes(GgufTestFiles.everyValueType(32));
        GgufFile f = GgufFile.parse(MemorySegment.ofArray(original));
        GgufWriter w = new GgufWriter().putAll(f.metadata());
        for (GgufTensorInfo t : f.tensors()) {
            w.addTensor(t.name(), t.type(), t.shape(), f.tensorData(t));
        }
        assertThat(GgufTestFiles.bytes(w)).isEqualTo(original);
    }

    @Test
    void refusesInconsistentTensors() {
        GgufWriter w = new GgufWriter();
        assertThatThrownBy(() -> w.addTensor("x", GgmlType.Q8_0, new long[] {16}, new byte[17]))
                .hasMessageContaining("block size");
        assertThatThrownBy(() -> w.addTensor("x", GgmlType.F32, new long[] {4}, new byte[15]))
                .hasMessageContaining("needs 16 bytes");
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), GgmlType.F32, new long[] {1}, new byte[4]))
                .hasMessageContaining("longer");
        assertThatThrownBy(() -> w.putUint32("general.alignment", 48)).hasMessageContaining("power of two");
    }
}
