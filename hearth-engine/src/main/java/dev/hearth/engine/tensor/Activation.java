package dev.hearth.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An input vector in the form a weight type's dot product consumes (llama.cpp's {@code vec_dot_type}):
 * plain floats for F32, floats already rounded to F16/BF16 for those types, and Q8_0 blocks for the
 * 8- and 4-bit types. Converting once per matrix×vector, exactly as llama.cpp does, is what lets the
 * engine match llama.cpp to ~1e-5 rather than to quantization noise.
 */
public sealed interface Activation {

    int length();

    /** The input form a weight type consumes: llama.cpp's {@code vec_dot_type} per ggml type. */
    enum Kind { FLOATS, F16, BF16, Q8_0, Q8_1, Q8_K }

    /**
     * Converts {@code x[offset, offset + n)} to {@code kind}, into {@code reuse}'s arrays when it is of
     * that kind and length (a workspace's buffers), else into new ones. The result depends on the
     * input values only, never on what {@code reuse} held before.
     */
    static Activation prepare(Kind kind, float[] x, int offset, int n, Activation reuse) {
        switch (kind) {
            case FLOATS, F16, BF16 -> {
                float[] out = reuse instanceof Floats f && f.values().length == n ? f.values() : new float[n];
                if (kind == Kind.FLOATS) {
                    System.arraycopy(x, offset, out, 0, n);
                } else if (kind == Kind.F16) {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.float16ToFloat(Float.floatToFloat16(x[offset + i]));
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out[i] = Float.intBitsToFloat(BF16Tensor.bf16Bits(x[offset + i]) << 16);
                    }
                }
                return reuse instanceof Floats f && f.values() == out ? f : new Floats(out);
            }
            case Q8_0 -> {
                Q8_0 q = reuse instanceof Q8_0 r && r.length() == n ? r : Q8_0.allocate(n);
                q.fill(x, offset);
                return q;
            }
            case Q8_1 -> {
                Q8_1 q = reuse instanceof Q8_1 r && r.length() == n ? r : Q8_1.allocate(n);
                q.fill(x, offset);
                return q;
            }
            case Q8_K -> {
                Q8_K q = reuse instanceof Q8_K r && r.length() == n ? r : Q8_K.allocate(n);
                q.fill(x, offset);
                return q;
            }
        }
        throw new AssertionError(kind);
    }

    /** Floats, possibly rounded to a narrower type. */
    record Floats(float[] values) implements Activation {
        @Override
        public int length() {
            return values.length;
        }
    }

    /**
     * Q8_0 blocks: {@code quants[i]} with scale {@code scales[i / 32]} (already rounded through fp16);
     * {@code values} holds {@code quants[i] * scales[i / 32]}, the dequantized input that the vectorized
     * Q8_0 and Q4_0 kernels multiply their dequantized weights with, in {@link Panel}'s split order
     * (even vector steps in the first half, odd ones in the second).
     * As ggml's AVX2 {@code quantize_row_q8_0}: d = amax / 127, q = round-half-even(x * 127 / amax).
     */
    record Q8_0(byte[] quants, float[] values, float[] scales) implements Activation {
        @Override
        public int length() {
            return quants.length;
        }

        public static Q8_0 quantize(float[] x, int n) {
            Q8_0 q = allocate(n);
            q.fill(x, 0);
            return q;
        }

        static Q8_0 allocate(int n) {
            if (n % 32 != 0) {
                throw new IllegalArgumentException("Q8_0 activations need a multiple of 32 values, got " + n);
            }
            return new Q8_0(new byte[n], new float[n], new float[n / 32]);
        }

        /** Quantizes {@code x[offset, offset + length())} into this activation's arrays. */
        void fill(float[] x, int offset) {
            if (Vectors.QUANTIZED_ENABLED && 32 % Vectors.LANES == 0) {
                fillVectors(x, offset);
            } else {
                fillScalar(x, offset);
            }
        }

        /** {@link #fill} a value at a time: the definition {@link #fillVectors} reproduces. */
        void fillScalar(float[] x, int offset) {
            byte[] q = quants;
            float[] asFloats = values;
            int n = q.length;
            for (int b = 0; b < n / 32; b++) {
                int base = offset + b * 32;
                float amax = 0f;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[base + j]));
                }
                float d = amax / 127f;
                float scale = Float.float16ToFloat(Float.floatToFloat16(d));
                scales[b] = scale;
                float id = amax != 0f ? 127f / amax : 0f;
                for (int j = 0; j < 32; j++) {
                    byte v = (byte) Math.rint(x[base + j] * id);
                    q[b * 32 + j] = v;
                    int k = b * 32 + j;
                    asFloats[Panel.split(k - k % Vectors.LANES, n / 2) + k % Vectors.LANES] = v * scale;
                }
            }
        }

        /**
         * {@link #fill} with vectors, the same bits: the block's largest magnitude is a maximum (the
         * same in any order), {@code x·id} a product per lane, and rounding half to even is
         * {@link Vectors#ROUND}'s (these are at most 127).
         */
        void fillVectors(float[] x, int offset) {
            int n = quants.length;
            int half = n / 2;
            for (int b = 0; b < n / 32; b++) {
                int base = offset + b * 32;
                float amax = Vectors.maxAbs(x, base, 32);
                float scale = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                scales[b] = scale;
                float id = amax != 0f ? 127f / amax : 0f;
                for (int j = 0; j < 32; j += Vectors.LANES) {
                    FloatVector v = FloatVector.fromArray(Vectors.FLOATS, x, base + j).mul(id)
                            .add(Vectors.ROUND).sub(Vectors.ROUND);
                    int k = b * 32 + j;
                    ((ByteVector) v.convertShape(VectorOperators.F2B, Vectors.BYTES, 0)).intoArray(quants, k);
                    v.mul(scale).intoArray(values, Panel.split(k, half));
                }
            }
        }
    }

    /**
     * Q8_1 blocks, for the types whose weights have a minimum (Q4_1, Q5_1): {@link Q8_0}'s quants,
     * scales and values, and each block's sum as ggml's {@code block_q8_1} keeps it, {@code s =
     * fp16(d·Σq)} with {@code d = amax / 127} before its own rounding to fp16 (ggml's AVX2
     * {@code quantize_row_q8_1}): a weight block's minimum multiplies it.
     */
    record Q8_1(Q8_0 blocks, float[] sums) implements Activation {
        @Override
        public int length() {
            return blocks.length();
        }

        static Q8_1 allocate(int n) {
            return new Q8_1(Q8_0.allocate(n), new float[n / 32]);
        }

        void fill(float[] x, int offset) {
            blocks.fill(x, offset);
            byte[] q = blocks.quants();
            for (int b = 0; b < sums.length; b++) {
                float amax = 0f;
                int sum = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[offset + b * 32 + j]));
                    sum += q[b * 32 + j];
                }
                sums[b] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f * sum));
            }
        }
    }

    /**
     * Q8_K super-blocks of 256 for the K-quant dot products: {@code quants[i]} times {@code scales[i / 256]}
     * (a float, not fp16), and {@code sums16[k]} = sum of quants {@code 16k .. 16k+15}; {@code values}
     * holds {@code quants[i] * scales[i / 256]} in {@link Panel}'s split order, for the types that
     * multiply dequantized floats (the K-quants).
     * As ggml's {@code quantize_row_q8_K_ref}: scale = max / -127 with {@code max} the signed value of
     * largest magnitude, q = min(127, round-half-even(x * -127 / max)).
     */
    record Q8_K(byte[] quants, float[] scales, int[] sums16, float[] values) implements Activation {
        @Override
        public int length() {
            return quants.length;
        }

        public static Q8_K quantize(float[] x, int n) {
            Q8_K q = allocate(n);
            q.fill(x, 0);
            return q;
        }

        static Q8_K allocate(int n) {
            if (n % 256 != 0) {
                throw new IllegalArgumentException("Q8_K activations need a multiple of 256 values, got " + n);
            }
            return new Q8_K(new byte[n], new float[n / 256], new int[n / 16], new float[n]);
        }

        /** Quantizes {@code x[offset, offset + length())} into this activation's arrays. */
        void fill(float[] x, int offset) {
            if (!Vectors.K_QUANTS_ENABLED || !fillVectors(x, offset)) {
                fillScalar(x, offset);
            }
        }

        /** {@link #fill} a value at a time: the definition {@link #fillVectors} reproduces. */
        void fillScalar(float[] x, int offset) {
            byte[] q = quants;
            int n = q.length;
            java.util.Arrays.fill(q, (byte) 0);
            java.util.Arrays.fill(sums16, 0);
            java.util.Arrays.fill(scales, 0f);
            for (int b = 0; b < n / 256; b++) {
                int base = offset + b * 256;
                float amax = 0f;
                float max = 0f;
                for (int j = 0; j < 256; j++) {
                    float ax = Math.abs(x[base + j]);
                    if (ax > amax) {
                        amax = ax;
                        max = x[base + j];
                    }
                }
                if (amax == 0f) {
                    continue; // scale 0, quants 0
                }
                float iscale = -127f / max;
                for (int j = 0; j < 256; j++) {
                    int v = Math.min(127, (int) Math.rint(iscale * x[base + j]));
                    q[b * 256 + j] = (byte) v;
                    sums16[(b * 256 + j) / 16] += v;
                }
                scales[b] = 1f / iscale;
            }
            for (int i = 0; i < n; i++) {
                int chunk = i - i % Vectors.LANES;
                values[Panel.split(chunk, n / 2) + i % Vectors.LANES] = q[i] * scales[i / 256];
            }
        }

        /**
         * {@link #fill} with vectors, the same bits; false (nothing to trust written) for a row with a
         * NaN, which the definition's strict comparison skips where a vector maximum would not. The
         * largest magnitude is a maximum (order-free); its first holder gives {@code max}, as in the
         * definition; rounding half to even is {@link Vectors#ROUND}'s; sums of 16 quants are
         * sums of small integers, exact in any order.
         */
        boolean fillVectors(float[] x, int offset) {
            int n = quants.length;
            int half = n / 2;
            int l = Vectors.LANES;
            for (int b = 0; b < n / 256; b++) {
                int base = offset + b * 256;
                float amax = Vectors.maxAbs(x, base, 256);
                if (Float.isNaN(amax)) {
                    return false;
                }
                if (amax == 0f) {
                    java.util.Arrays.fill(quants, b * 256, b * 256 + 256, (byte) 0);
                    java.util.Arrays.fill(sums16, b * 16, b * 16 + 16, 0);
                    scales[b] = 0f;
                    for (int j = 0; j < 256; j += l) {
                        FloatVector.zero(Vectors.FLOATS).intoArray(values, Panel.split(b * 256 + j, half));
                    }
                    continue;
                }
                int first = 0;
                while (Math.abs(x[base + first]) != amax) {
                    first++;
                }
                float iscale = -127f / x[base + first];
                float scale = 1f / iscale;
                scales[b] = scale;
                for (int j = 0; j < 256; j += l) {
                    FloatVector v = FloatVector.fromArray(Vectors.FLOATS, x, base + j).mul(iscale)
                            .add(Vectors.ROUND).sub(Vectors.ROUND).min(127f);
                    int k = b * 256 + j;
                    ((ByteVector) v.convertShape(VectorOperators.F2B, Vectors.BYTES, 0)).intoArray(quants, k);
                    v.mul(scale).intoArray(values, Panel.split(k, half));
                    int sum = (int) v.reduceLanes(VectorOperators.ADD); // 16 quants: one vector, or two at 8 lanes
                    sums16[k / 16] = j % 16 == 0 ? sum : sums16[k / 16] + sum;
                }
            }
            return true;
        }
    }
}
