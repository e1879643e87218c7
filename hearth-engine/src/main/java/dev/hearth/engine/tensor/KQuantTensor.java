package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * What the K-quants (super-blocks of 256 with per-sub-block scales, Q8_K inputs) share: with vectors
 * their products are {@link Panel} products — a row's dequantized values ({@link #dequantizeRow})
 * times the input's dequantized values in split order, computed by {@link #panelDot} straight from the
 * packed bytes for one row and on float panels for a batch, bitwise alike. Without vectors, each
 * type's ggml reference dot product ({@link #scalarDot}).
 */
abstract sealed class KQuantTensor extends FloatTensor permits Q4_KTensor, Q5_KTensor, Q6_KTensor {

    /**
     * Floats per super-block in a row's scale table ({@link #scales}): Q4_K and Q5_K put their eight
     * {@code d·sc} at 0 and their eight {@code −dmin·m} at {@code SCALES − 8}, Q6_K its sixteen {@code d·sc} at 0.
     */
    static final int SCALES = Math.max(16, 2 * Vectors.LANES);

    private static final ThreadLocal<float[]> ROW_SCALES = ThreadLocal.withInitial(() -> new float[0]);

    private final int blockBytes;

    KQuantTensor(MemorySegment data, long size, GgmlType type) {
        super(data, size, type);
        this.blockBytes = type.typeSize();
    }

    @Override
    public final Activation.Kind activationKind() {
        return Activation.Kind.Q8_K;
    }

    @Override
    public final float dot(long offset, Activation x) {
        Activation.Q8_K a = (Activation.Q8_K) x;
        long block = offset / KQuants.SUPER_BLOCK * blockBytes;
        if (!panelKernels(a.length())) {
            return scalarDot(block, a);
        }
        int cols = a.length();
        if (offset % cols != 0) {
            throw new IllegalArgumentException(type() + " dot products take whole rows: offset " + offset);
        }
        float[] sm = rowScales(cols);
        if (!kernelScales()) {
            scales(block, cols, sm);
        }
        return panelDot(block, a.values(), cols, sm);
    }

    /** Whether {@link #panelDot} fills its row's scale table itself, a super-block at a time (Q6_K). */
    boolean kernelScales() {
        return false;
    }

    /** This thread's scale table, room for a row of {@code cols} values (contents left over). */
    private static float[] rowScales(int cols) {
        float[] sm = ROW_SCALES.get();
        int size = cols / KQuants.SUPER_BLOCK * SCALES;
        if (sm.length < size) {
            sm = new float[size];
            ROW_SCALES.set(sm);
        }
        return sm;
    }

    /**
     * The sub-block scales of the row whose first super-block is at byte {@code rowStart}, unpacked
     * into {@code sm}, {@link #SCALES} floats per super-block. A pass of its own, ahead of the
     * product: inside the kernel its vector code took the kernel over C2's node budget (and unpacked
     * one value at a time, the scales took 40% of a one-row product).
     */
    abstract void scales(long rowStart, int cols, float[] sm);

    /** The ggml reference dot product of the row whose first super-block is at byte {@code block}. */
    abstract float scalarDot(long block, Activation.Q8_K a);

    /**
     * The row whose first super-block is at byte {@code rowStart} times the split input {@code x},
     * with exactly {@link Panel#dot}'s arithmetic on the values {@link #dequantizeRow} gives; {@code sm}
     * holds the row's {@link #scales}. Implementations stay above C2's inlining size for hot callees
     * (325 bytecodes, {@code FreqInlineSize}) so that C2 compiles them on their own: inlined into
     * {@link #dot} and further out, the kernel shared a compilation with code that took it over the
     * node budget, and its vectors were boxed.
     */
    abstract float panelDot(long rowStart, float[] x, int cols, float[] sm);

    /**
     * A decode step's four streams ({@link FloatTensor#STREAMS}), at 16 lanes, where the type has a
     * two-row kernel ({@link #panelDotRows2}): rows {@code r} and {@code r + stride} side by side,
     * then {@code r + 2 * stride} and {@code r + 3 * stride}, each with its own scale table.
     */
    @Override
    final boolean streams(int cols) {
        return Vectors.K_QUANTS_ENABLED && Vectors.LANES == 16 && rowPairs();
    }

    /** Whether this type has a {@link #panelDotRows2}. */
    boolean rowPairs() {
        return false;
    }

