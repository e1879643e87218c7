package dev.hearth.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector species shared by the tensor kernels: floats at the machine's preferred width and bytes /
 * shorts with the same lane count, so one load of packed weights widens to exactly one float vector.
 * Quantized kernels need at least 8 float lanes (a 64-bit byte vector); below that they stay scalar.
 */
final class Vectors {

    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final int LANES = FLOATS.length();
    static final boolean QUANTIZED_ENABLED = LANES >= 8 && !Boolean.getBoolean("hearth.engine.scalar");
    static final VectorSpecies<Byte> BYTES = QUANTIZED_ENABLED
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : ByteVector.SPECIES_64;
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    static final VectorSpecies<Short> SHORTS = QUANTIZED_ENABLED
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16)) : ShortVector.SPECIES_128;

    /** K-quant kernels work in chunks of 8 or 16 lanes inside their 16- and 32-value sub-blocks. */
    static final boolean K_QUANTS_ENABLED = QUANTIZED_ENABLED && LANES <= 16;

    private Vectors() {}

    /**
     * 1.5·2^23: {@code (v + ROUND) - ROUND} is {@code v} rounded half to even, exactly, for
     * {@code |v| < 2^22} (the sum lands where floats are whole numbers); the rounding the quantizers and
     * {@link Exp} use, the same in a vector lane as alone.
     */
    static final float ROUND = 12582912f;

    /**
     * The largest magnitude among {@code a[offset, offset + n)}, {@code n} a multiple of {@code LANES}
     * (NaN if one is NaN): a maximum, the same in any order.
     */
    static float maxAbs(float[] a, int offset, int n) {
        FloatVector m = FloatVector.fromArray(FLOATS, a, offset).abs();
        for (int j = LANES; j < n; j += LANES) {
            m = m.max(FloatVector.fromArray(FLOATS, a, offset + j).abs());
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Sum of the lanes, in lane order. {@code reduceLanes(ADD)} leaves the order open, and it does
     * differ between the interpreted fallback and the C2 intrinsic, which made the same forward pass
     * give different last bits before and after warm-up; a fixed order keeps the engine deterministic.
     */
    static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < LANES; i++) {
            s += v.lane(i);
        }
        return s;
    }

    private static final VectorShuffle<Float> DOWN_8 = VectorShuffle.iota(FLOATS, LANES >= 16 ? 8 : 0, 1, true);
    private static final VectorShuffle<Float> DOWN_4 = VectorShuffle.iota(FLOATS, LANES >= 8 ? 4 : 0, 1, true);
    private static final VectorShuffle<Float> DOWN_2 = VectorShuffle.iota(FLOATS, 2, 1, true);
    private static final VectorShuffle<Float> DOWN_1 = VectorShuffle.iota(FLOATS, 1, 1, true);

    /**
     * Sum of the lanes by halving: lane {@code i} plus lane {@code i + LANES/2}, then {@code + LANES/4},
     * ... down to one lane. A fixed order like {@link #sum}, in four shuffles and adds rather than
     * sixteen lane extractions: what the {@link Panel} kernels and their one-row forms use.
     */
    static float tree(FloatVector v) {
        if (LANES >= 16) {
            v = v.add(v.rearrange(DOWN_8));
        }
        if (LANES >= 8) {
            v = v.add(v.rearrange(DOWN_4));
        }
        if (LANES >= 4) {
            v = v.add(v.rearrange(DOWN_2));
        }
        if (LANES >= 2) {
            v = v.add(v.rearrange(DOWN_1));
        }
        return v.lane(0);
    }

    /*
     * Two rules for kernels, from an F16 decode that ran at 24 tok/s in one JVM and 6 in the next
     * (JFR: the Vector API's Java fallbacks, AbstractVector.convert0, at the top of the profile).
     * Conversions name their result species (convertShape(op, FLOATS, 0)): the shorthands
     * (convert(I2F, 0), reinterpretAsFloats()) look it up at run time, and C2 does not always fold
     * that to a constant ("missing constant" with -XX:+PrintIntrinsics). And helpers take offsets,
     * not vectors: a helper with vector parameters that C2 compiles on its own is compiled without
     * knowing its vectors' classes, and if it is not inlined later it stays a call that boxes them.
     * What the rules do not cover: a small one-row kernel that C2 inlines into a large caller can
     * still lose its intrinsics there, which is why the K-quant kernels are kept too big to inline.
     */

    /** {@code LANES} signed bytes at {@code offset}, widened to floats (one float vector). */
    static FloatVector widened(java.lang.foreign.MemorySegment data, long offset) {
        return (FloatVector) bytes(data, offset).convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    /** {@code LANES} bytes at {@code offset}, zero-extended to ints (a byte's high nibble is then one shift). */
    static IntVector unsigned(java.lang.foreign.MemorySegment data, long offset) {
        return (IntVector) bytes(data, offset).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    static ByteVector bytes(byte[] data, int offset) {
        return ByteVector.fromArray(BYTES, data, offset);
    }

    static ByteVector bytes(java.lang.foreign.MemorySegment data, long offset) {
        return ByteVector.fromMemorySegment(BYTES, data, offset, java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
