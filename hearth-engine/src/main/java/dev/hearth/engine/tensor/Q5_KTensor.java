package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_K: as {@link Q4_KTensor} with a fifth bit per value; layout
 * {@code d, dmin, scales[12], qh[32], qs[128]}; bit {@code sub} of {@code qh[l]} adds 16 to value
 * {@code l} of sub-block {@code sub}.
 */
public final class Q5_KTensor extends FloatTensor {

    static final int BLOCK_BYTES = 176;

    Q5_KTensor(MemorySegment data, long size) {
        super(data, size, GgmlType.Q5_K);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    private int quant(long block, int sub, int l) {
        int packed = KQuants.u8(data, block + 48 + (sub / 2) * 32L + l);
        int low = sub % 2 == 0 ? packed & 0x0f : packed >> 4;
        int high = (KQuants.u8(data, block + 16 + l) >> sub) & 1;
        return low | (high << 4);
    }

    @Override
    public float get(long index) {
        long block = index / KQuants.SUPER_BLOCK * BLOCK_BYTES;
        int within = (int) (index % KQuants.SUPER_BLOCK);
        int sub = within / 32;
        float d = f16(data.get(SHORT_LE, block));
        float dmin = f16(data.get(SHORT_LE, block + 2));
        return d * KQuants.scaleMin(data, block + 4, sub, 0) * quant(block, sub, within % 32)
                - dmin * KQuants.scaleMin(data, block + 4, sub, 1);
    }

    @Override
    public Activation.Kind activationKind() {
        return Activation.Kind.Q8_K;
    }

    /** ggml_vec_dot_q5_K_q8_K. */
    @Override
    public float dot(long offset, Activation x) {
        Activation.Q8_K a = (Activation.Q8_K) x;
        if (Vectors.K_QUANTS_ENABLED) {
            return vectorDot(offset / KQuants.SUPER_BLOCK * BLOCK_BYTES, a);
        }
        byte[] q8 = a.quants();
        float sum = 0f;
        long block = offset / KQuants.SUPER_BLOCK * BLOCK_BYTES;
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            int scaled = 0;
            int mins = 0;
            for (int sub = 0; sub < 8; sub++) {
                int base = b * 256 + sub * 32;
                int isum = 0;
                for (int l = 0; l < 32; l++) {
                    isum += quant(block, sub, l) * q8[base + l];
                }
                scaled += KQuants.scaleMin(data, block + 4, sub, 0) * isum;
                mins += KQuants.scaleMin(data, block + 4, sub, 1) * (a.sums16()[base / 16] + a.sums16()[base / 16 + 1]);
            }
            float dx = a.scales()[b];
            sum += f16(data.get(SHORT_LE, block)) * dx * scaled - f16(data.get(SHORT_LE, block + 2)) * dx * mins;
        }
        return sum;
    }