    @Override
    final void dotRowStreams(Activation x, int r0, int n, int stride, int cols, float[] out, int base) {
        float[] values = ((Activation.Q8_K) x).values();
        long rowBytes = (long) cols / KQuants.SUPER_BLOCK * blockBytes;
        float[][] sm = streamScales(cols);
        for (int r = r0; r < r0 + n; r++) {
            long first = r * rowBytes, step = stride * rowBytes;
            scales4(first, step, cols, sm); // a pair kernel takes its rows' tables made, whatever kernelScales says
            for (int pair = 0; pair < 2; pair++) {
                // one call site, so that C2 compiles one copy of the kernel here
                long at = first + 2 * pair * step;
                panelDotRows2(at, at + step, values, cols, sm[2 * pair], sm[2 * pair + 1], out,
                        base + r + 2 * pair * stride, stride);
            }
        }
    }

    /**
     * The {@link #scales} of the four rows at {@code first}, {@code first + step}, ... into
     * {@code sm[0..3]}: one row after another here; a type may take the four side by side, as each
     * super-block's scales are the first bytes read of it, and wait for memory.
     */
    void scales4(long first, long step, int cols, float[][] sm) {
        for (int s = 0; s < 4; s++) {
            scales(first + s * step, cols, sm[s]);
        }
    }

    private static final ThreadLocal<float[][]> STREAM_SCALES = ThreadLocal.withInitial(() -> new float[4][0]);

    /** This thread's four scale tables for {@link #dotRowStreams}, each room for a row of {@code cols} values. */
    private static float[][] streamScales(int cols) {
        float[][] sm = STREAM_SCALES.get();
        int size = cols / KQuants.SUPER_BLOCK * SCALES;
        for (int s = 0; s < 4; s++) {
            if (sm[s].length < size) {
                sm[s] = new float[size];
            }
        }
        return sm;
    }

    /**
     * {@link #panelDot}'s 16-lane body for the two rows at {@code rowStart} and {@code rowStart1}
     * (their scale tables {@code sm} and {@code sm1}) into {@code out[at]} and {@code out[at + stride]},
     * each bitwise {@link #panelDot}'s, every input vector loaded once for both.
     */
    void panelDotRows2(long rowStart, long rowStart1, float[] x, int cols, float[] sm, float[] sm1, float[] out,
            int at, int stride) {
        throw new UnsupportedOperationException();
    }

    /**
     * Two to four inputs at once ({@link FloatTensor#dotRowsTogether}), at 16 lanes: the row's scales
     * unpacked once, its blocks decoded once for all ({@link #panelDot2}, {@link #panelDot4}). At 8
     * lanes a batch goes on as before (one row at a time, panels from four rows).
     */
    @Override
    final boolean together(int n) {
        return Vectors.LANES == 16;
    }

    @Override
    final void rowTogether(int r, int cols, float[] x0, float[] x1, float[] x2, float[] x3, int n, float[] out, int at,
            int stride) {
        long rowStart = (long) r * (cols / KQuants.SUPER_BLOCK) * blockBytes;
        float[] sm = rowScales(cols);
        scales(rowStart, cols, sm);
        if (n == 2) {
            panelDot2(rowStart, x0, x1, cols, sm, out, at, stride);
        } else {
            panelDot4(rowStart, x0, x1, x2, x3, cols, sm, out, at, stride, n);
        }
    }

    /**
     * {@link #panelDot}'s 16-lane body for two inputs, each result bitwise {@link #panelDot}'s, into
     * {@code out[at]} and {@code out[at + stride]}; {@code sm} holds the row's {@link #scales}.
     */
    abstract void panelDot2(long rowStart, float[] x0, float[] x1, int cols, float[] sm, float[] out, int at,
            int stride);

    /**
     * {@link #panelDot2} for four inputs, of which the first {@code n} are written (an input missing
     * from four repeats the last).
     */
    abstract void panelDot4(long rowStart, float[] x0, float[] x1, float[] x2, float[] x3, int cols, float[] sm,
            float[] out, int at, int stride, int n);

    /**
     * The row whose first super-block is at byte {@code block}, dequantized into {@code out[at...]} in
     * split order; {@code sm} holds the row's {@link #scales}.
     */
    abstract void dequantizeRow(long block, int cols, float[] out, int at, float[] sm);

    @Override
    final boolean panelKernels(int cols) {
        return Vectors.K_QUANTS_ENABLED;
    }

    @Override
    final float[] panelInput(Activation x) {
        return ((Activation.Q8_K) x).values();
    }

    @Override
    final void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        long rowBytes = (long) cols / KQuants.SUPER_BLOCK * blockBytes;
        float[] sm = rowScales(cols);
        for (int r = r0; r < r1; r++) {
            scales(r * rowBytes, cols, sm);
            dequantizeRow(r * rowBytes, cols, panel, (r - r0) * cols, sm);
        }
    }
}
