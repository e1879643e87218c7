package dev.hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.engine.tensor.FloatTensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files past 2 GB (the ByteBuffer limit) through the mapped MemorySegment. The file is sparse: a
 * small header, a hole, and a few bytes beyond 2.4 GB, so the test costs no real disk or time.
 */
class GgufLargeFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsTensorsBeyondTwoGigabytes() throws IOException {
        long bigElements = 600_000_000L; // 2.4 GB of F32
        long tailOffset = bigElements * 4;
        ByteBuffer header = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(GgufReader.MAGIC).putInt(3).putLong(2).putLong(0);
        tensorInfo(header, "big", bigElements, 0);
        tensorInfo(header, "tail", 4, tailOffset);
        long dataOffset = GgufReader.alignUp(header.position(), 32);
        Path file = tmp.resolve("large.gguf");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header.array(), 0, header.position());
            raf.setLength(dataOffset + tailOffset + 16); // sparse
            ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(4f);
            raf.seek(dataOffset + tailOffset);
            raf.write(tail.array());
        }
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.byteSize()).isGreaterThan(Integer.MAX_VALUE);
            FloatTensor tail = FloatTensor.of(GgmlType.F32, f.tensorData("tail"), 4);
            assertThat(tail.toFloatArray()).containsExactly(1.5f, -2f, 3.25f, 4f);
            FloatTensor big = FloatTensor.of(GgmlType.F32, f.tensorData("big"), bigElements);
            assertThat(big.get(bigElements - 1)).isZero();
            assertThat(big.get(Integer.MAX_VALUE / 4 + 12345L)).isZero();
        }
    }

    private static void tensorInfo(ByteBuffer b, String name, long elements, long offset) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.putLong(n.length).put(n).putInt(1).putLong(elements).putInt(GgmlType.F32.id()).putLong(offset);
    }
}
