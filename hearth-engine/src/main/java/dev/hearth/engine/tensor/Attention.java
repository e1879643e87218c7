package dev.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Causal grouped-query attention of one token over an F32 KV cache: for each query head, scaled dot
 * products with every cached key of its KV head, softmax, weighted sum of the values. Work is split
 * into tiles of up to four query heads of one KV head, which run in parallel once the work is large.
 * Every score and every output element is one FMA chain in a fixed order, so the result never
 * depends on the thread count, the tiling or the JIT state.
 *
 * <p>Values are position-major ({@code values[t * kvDim + kvHead * headSize + i]}). Keys are kept
 * in blocks of {@link #KEY_BLOCK} positions, dimension-major within a block ({@link #keyIndex}), so
 * that one vector holds one dimension of consecutive positions: a score is then a chain of FMAs
 * with broadcast query values and needs no horizontal sum, and the query heads that share a KV
 * head load each key vector once. (Position-major keys cost a 16-lane tree sum per score, more
 * than the score's FMAs: on the Qwen2.5-0.5B shape a 2048-token prompt prefilled at 90-100 tok/s,
 * against 115-123 with blocks.)
 */
public final class Attention {

    /** Positions per key block; a multiple of the vector width. */
    public static final int KEY_BLOCK = Math.max(16, Vectors.LANES);

    private Attention() {}

    /** Floats of a key cache with room for {@code capacity} positions. */
    public static int keyCacheSize(int capacity, int kvDim) {
        return blocks(capacity) * KEY_BLOCK * kvDim;
    }

    /** Scores per head in the scratch (a whole number of key blocks, each head's row after the last). */
    public static int scoreStride(int length) {
        return blocks(length) * KEY_BLOCK;
    }

    private static int blocks(int positions) {
        return (positions + KEY_BLOCK - 1) / KEY_BLOCK;
    }

    /** Where dimension {@code i} of KV head {@code kvHead}'s key at {@code position} lives in a cache of {@code capacity}. */
    static int keyIndex(int capacity, int headSize, int kvHead, int position, int i) {
        return ((kvHead * blocks(capacity) + position / KEY_BLOCK) * headSize + i) * KEY_BLOCK + position % KEY_BLOCK;
    }

    /** Stores the keys of every KV head ({@code kvHeads * headSize} values at {@code k[kOffset]}) at {@code position}. */
    public static void storeKey(float[] keys, int capacity, int position, float[] k, int kOffset, int kvHeads,
            int headSize) {
        for (int h = 0; h < kvHeads; h++) {
            int at = keyIndex(capacity, headSize, h, position, 0);
            for (int i = 0; i < headSize; i++, at += KEY_BLOCK) {
                keys[at] = k[kOffset + h * headSize + i];
            }
        }
    }

    /** Copies the keys of the first {@code positions} positions into a cache of another capacity. */
    public static void copyKeys(float[] from, int fromCapacity, float[] to, int toCapacity, int positions, int kvHeads,
            int headSize) {
        int floats = blocks(positions) * KEY_BLOCK * headSize;
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(from, keyIndex(fromCapacity, headSize, h, 0, 0), to, keyIndex(toCapacity, headSize, h, 0, 0),
                    floats);
        }
    }

    /**
     * @param q the query heads, {@code heads * headSize} values
     * @param keys a key cache of {@code capacity} positions ({@link #storeKey})
     * @param scores scratch of at least {@code heads * scoreStride(position + 1)} floats
     * @param out receives {@code heads * headSize} values
     */
    public static void apply(float[] q, float[] keys, int capacity, float[] values, int position, int heads, int kvHeads,
            int headSize, float scale, float[] scores, float[] out) {
        apply(q, 0, keys, capacity, values, 0, position, heads, kvHeads, headSize, scale, scores, out, 0);
    }

    /**
     * As {@link #apply(float[], float[], int, float[], int, int, int, int, float, float[], float[])}, with the
     * query and output at offsets (rows of a batch), attending to positions {@code start..position} only
     * (a sliding window; 0 for all; the scores below {@code start} are not computed or are ignored).
     */
    public static void apply(float[] q, int qBase, float[] keys, int capacity, float[] values, int start, int position,
            int heads, int kvHeads, int headSize, float scale, float[] scores, float[] out, int outBase) {
        int tiles = kvHeads * tilesPerGroup(heads / kvHeads);
        int length = position + 1;
        if ((long) heads * (length - start) * headSize < FloatTensor.PARALLEL_THRESHOLD) {
            for (int j = 0; j < tiles; j++) {
                tile(q, qBase, keys, capacity, values, start, length, j, heads / kvHeads, kvHeads, headSize, scale, scores,
                        out, outBase);
            }
        } else {
            Parallel.forEach(tiles, j -> tile(q, qBase, keys, capacity, values, start, length, j, heads / kvHeads, kvHeads,
                    headSize, scale, scores, out, outBase));
        }
    }

    /** As {@link #apply(float[], int, float[], int, float[], int, int, int, int, int, float, float[], float[], int)}, on the calling thread. */
    public static void applySerial(float[] q, int qBase, float[] keys, int capacity, float[] values, int start, int position,
            int heads, int kvHeads, int headSize, float scale, float[] scores, float[] out, int outBase) {
        int tiles = kvHeads * tilesPerGroup(heads / kvHeads);
        for (int j = 0; j < tiles; j++) {
            tile(q, qBase, keys, capacity, values, start, position + 1, j, heads / kvHeads, kvHeads, headSize, scale, scores,
                    out, outBase);
        }
    }

    /** Tiles per KV head: its group's query heads four at a time, then two, then one. */
    private static int tilesPerGroup(int group) {
        return group / 4 + Integer.bitCount(group % 4);
    }

    /** Tile {@code j}: tile {@code j % tilesPerGroup} of KV head {@code j / tilesPerGroup}'s query heads. */
    private static void tile(float[] q, int qBase, float[] keys, int capacity, float[] values, int start, int length, int j,
            int group, int kvHeads, int headSize, float scale, float[] scores, float[] out, int outBase) {
        int perGroup = tilesPerGroup(group);
        int kvHead = j / perGroup;
        int inGroup = j % perGroup;
        int fours = group / 4;
        int within;
        int count;
        if (inGroup < fours) {
            within = 4 * inGroup;
            count = 4;
        } else if (inGroup == fours && group % 4 >= 2) {
            within = 4 * fours;
            count = 2;
        } else {
            within = group - 1;
            count = 1;
        }
        int first = kvHead * group + within;
        int stride = scoreStride(length);
        int vectors = (length + Vectors.LANES - 1) / Vectors.LANES;
        int k = keyIndex(capacity, headSize, kvHead, 0, 0);
        int qo = qBase + first * headSize;
        switch (count) {
            case 4 -> scores4(q, qo, headSize, keys, k, start / Vectors.LANES, vectors, scores, first * stride, stride);
            case 2 -> scores2(q, qo, headSize, keys, k, start / Vectors.LANES, vectors, scores, first * stride, stride);
            default -> scores1(q, qo, headSize, keys, k, start / Vectors.LANES, vectors, scores, first * stride);
        }
        int kvDim = kvHeads * headSize;
        int window = length - start;
        for (int h = first; h < first + count; h++) {
            int sOffset = h * stride + start;
            for (int t = 0; t < window; t++) {
                scores[sOffset + t] *= scale;
            }
            Softmax.apply(scores, sOffset, window);
            weightedSum(scores, sOffset, window, values, start * kvDim + kvHead * headSize, kvDim, out,
                    outBase + h * headSize, headSize);
        }
    }

    /** Offset of position vector {@code v} (of {@code LANES} positions) at dimension 0 in a KV head's key blocks. */
    private static int vectorAt(int keyBase, int headSize, int v) {
        int position = v * Vectors.LANES;
        return keyBase + (position / KEY_BLOCK) * headSize * KEY_BLOCK + position % KEY_BLOCK;
    }

    /**
     * Unscaled scores of four consecutive query heads against {@code vectors} vectors of positions:
     * {@code Σ_i q[i]·k_t[i]} as an FMA chain from zero in increasing {@code i}, two position vectors
     * at a time (eight independent chains), then one at a time.
     */
    private static void scores4(float[] q, int qo, int headSize, float[] keys, int keyBase, int v0, int vectors, float[] scores,
            int sOffset, int stride) {
        int q1 = qo + headSize, q2 = q1 + headSize, q3 = q2 + headSize;
        int v = v0;
        for (; v + 2 <= vectors; v += 2) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int i = 0, ka = vectorAt(keyBase, headSize, v), kb = vectorAt(keyBase, headSize, v + 1); i < headSize;
                    i++, ka += KEY_BLOCK, kb += KEY_BLOCK) {
                FloatVector x = FloatVector.fromArray(Vectors.FLOATS, keys, ka);
                FloatVector y = FloatVector.fromArray(Vectors.FLOATS, keys, kb);
                FloatVector w = FloatVector.broadcast(Vectors.FLOATS, q[qo + i]);
                a0 = x.fma(w, a0);
                b0 = y.fma(w, b0);
                w = FloatVector.broadcast(Vectors.FLOATS, q[q1 + i]);
                a1 = x.fma(w, a1);
                b1 = y.fma(w, b1);
                w = FloatVector.broadcast(Vectors.FLOATS, q[q2 + i]);
                a2 = x.fma(w, a2);
                b2 = y.fma(w, b2);
                w = FloatVector.broadcast(Vectors.FLOATS, q[q3 + i]);
                a3 = x.fma(w, a3);
                b3 = y.fma(w, b3);
            }
            int t = sOffset + v * Vectors.LANES, u = t + Vectors.LANES;
            a0.intoArray(scores, t);
            b0.intoArray(scores, u);
            a1.intoArray(scores, t + stride);
            b1.intoArray(scores, u + stride);
            a2.intoArray(scores, t + 2 * stride);
            b2.intoArray(scores, u + 2 * stride);
            a3.intoArray(scores, t + 3 * stride);
            b3.intoArray(scores, u + 3 * stride);
        }
        for (; v < vectors; v++) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0, ka = vectorAt(keyBase, headSize, v); i < headSize; i++, ka += KEY_BLOCK) {
                FloatVector x = FloatVector.fromArray(Vectors.FLOATS, keys, ka);
                a0 = x.fma(FloatVector.broadcast(Vectors.FLOATS, q[qo + i]), a0);
                a1 = x.fma(FloatVector.broadcast(Vectors.FLOATS, q[q1 + i]), a1);
                a2 = x.fma(FloatVector.broadcast(Vectors.FLOATS, q[q2 + i]), a2);
                a3 = x.fma(FloatVector.broadcast(Vectors.FLOATS, q[q3 + i]), a3);
            }
            int t = sOffset + v * Vectors.LANES;
            a0.intoArray(scores, t);
            a1.intoArray(scores, t + stride);
            a2.intoArray(scores, t + 2 * stride);
            a3.intoArray(scores, t + 3 * stride);
        }
    }

    /** {@link #scores4} for two heads, four position vectors at a time. */
    private static void scores2(float[] q, int qo, int headSize, float[] keys, int keyBase, int v0, int vectors, float[] scores,
            int sOffset, int stride) {
        int q1 = qo + headSize;
        int v = v0;
        for (; v + 4 <= vectors; v += 4) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
            for (int i = 0, ka = vectorAt(keyBase, headSize, v), kb = vectorAt(keyBase, headSize, v + 1),
                    kc = vectorAt(keyBase, headSize, v + 2), kd = vectorAt(keyBase, headSize, v + 3); i < headSize;
                    i++, ka += KEY_BLOCK, kb += KEY_BLOCK, kc += KEY_BLOCK, kd += KEY_BLOCK) {
                FloatVector x = FloatVector.fromArray(Vectors.FLOATS, keys, ka);
                FloatVector y = FloatVector.fromArray(Vectors.FLOATS, keys, kb);
                FloatVector z = FloatVector.fromArray(Vectors.FLOATS, keys, kc);
                FloatVector r = FloatVector.fromArray(Vectors.FLOATS, keys, kd);
                FloatVector w = FloatVector.broadcast(Vectors.FLOATS, q[qo + i]);
                a0 = x.fma(w, a0);
                b0 = y.fma(w, b0);
                c0 = z.fma(w, c0);
                d0 = r.fma(w, d0);
                w = FloatVector.broadcast(Vectors.FLOATS, q[q1 + i]);
                a1 = x.fma(w, a1);
                b1 = y.fma(w, b1);
                c1 = z.fma(w, c1);
                d1 = r.fma(w, d1);
            }
            int t = sOffset + v * Vectors.LANES, l = Vectors.LANES;
            a0.intoArray(scores, t);
            b0.intoArray(scores, t + l);
            c0.intoArray(scores, t + 2 * l);
            d0.intoArray(scores, t + 3 * l);
            a1.intoArray(scores, t + stride);
            b1.intoArray(scores, t + l + stride);
            c1.intoArray(scores, t + 2 * l + stride);
            d1.intoArray(scores, t + 3 * l + stride);
        }
        for (; v < vectors; v++) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0;
            for (int i = 0, ka = vectorAt(keyBase, headSize, v); i < headSize; i++, ka += KEY_BLOCK) {
                FloatVector x = FloatVector.fromArray(Vectors.FLOATS, keys, ka);
                a0 = x.fma(FloatVector.broadcast(Vectors.FLOATS, q[qo + i]), a0);
                a1 = x.fma(FloatVector.broadcast(Vectors.FLOATS, q[q1 + i]), a1);
            }
            int t = sOffset + v * Vectors.LANES;
            a0.intoArray(scores, t);
            a1.intoArray(scores, t + stride);
        }
    }

    /** {@link #scores4} for one head, eight position vectors at a time. */
    private static void scores1(float[] q, int qo, int headSize, float[] keys, int keyBase, int v0, int vectors, float[] scores,
            int sOffset) {
        int v = v0;
        int l = Vectors.LANES;
        for (; v + 8 <= vectors; v += 8) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int k0 = vectorAt(keyBase, headSize, v), k1 = vectorAt(keyBase, headSize, v + 1),
                    k2 = vectorAt(keyBase, headSize, v + 2), k3 = vectorAt(keyBase, headSize, v + 3),
                    k4 = vectorAt(keyBase, headSize, v + 4), k5 = vectorAt(keyBase, headSize, v + 5),
                    k6 = vectorAt(keyBase, headSize, v + 6), k7 = vectorAt(keyBase, headSize, v + 7);
            for (int i = 0, o = 0; i < headSize; i++, o += KEY_BLOCK) {
                FloatVector w = FloatVector.broadcast(Vectors.FLOATS, q[qo + i]);
                a0 = FloatVector.fromArray(Vectors.FLOATS, keys, k0 + o).fma(w, a0);
                a1 = FloatVector.fromArray(Vectors.FLOATS, keys, k1 + o).fma(w, a1);
                a2 = FloatVector.fromArray(Vectors.FLOATS, keys, k2 + o).fma(w, a2);
                a3 = FloatVector.fromArray(Vectors.FLOATS, keys, k3 + o).fma(w, a3);
                a4 = FloatVector.fromArray(Vectors.FLOATS, keys, k4 + o).fma(w, a4);
                a5 = FloatVector.fromArray(Vectors.FLOATS, keys, k5 + o).fma(w, a5);
                a6 = FloatVector.fromArray(Vectors.FLOATS, keys, k6 + o).fma(w, a6);
                a7 = FloatVector.fromArray(Vectors.FLOATS, keys, k7 + o).fma(w, a7);
            }
            int t = sOffset + v * l;
            a0.intoArray(scores, t);
            a1.intoArray(scores, t + l);
            a2.intoArray(scores, t + 2 * l);
            a3.intoArray(scores, t + 3 * l);
            a4.intoArray(scores, t + 4 * l);
            a5.intoArray(scores, t + 5 * l);
            a6.intoArray(scores, t + 6 * l);
            a7.intoArray(scores, t + 7 * l);
        }
        for (; v < vectors; v++) {
            FloatVector a = FloatVector.zero(Vectors.FLOATS);
            for (int i = 0, ka = vectorAt(keyBase, headSize, v); i < headSize; i++, ka += KEY_BLOCK) {
                a = FloatVector.fromArray(Vectors.FLOATS, keys, ka).fma(FloatVector.broadcast(Vectors.FLOATS, q[qo + i]), a);
            }
            a.intoArray(scores, sOffset + v * l);
        }
    }

    /**
     * {@code out[oOffset + i] = Σ_t scores[sOffset + t] · values[t * kvDim + vOffset + i]} for {@code i <
     * headSize}, each sum an FMA chain from zero in increasing {@code t}, lane by lane (so exact per element in any
     * width), with the row held in registers, four vectors at a time, not loaded and stored at every
     * position.
     */
    static void weightedSum(float[] scores, int sOffset, int length, float[] values, int vOffset, int kvDim,
            float[] out, int oOffset, int headSize) {
        int l = Vectors.LANES;
        int i = 0;
        for (; i + 4 * l <= headSize; i += 4 * l) {
            FloatVector a0 = FloatVector.zero(Vectors.FLOATS), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0, v = vOffset + i; t < length; t++, v += kvDim) {
                FloatVector w = FloatVector.broadcast(Vectors.FLOATS, scores[sOffset + t]);
                a0 = FloatVector.fromArray(Vectors.FLOATS, values, v).fma(w, a0);
                a1 = FloatVector.fromArray(Vectors.FLOATS, values, v + l).fma(w, a1);
                a2 = FloatVector.fromArray(Vectors.FLOATS, values, v + 2 * l).fma(w, a2);
                a3 = FloatVector.fromArray(Vectors.FLOATS, values, v + 3 * l).fma(w, a3);
            }
            a0.intoArray(out, oOffset + i);
            a1.intoArray(out, oOffset + i + l);
            a2.intoArray(out, oOffset + i + 2 * l);
            a3.intoArray(out, oOffset + i + 3 * l);
        }
        for (; i + l <= headSize; i += l) {
            FloatVector a = FloatVector.zero(Vectors.FLOATS);
            for (int t = 0, v = vOffset + i; t < length; t++, v += kvDim) {
                a = FloatVector.fromArray(Vectors.FLOATS, values, v).fma(FloatVector.broadcast(Vectors.FLOATS, scores[sOffset + t]), a);
            }
            a.intoArray(out, oOffset + i);
        }
        for (; i < headSize; i++) {
            float a = 0f;
            for (int t = 0, v = vOffset + i; t < length; t++, v += kvDim) {
                a = Math.fma(scores[sOffset + t], values[v], a);
            }
            out[oOffset + i] = a;
        }
    }
}