    /** Four activation rows per pass: each sub-block pair's quants decoded once, accumulated per row as {@link #vectorDot} does. */
    @Override
    void dotTile(int row, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        if (!Vectors.K_QUANTS_ENABLED) {
            super.dotTile(row, cols, xs, t, out, outIndex, outStride);
            return;
        }
        Activation.Q8_K a0 = (Activation.Q8_K) xs[t + 0];
        Activation.Q8_K a1 = (Activation.Q8_K) xs[t + 1];
        Activation.Q8_K a2 = (Activation.Q8_K) xs[t + 2];
        Activation.Q8_K a3 = (Activation.Q8_K) xs[t + 3];
        float[] x0 = a0.quantsAsFloats();
        float[] x1 = a1.quantsAsFloats();
        float[] x2 = a2.quantsAsFloats();
        float[] x3 = a3.quantsAsFloats();
        int[] s0 = a0.sums16();
        int[] s1 = a1.sums16();
        int[] s2 = a2.sums16();
        int[] s3 = a3.sums16();
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        float minSum0 = 0f, minSum1 = 0f, minSum2 = 0f, minSum3 = 0f;
        long block = (long) row * (cols / KQuants.SUPER_BLOCK) * BLOCK_BYTES;
        int supers = cols / KQuants.SUPER_BLOCK;
        for (int b = 0; b < supers; b++, block += BLOCK_BYTES) {
            float wd = f16(data.get(SHORT_LE, block));
            float wmin = f16(data.get(SHORT_LE, block + 2));
            float d0 = wd * a0.scales()[b];
            float d1 = wd * a1.scales()[b];
            float d2 = wd * a2.scales()[b];
            float d3 = wd * a3.scales()[b];
            float dmin0 = wmin * a0.scales()[b];
            float dmin1 = wmin * a1.scales()[b];
            float dmin2 = wmin * a2.scales()[b];
            float dmin3 = wmin * a3.scales()[b];
            int mins0 = 0, mins1 = 0, mins2 = 0, mins3 = 0;
            for (int pair = 0; pair < 4; pair++) {
                FloatVector lo0 = FloatVector.zero(Vectors.FLOATS), lo1 = lo0, lo2 = lo0, lo3 = lo0;
                FloatVector hi0 = lo0, hi1 = lo0, hi2 = lo0, hi3 = lo0;
                int base = b * 256 + pair * 64;
                for (int l = 0; l < 32; l += Vectors.LANES) {
                    ByteVector packed = Vectors.bytes(data, block + 48 + pair * 32L + l);
                    ByteVector qh = Vectors.bytes(data, block + 16 + l);
                    FloatVector low = Vectors.widen(packed.and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair).and((byte) 1).lanewise(VectorOperators.LSHL, 4)));
                    FloatVector high = Vectors.widen(packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4)));
                    lo0 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x0, base + l), lo0);
                    lo1 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x1, base + l), lo1);
                    lo2 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x2, base + l), lo2);
                    lo3 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x3, base + l), lo3);
                    hi0 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x0, base + 32 + l), hi0);
                    hi1 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x1, base + 32 + l), hi1);
                    hi2 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x2, base + 32 + l), hi2);
                    hi3 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x3, base + 32 + l), hi3);
                }
                int scLow = KQuants.scaleMin(data, block + 4, 2 * pair, 0);
                int scHigh = KQuants.scaleMin(data, block + 4, 2 * pair + 1, 0);
                int mLow = KQuants.scaleMin(data, block + 4, 2 * pair, 1);
                int mHigh = KQuants.scaleMin(data, block + 4, 2 * pair + 1, 1);
                acc0 = lo0.fma(FloatVector.broadcast(Vectors.FLOATS, d0 * scLow), acc0);
                acc1 = lo1.fma(FloatVector.broadcast(Vectors.FLOATS, d1 * scLow), acc1);
                acc2 = lo2.fma(FloatVector.broadcast(Vectors.FLOATS, d2 * scLow), acc2);
                acc3 = lo3.fma(FloatVector.broadcast(Vectors.FLOATS, d3 * scLow), acc3);
                acc0 = hi0.fma(FloatVector.broadcast(Vectors.FLOATS, d0 * scHigh), acc0);
                acc1 = hi1.fma(FloatVector.broadcast(Vectors.FLOATS, d1 * scHigh), acc1);
                acc2 = hi2.fma(FloatVector.broadcast(Vectors.FLOATS, d2 * scHigh), acc2);
                acc3 = hi3.fma(FloatVector.broadcast(Vectors.FLOATS, d3 * scHigh), acc3);
                mins0 += mLow * (s0[base / 16] + s0[base / 16 + 1]) + mHigh * (s0[base / 16 + 2] + s0[base / 16 + 3]);
                mins1 += mLow * (s1[base / 16] + s1[base / 16 + 1]) + mHigh * (s1[base / 16 + 2] + s1[base / 16 + 3]);
                mins2 += mLow * (s2[base / 16] + s2[base / 16 + 1]) + mHigh * (s2[base / 16 + 2] + s2[base / 16 + 3]);
                mins3 += mLow * (s3[base / 16] + s3[base / 16 + 1]) + mHigh * (s3[base / 16 + 2] + s3[base / 16 + 3]);
            }
            minSum0 += dmin0 * mins0;
            minSum1 += dmin1 * mins1;
            minSum2 += dmin2 * mins2;
            minSum3 += dmin3 * mins3;
        }
        out[outIndex + 0 * outStride] = Vectors.sum(acc0) - minSum0;
        out[outIndex + 1 * outStride] = Vectors.sum(acc1) - minSum1;
        out[outIndex + 2 * outStride] = Vectors.sum(acc2) - minSum2;
        out[outIndex + 3 * outStride] = Vectors.sum(acc3) - minSum3;
    }

    @Override
    boolean copiesRows() {
        return Vectors.K_QUANTS_ENABLED;
    }

    /** {@link #vectorDot} over a copy of the row: the same arithmetic. */
    @Override
    float dot(byte[] w, int rowStart, int cols, Activation input) {
        Activation.Q8_K a = (Activation.Q8_K) input;
        int block = rowStart;
        float[] x = a.quantsAsFloats();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        float minSum = 0f;
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            float dx = a.scales()[b];
            float d = f16(KQuants.half(w, block)) * dx;
            float dmin = f16(KQuants.half(w, block + 2)) * dx;
            int mins = 0;
            for (int pair = 0; pair < 4; pair++) {
                FloatVector lowSum = FloatVector.zero(Vectors.FLOATS);
                FloatVector highSum = FloatVector.zero(Vectors.FLOATS);
                int base = b * 256 + pair * 64;
                for (int l = 0; l < 32; l += Vectors.LANES) {
                    ByteVector packed = Vectors.bytes(w, block + 48 + pair * 32 + l);
                    ByteVector qh = Vectors.bytes(w, block + 16 + l);
                    ByteVector low = packed.and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    ByteVector high = packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    lowSum = Vectors.widen(low).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + l), lowSum);
                    highSum = Vectors.widen(high).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + 32 + l), highSum);
                }
                acc = lowSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * KQuants.scaleMin(w, block + 4, 2 * pair, 0)), acc);
                acc = highSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * KQuants.scaleMin(w, block + 4, 2 * pair + 1, 0)), acc);
                mins += KQuants.scaleMin(w, block + 4, 2 * pair, 1) * (a.sums16()[base / 16] + a.sums16()[base / 16 + 1])
                        + KQuants.scaleMin(w, block + 4, 2 * pair + 1, 1) * (a.sums16()[base / 16 + 2] + a.sums16()[base / 16 + 3]);
            }
            minSum += dmin * mins;
        }
        return Vectors.sum(acc) - minSum;
    }

    /** {@link #dotTile(int, int, Activation[], int, float[], int, int)} over a copy of the row: the same arithmetic. */
    @Override
    void dotTile(byte[] w, int rowStart, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        Activation.Q8_K a0 = (Activation.Q8_K) xs[t + 0];
        Activation.Q8_K a1 = (Activation.Q8_K) xs[t + 1];
        Activation.Q8_K a2 = (Activation.Q8_K) xs[t + 2];
        Activation.Q8_K a3 = (Activation.Q8_K) xs[t + 3];
        float[] x0 = a0.quantsAsFloats();
        float[] x1 = a1.quantsAsFloats();
        float[] x2 = a2.quantsAsFloats();
        float[] x3 = a3.quantsAsFloats();
        int[] s0 = a0.sums16();
        int[] s1 = a1.sums16();
        int[] s2 = a2.sums16();
        int[] s3 = a3.sums16();
        FloatVector acc0 = FloatVector.zero(Vectors.FLOATS), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        float minSum0 = 0f, minSum1 = 0f, minSum2 = 0f, minSum3 = 0f;
        int block = rowStart;
        int supers = cols / KQuants.SUPER_BLOCK;
        for (int b = 0; b < supers; b++, block += BLOCK_BYTES) {
            float wd = f16(KQuants.half(w, block));
            float wmin = f16(KQuants.half(w, block + 2));
            float d0 = wd * a0.scales()[b];
            float d1 = wd * a1.scales()[b];
            float d2 = wd * a2.scales()[b];
            float d3 = wd * a3.scales()[b];
            float dmin0 = wmin * a0.scales()[b];
            float dmin1 = wmin * a1.scales()[b];
            float dmin2 = wmin * a2.scales()[b];
            float dmin3 = wmin * a3.scales()[b];
            int mins0 = 0, mins1 = 0, mins2 = 0, mins3 = 0;
            for (int pair = 0; pair < 4; pair++) {
                FloatVector lo0 = FloatVector.zero(Vectors.FLOATS), lo1 = lo0, lo2 = lo0, lo3 = lo0;
                FloatVector hi0 = lo0, hi1 = lo0, hi2 = lo0, hi3 = lo0;
                int base = b * 256 + pair * 64;
                for (int l = 0; l < 32; l += Vectors.LANES) {
                    ByteVector packed = Vectors.bytes(w, block + 48 + pair * 32 + l);
                    ByteVector qh = Vectors.bytes(w, block + 16 + l);
                    FloatVector low = Vectors.widen(packed.and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair).and((byte) 1).lanewise(VectorOperators.LSHL, 4)));
                    FloatVector high = Vectors.widen(packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4)));
                    lo0 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x0, base + l), lo0);
                    lo1 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x1, base + l), lo1);
                    lo2 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x2, base + l), lo2);
                    lo3 = low.fma(FloatVector.fromArray(Vectors.FLOATS, x3, base + l), lo3);
                    hi0 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x0, base + 32 + l), hi0);
                    hi1 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x1, base + 32 + l), hi1);
                    hi2 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x2, base + 32 + l), hi2);
                    hi3 = high.fma(FloatVector.fromArray(Vectors.FLOATS, x3, base + 32 + l), hi3);
                }
                int scLow = KQuants.scaleMin(w, block + 4, 2 * pair, 0);
                int scHigh = KQuants.scaleMin(w, block + 4, 2 * pair + 1, 0);
                int mLow = KQuants.scaleMin(w, block + 4, 2 * pair, 1);
                int mHigh = KQuants.scaleMin(w, block + 4, 2 * pair + 1, 1);
                acc0 = lo0.fma(FloatVector.broadcast(Vectors.FLOATS, d0 * scLow), acc0);
                acc1 = lo1.fma(FloatVector.broadcast(Vectors.FLOATS, d1 * scLow), acc1);
                acc2 = lo2.fma(FloatVector.broadcast(Vectors.FLOATS, d2 * scLow), acc2);
                acc3 = lo3.fma(FloatVector.broadcast(Vectors.FLOATS, d3 * scLow), acc3);
                acc0 = hi0.fma(FloatVector.broadcast(Vectors.FLOATS, d0 * scHigh), acc0);
                acc1 = hi1.fma(FloatVector.broadcast(Vectors.FLOATS, d1 * scHigh), acc1);
                acc2 = hi2.fma(FloatVector.broadcast(Vectors.FLOATS, d2 * scHigh), acc2);
                acc3 = hi3.fma(FloatVector.broadcast(Vectors.FLOATS, d3 * scHigh), acc3);
                mins0 += mLow * (s0[base / 16] + s0[base / 16 + 1]) + mHigh * (s0[base / 16 + 2] + s0[base / 16 + 3]);
                mins1 += mLow * (s1[base / 16] + s1[base / 16 + 1]) + mHigh * (s1[base / 16 + 2] + s1[base / 16 + 3]);
                mins2 += mLow * (s2[base / 16] + s2[base / 16 + 1]) + mHigh * (s2[base / 16 + 2] + s2[base / 16 + 3]);
                mins3 += mLow * (s3[base / 16] + s3[base / 16 + 1]) + mHigh * (s3[base / 16 + 2] + s3[base / 16 + 3]);
            }
            minSum0 += dmin0 * mins0;
            minSum1 += dmin1 * mins1;
            minSum2 += dmin2 * mins2;
            minSum3 += dmin3 * mins3;
        }
        out[outIndex + 0 * outStride] = Vectors.sum(acc0) - minSum0;
        out[outIndex + 1 * outStride] = Vectors.sum(acc1) - minSum1;
        out[outIndex + 2 * outStride] = Vectors.sum(acc2) - minSum2;
        out[outIndex + 3 * outStride] = Vectors.sum(acc3) - minSum3;
    }

    /** As {@link Q4_KTensor}'s vector dot, with bit {@code sub} of {@code qh} adding 16. */
    private float vectorDot(long block, Activation.Q8_K a) {
        float[] x = a.quantsAsFloats();
        FloatVector acc = FloatVector.zero(Vectors.FLOATS);
        float minSum = 0f;
        for (int b = 0; b < a.scales().length; b++, block += BLOCK_BYTES) {
            float dx = a.scales()[b];
            float d = f16(data.get(SHORT_LE, block)) * dx;
            float dmin = f16(data.get(SHORT_LE, block + 2)) * dx;
            int mins = 0;
            for (int pair = 0; pair < 4; pair++) {
                FloatVector lowSum = FloatVector.zero(Vectors.FLOATS);
                FloatVector highSum = FloatVector.zero(Vectors.FLOATS);
                int base = b * 256 + pair * 64;
                for (int l = 0; l < 32; l += Vectors.LANES) {
                    ByteVector packed = Vectors.bytes(data, block + 48 + pair * 32L + l);
                    ByteVector qh = Vectors.bytes(data, block + 16 + l);
                    ByteVector low = packed.and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    ByteVector high = packed.lanewise(VectorOperators.ASHR, 4).and((byte) 0x0f)
                            .or(qh.lanewise(VectorOperators.ASHR, 2 * pair + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                    lowSum = Vectors.widen(low).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + l), lowSum);
                    highSum = Vectors.widen(high).fma(FloatVector.fromArray(Vectors.FLOATS, x, base + 32 + l), highSum);
                }
                acc = lowSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * KQuants.scaleMin(data, block + 4, 2 * pair, 0)), acc);
                acc = highSum.fma(FloatVector.broadcast(Vectors.FLOATS, d * KQuants.scaleMin(data, block + 4, 2 * pair + 1, 0)), acc);
                mins += KQuants.scaleMin(data, block + 4, 2 * pair, 1) * (a.sums16()[base / 16] + a.sums16()[base / 16 + 1])
                        + KQuants.scaleMin(data, block + 4, 2 * pair + 1, 1) * (a.sums16()[base / 16 + 2] + a.sums16()[base / 16 + 3]);
            }
            minSum += dmin * mins;
        }
        return Vectors.sum(acc) - minSum;
    }
}
