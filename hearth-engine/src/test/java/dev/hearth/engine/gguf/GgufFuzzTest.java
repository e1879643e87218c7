package dev.hearth.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hearth.engine.fixtures.RequiresSharedFixtures;
import dev.hearth.engine.fixtures.SharedFixtures;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and corrupted files must end in a {@link GgufFormatException} (or parse, when the
 * damage happens to leave a valid file) — never another exception, a huge allocation or a crash.
 */
class GgufFuzzTest {

    @TempDir
    Path tmp;

    @Test
    void everyTruncationOfASmallFileFailsCleanly() throws IOException {
        byte[] file = GgufTestFiles.bytes(GgufTestFiles.everyValueType(32));
        int clean = 0;
        for (int length = 0; length < file.length; length++) {
            if (parseOutcome(Arrays.copyOf(file, length), "truncated to " + length)) {
                clean++;
            }
        }
        // only cuts inside the padding after the last tensor can still be valid files
        assertThat(clean).isLessThan(32);
    }

    @Test
    void randomByteFlipsFailCleanly() throws IOException {
        byte[] file = GgufTestFiles.bytes(GgufTestFiles.everyValueType(32));
        Random random = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] damaged = file.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(damaged.length);
                damaged[at] = switch (random.nextInt(3)) {
                    case 0 -> (byte) (damaged[at] ^ (1 << random.nextInt(8)));
                    case 1 -> (byte) 0xff;
                    default -> (byte) random.nextInt(256);
                };
            }
            parseOutcome(damaged, "case " + i);
        }
    }

    @Test
    @RequiresSharedFixtures
    void truncatedAndDamagedFixtureFailsCleanly() throws IOException {
        byte[] file = Files.readAllBytes(SharedFixtures.vocab("llama-spm"));
        Random random = new Random(11);
        for (int i = 0; i < 40; i++) {
            int length = i < 20 ? i * 7 : random.nextInt(file.length);
            assertThat(parseOutcome(Arrays.copyOf(file, length), "truncated to " + length)).isFalse();
        }
        for (int i = 0; i < 40; i++) {
            byte[] damaged = file.clone();
            int at = random.nextInt(Math.min(damaged.length, 4096)); // the header, where lengths live
            damaged[at] = (byte) random.nextInt(256);
            parseOutcome(damaged, "byte " + at);
        }
        // and through the mmap path
        Path cut = tmp.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(file, file.length / 2));
        try (GgufFile f = GgufFile.open(cut)) {
            fail("opened a truncated file: " + f.tensors().size());
        } catch (GgufFormatException expected) {
            assertThat(expected.getMessage()).contains("cut.gguf").contains("truncated");
        }
    }

    /** Every fixture vocabulary, cut at 150 places and damaged at 150 header bytes. Heavy: ~1-2 minutes. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"llama-bpe", "qwen2", "gpt-2", "llama-spm", "phi-3", "bert-bge"})
    @org.junit.jupiter.api.Tag("heavy")
    @RequiresSharedFixtures
    void everyFixtureFailsCleanlyWhenTruncatedOrDamaged(String family) throws IOException {
        byte[] file = Files.readAllBytes(SharedFixtures.vocab(family));
        Random random = new Random(family.hashCode());
        for (int i = 0; i < 150; i++) {
            int length = random.nextInt(file.length);
            assertThat(parseOutcome(Arrays.copyOf(file, length), family + " truncated to " + length)).isFalse();
        }
        for (int i = 0; i < 150; i++) {
            byte[] damaged = file.clone();
            int at = random.nextInt(Math.min(damaged.length, 1 << 16));
            damaged[at] = (byte) random.nextInt(256);
            parseOutcome(damaged, family + " byte " + at);
        }
    }

    /** True if the bytes parsed; false if they failed with a GgufFormatException; fails otherwise. */
    private static boolean parseOutcome(byte[] bytes, String what) {
        try {
            GgufFile f = GgufFile.parse(MemorySegment.ofArray(bytes));
            for (GgufTensorInfo t : f.tensors()) {
                f.tensorData(t); // every accepted tensor must be addressable
            }
            return true;
        } catch (GgufFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        } catch (Throwable t) {
            throw new AssertionError(what + ": expected GgufFormatException, got " + t, t);
        }
    }
}
