package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * What Q4_1, Q5_0 and Q5_1 share: blocks of 32 values whose 16 bytes of nibbles hold element
 * {@code j} in the low nibble of byte {@code j} and element {@code j + 16} in its high nibble (Q5
 * types add a fifth bit per element from a 32-bit {@code qh}), Q8_0 inputs (Q8_1, with each block's
 * sum, for the types with a minimum), and products that are
 * {@link Panel} products: the dequantized weights (without their minimum, for Q4_1 and Q5_1) times
 * the input's dequantized values, in split order, from the packed bytes for one row
 * ({@link #vectorDot}) and on float panels for a batch ({@link #dequantizeRows}), bitwise alike; the
 * minimum's terms follow as ggml adds them ({@link #addBlockTerms}). Without vectors, each type's ggml
 * reference dot product.
 * These are the types llama.cpp's quantizer falls back to in Q4_K_M and Q5_K_M files for matrices
 * whose rows are not whole super-blocks of 256 (Qwen2.5-0.5B's 896, SmolLM2's 576 and 960).
 *
 * <p>Each type spells out its one-row kernel: a shared loop that called a per-type hook taking or
 * returning its accumulators would box them once C2 stopped inlining it (see {@link Vectors}). The
 * panel fill is shared ({@link #dequantizeRows}); its per-block hook keeps its vectors inside.
 */
abstract sealed class Block32Tensor extends FloatTensor permits Q4_1Tensor, Q5_0Tensor, Q5_1Tensor {

    static final int BLOCK = 32;

    /** {@code n} in lane {@code n}: the shift that brings element {@code e + n}'s bit of {@code qh >>> e} down. */
    static final IntVector LANE = IntVector.zero(Vectors.INTS).addIndex(1);

    private final GgmlType type;
    private final int blockBytes;
    /** Whether a block holds a minimum {@code m} after its scale (Q4_1, Q5_1). */
    private final boolean minimum;

    Block32Tensor(MemorySegment data, long size, GgmlType type) {
        super(data, size, type);
        this.type = type;
        this.blockBytes = type.typeSize();
        this.minimum = type == GgmlType.Q4_1 || type == GgmlType.Q5_1;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    /** Q8_0, or Q8_1 (with each block's sum) for the types with a minimum, as in ggml. */
    @Override
    public final Activation.Kind activationKind() {
        return minimum ? Activation.Kind.Q8_1 : Activation.Kind.Q8_0;
    }

    /**
     * With vectors: the kernel ({@link #vectorDot}), which for the types with a minimum adds the
     * minimum's terms after its sum, as ggml does (see {@link #addBlockTerms}).
     */
    @Override
    public final float dot(long offset, Activation x) {
        Activation.Q8_0 a = blocks(x);
        if (offset % BLOCK != 0) {
            throw new IllegalArgumentException(type() + " rows must start on a block boundary: " + offset);
        }
        long block = offset / BLOCK * blockBytes;
        if (Vectors.QUANTIZED_ENABLED) {
            return vectorDot(block, a.values(), a.length(), minimum ? ((Activation.Q8_1) x).sums() : null);
        }
        byte[] q = a.quants();
        float[] sums = minimum ? ((Activation.Q8_1) x).sums() : null;
        float sum = 0f;
        for (int b = 0; b < q.length / BLOCK; b++, block += blockBytes) {
            sum += scalarBlock(block, q, b * BLOCK, a.scales()[b], minimum ? sums[b] : 0f);
        }
        return sum;
    }

    private static Activation.Q8_0 blocks(Activation x) {
        return x instanceof Activation.Q8_1 q ? q.blocks() : (Activation.Q8_0) x;
    }

    private static final ThreadLocal<float[]> MINIMUMS = ThreadLocal.withInitial(() -> new float[0]);

    /** This thread's room for a row's {@code blocks} minimums. */
    private static float[] room(int blocks) {
        float[] m = MINIMUMS.get();
        if (m.length < blocks) {
            m = new float[blocks];
            MINIMUMS.set(m);
        }
        return m;
    }

    /** The minimums of the {@code blocks} blocks from byte {@code block}, as floats. */
    private void minimums(long block, int blocks, float[] m) {
        for (int b = 0; b < blocks; b++, block += blockBytes) {
            m[b] = f16(data.get(SHORT_LE, block + 2));
        }
    }

    private static final ThreadLocal<float[]> BATCH_SUMS = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * ggml's {@code summs}, the minimum's terms of the types that have one: each block's minimum times
     * the input block's sum {@code s} (Q8_1's, rounded to fp16 as ggml keeps it), added in block order
     * from 0f, and added to the kernel's sum after it, as in ggml, so that its fp16 sums enter as they
     * do there. The one-row kernels of Q4_1 and Q5_1 run that chain beside their vector work; here a
     * row's minimums are read once for all the batch's inputs and the chain runs for {@code LANES}
     * inputs at once (their block sums transposed), each lane the same multiply and add in block order,
     * so the same bits.
     */
    @Override
    final void addBlockTerms(Activation[] xs, int from, int n, float[] out, int outOffset, int outStride, int r0, int r1,
            int cols) {
        if (!minimum) {
            return;
        }
        int blocks = cols / BLOCK;
        int lanes = Vectors.LANES;
        int stride = (n + lanes - 1) / lanes * lanes;
        int termsAt = blocks * stride; // then room for one vector of results
        float[] sums = BATCH_SUMS.get();
        if (sums.length < termsAt + lanes) {
            sums = new float[termsAt + lanes];
            BATCH_SUMS.set(sums);
        }
        java.util.Arrays.fill(sums, 0, termsAt, 0f);
        for (int t = 0; t < n; t++) {
            float[] s = ((Activation.Q8_1) xs[from + t]).sums();
            for (int b = 0; b < blocks; b++) {
                sums[b * stride + t] = s[b];
            }
        }
        float[] m = room(blocks);
        for (int r = r0; r < r1; r++) {
            minimums((long) r * blocks * blockBytes, blocks, m);
            for (int t0 = 0; t0 < n; t0 += lanes) {
                FloatVector acc = FloatVector.zero(Vectors.FLOATS);
                for (int b = 0; b < blocks; b++) {
                    acc = acc.add(FloatVector.fromArray(Vectors.FLOATS, sums, b * stride + t0).mul(m[b]));
                }
                acc.intoArray(sums, termsAt);
                for (int t = t0; t < Math.min(n, t0 + lanes); t++) {
                    out[outOffset + (from + t) * outStride + r] += sums[termsAt + t - t0];
                }
            }
        }
    }

    /**
     * The ggml reference ({@code ggml_vec_dot_<type>_q8_0/_q8_1}) for one block: the integer dot of
     * its quants with {@code q[at, at + 32)} times both scales, plus, for the types with a minimum,
     * the minimum times the input block's sum {@code sy}.
     */
    abstract float scalarBlock(long block, byte[] q, int at, float dy, float sy);

    /**
     * The row whose first block is at byte {@code rowStart} times the split input, in {@link Panel#dot}'s
     * order, each weight's value {@code d·(q - offset)} without its minimum; then, for the types with
     * one, plus the minimum's terms ({@link #addBlockTerms}) of the input's block sums {@code sums}.
     */
    abstract float vectorDot(long rowStart, float[] x, int cols, float[] sums);

    @Override
    final boolean panelKernels(int cols) {
        return Vectors.QUANTIZED_ENABLED;
    }

    @Override
    final float[] panelInput(Activation x) {
        return blocks(x).values();
    }

    /**
     * Rows {@code [r0, r1)}, dequantized into {@code panel} row after row, each in {@link Panel}'s split
     * order, a block at a time ({@link #dequantizeBlock}).
     */
    @Override
    final void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        long block = (long) r0 * (cols / BLOCK) * blockBytes;
        int half = cols / 2;
        for (int r = 0; r < r1 - r0; r++) {
            for (int k = 0; k < cols; k += BLOCK, block += blockBytes) {
                dequantizeBlock(block, panel, r * cols, k, half);
            }
        }
    }

    /**
     * The block at byte {@code block}, elements {@code k...} of its row, into the row of {@code panel}
     * that starts at {@code row}: each value as {@link #vectorDot} computes it.
     */
    abstract void dequantizeBlock(long block, float[] panel, int row, int k, int half);

    /** The nibble of element {@code within} (0-31) of the block whose 16 nibble bytes start at {@code qs}. */
    final int nibble(long qs, int within) {
        int packed = data.get(ValueLayout.JAVA_BYTE, qs + (within & 15)) & 0xff;
        return within < 16 ? packed & 0x0f : packed >> 4;
    }

    /** Element {@code within}'s fifth bit from the block's {@code qh} word, as 0 or 16. */
    static int fifthBit(int qh, int within) {
        return ((qh >>> within) & 1) << 4;
    }

    /**
     * The nibbles of the {@code LANES} elements from {@code e} (a multiple of {@code LANES}) of the
     * block whose 16 nibble bytes start at {@code qs}: low nibbles of bytes {@code e...} below 16, high
     * nibbles of bytes {@code e - 16...} from there.
     */
    static IntVector nibbles(MemorySegment data, long qs, int e) {
        IntVector p = Vectors.unsigned(data, qs + (e & 15));
        return e < 16 ? p.and(0x0f) : p.lanewise(VectorOperators.LSHR, 4);
    }

    /**
     * {@link #nibbles} with each element's fifth bit from {@code qh} above them: the Q5 quants, with 16
     * lanes also the index into a block's 32 values held in two vectors ({@code selectFrom(low, high)}).
     * No masked operation: the index was once a masked add of 16 ({@code add(16, mask)}, faster in a
     * microbenchmark), but now and then C2 compiled that add as the Vector API's Java fallback, and Q5_0
     * decode ran at 3 tok/s instead of 16-19 in four runs of seven (Qwen2.5-0.5B shape).
     */
    static IntVector fiveBits(MemorySegment data, long qs, int qh, int e) {
        return nibbles(data, qs, e)
                .or(IntVector.broadcast(Vectors.INTS, (qh >>> e) << 4).lanewise(VectorOperators.LSHR, LANE).and(0x10));
    }

    /** {@code n} in lane {@code n}: the five-bit types' values 0-15 (16 lanes). */
    private static final FloatVector IOTA = FloatVector.zero(Vectors.FLOATS).addIndex(1);
    private static final FloatVector IOTA_16 = IOTA.add(16f);
    private static final FloatVector IOTA_MINUS_16 = IOTA.sub(16f);

    /**
     * With 16 lanes, a five-bit block's 32 values {@code (q - offset) * d} (offset 16 for Q5_0, 0 for
     * Q5_1), each rounded once, as int bits: those of {@code q} 0-15 ({@code high} false) or 16-31,
     * the two tables {@link #fiveBits} indexes. One multiply each.
     */
    static IntVector fiveBitTable(float d, int offset, boolean high) {
        FloatVector q = offset == 16 ? (high ? IOTA : IOTA_MINUS_16) : (high ? IOTA_16 : IOTA);
        return q.mul(d).reinterpretAsInts();
    }

    /**
     * The panel fill of a five-bit block ({@code qh} at {@code block + qhAt}, nibbles after it):
     * {@code (q - offset) * d}, as the types' one-row kernels compute it.
     */
    final void dequantizeFiveBits(long block, int qhAt, int offset, float[] panel, int row, int k, int half) {
        float scale = f16(data.get(SHORT_LE, block));
        int qh = data.get(INT_LE, block + qhAt);
        long qs = block + qhAt + 4;
        if (Vectors.LANES == BLOCK / 2) {
            IntVector low = fiveBitTable(scale, offset, false), high = fiveBitTable(scale, offset, true);
            fiveBits(data, qs, qh, 0).selectFrom(low, high).reinterpretAsFloats()
                    .intoArray(panel, row + Panel.split(k, half));
            fiveBits(data, qs, qh, 16).selectFrom(low, high).reinterpretAsFloats()
                    .intoArray(panel, row + Panel.split(k + 16, half));
            return;
        }
        FloatVector d = broadcast(scale);
        for (int e = 0; e < BLOCK; e += Vectors.LANES) {
            ((FloatVector) fiveBits(data, qs, qh, e).sub(offset).convertShape(VectorOperators.I2F, Vectors.FLOATS, 0))
                    .mul(d).intoArray(panel, row + Panel.split(k + e, half));
        }
    }

    static FloatVector broadcast(float v) {
        return FloatVector.broadcast(Vectors.FLOATS, v);
    }

    /** ggml's quantizers' signed maximum: the value of largest magnitude in {@code v[b, b + 32)}, the first of equals. */
    static float signedMax(float[] v, int b) {
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < BLOCK; j++) {
            if (amax < Math.abs(v[b + j])) {
                amax = Math.abs(v[b + j]);
                max = v[b + j];
            }
        }
        return max;
    }

    /** The least and greatest of {@code v[b, b + 32)}. */
    static float[] range(float[] v, int b) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < BLOCK; j++) {
            min = Math.min(min, v[b + j]);
            max = Math.max(max, v[b + j]);
        }
        return new float[] {min, max};
    }

    /** A block's 32 quants as its 16 nibble bytes: element {@code j} low, {@code j + 16} high. */
    static byte[] nibbleBytes(int[] q) {
        byte[] qs = new byte[BLOCK / 2];
        for (int j = 0; j < BLOCK / 2; j++) {
            qs[j] = (byte) ((q[j] & 0x0f) | ((q[j + BLOCK / 2] & 0x0f) << 4));
        }
        return qs;
    }

    /** A block's 32 five-bit quants' fifth bits, bit {@code j} for element {@code j}. */
    static int fifthBits(int[] q) {
        int qh = 0;
        for (int j = 0; j < BLOCK; j++) {
            qh |= ((q[j] & 0x10) >> 4) << j;
        }
        return qh;
    }
}
