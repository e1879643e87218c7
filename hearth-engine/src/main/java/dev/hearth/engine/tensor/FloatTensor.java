package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A flat, read-only run of {@code size} values stored in some ggml type in a {@link MemorySegment}
 * (usually a slice of a memory-mapped GGUF file). Each subclass is one storage type and knows how
 * to dequantize an element and how to take a dot product with a float vector; matrices are rows
 * laid end to end, row {@code r} of a {@code cols}-wide matrix starting at element {@code r * cols}.
 */
public abstract sealed class FloatTensor permits FloatTypeTensor, Q8_0Tensor, Q4_0Tensor, Block32Tensor, KQuantTensor {

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    protected final MemorySegment data;
    protected final long size;

    FloatTensor(MemorySegment data, long size, GgmlType type) {
        long expected = type.byteSize(size);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(
                    type + " tensor of " + size + " elements needs " + expected + " bytes, got " + data.byteSize());
        }
        this.data = data;
        this.size = size;
    }

    /** The weight types {@link #of} reads. */
    public static final java.util.Set<GgmlType> READABLE = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K));

    /** Wraps {@code data} as a tensor of {@code size} elements of {@code type} (one of {@link #READABLE}). */
    public static FloatTensor of(GgmlType type, MemorySegment data, long size) {
        return switch (type) {
            case F32 -> new F32Tensor(data, size);
            case F16 -> new F16Tensor(data, size);
            case BF16 -> new BF16Tensor(data, size);
            case Q8_0 -> new Q8_0Tensor(data, size);
            case Q4_0 -> new Q4_0Tensor(data, size);
            case Q4_1 -> new Q4_1Tensor(data, size);
            case Q5_0 -> new Q5_0Tensor(data, size);
            case Q5_1 -> new Q5_1Tensor(data, size);
            case Q4_K -> new Q4_KTensor(data, size);
            case Q5_K -> new Q5_KTensor(data, size);
            case Q6_K -> new Q6_KTensor(data, size);
            default -> throw new UnsupportedOperationException("tensor type " + type + " is not supported yet (reads " + READABLE + ")");
        };
    }

    /** Encodes {@code values} in {@code type}'s ggml layout (the reference quantizers of ggml-quants.c). */
    public static byte[] quantize(GgmlType type, float[] values) {
        return switch (type) {
            case F32 -> F32Tensor.encode(values);
            case F16 -> F16Tensor.encode(values);
            case BF16 -> BF16Tensor.encode(values);
            case Q8_0 -> Q8_0Tensor.quantize(values);
            case Q4_0 -> Q4_0Tensor.quantize(values);
            case Q4_1 -> Q4_1Tensor.quantize(values);
            case Q5_0 -> Q5_0Tensor.quantize(values);
            case Q5_1 -> Q5_1Tensor.quantize(values);
            default -> throw new UnsupportedOperationException("quantizing to " + type + " is not supported yet");
        };
    }

    public abstract GgmlType type();

    public final long size() {
        return size;
    }

    /** The value of element {@code index}, dequantized. */
    public abstract float get(long index);

    /** Dequantizes elements {@code [from, from + n)} into {@code out[outOffset...]}. */
    public void dequantize(long from, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = get(from + i);
        }
    }

    /** All elements, dequantized. */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(size)];
        dequantize(0, out, 0, out.length);
        return out;
    }

    /** {@code sum(this[offset + i] * x[xOffset + i])} for {@code i < n}. */
    public float dot(long offset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += get(offset + i) * x[xOffset + i];
        }
        return sum;
    }

    /** The form of input this type's dot product consumes (llama.cpp's {@code vec_dot_type}). */
    public abstract Activation.Kind activationKind();

    /** Converts {@code x[0..n)} to the form this type's dot product consumes (see {@link Activation}). */
    public final Activation prepare(float[] x, int n) {
        return Activation.prepare(activationKind(), x, 0, n, null);
    }

    /** Dot product of the {@code x.length()} elements starting at {@code offset} with a prepared input. */
    public abstract float dot(long offset, Activation x);

    /** Work (rows × columns) below which a matrix×vector product stays on the calling thread. */
    static final long PARALLEL_THRESHOLD = 1 << 15;

    /**
     * {@code out[r] = row r · x} for a {@code rows × cols} matrix stored row after row, rows spread
     * over the common fork-join pool when the product is large enough to pay for it.
     */
    public final void matVec(float[] x, float[] out, int rows, int cols) {
        Activation input = prepare(x, cols);
        if ((long) rows * cols < PARALLEL_THRESHOLD) {
            for (int r = 0; r < rows; r++) {
                out[r] = dot((long) r * cols, input);
            }
        } else {
            Parallel.forEach(rows, r -> out[r] = dot((long) r * cols, input));
        }
    }

    /** Weight rows per task of a parallel {@link #matMul}; activation rows per task. */
    static final int ROW_CHUNK = 16;
    static final int ACTIVATION_BLOCK = 64;

    /**
     * A decode step's product with one input reads the matrix as this many streams at once: the
     * matrix's rows cut into that many equal runs, each read front to back, a task taking the next
     * {@link #STREAM_ROWS} rows of every run ({@link #dotRowStreams}), so that a thread going through
     * its tasks in order reads four long runs of memory side by side. One run at a time, the
     * hardware has too few reads in flight to use the memory's bandwidth: one thread, Q8_0 kernels
     * from memory (a 360 MB matrix, far past the caches), rows of 896: 4.5-5.6 G weights/s one row
     * after another, 8.8-9.0 as four runs; rows of 2048: 4.8-5.2 against 7.4-9.6 (the same
     * matrix in the L2 cache: 11 either way). The four runs taken a row each in turn by the one-row
     * kernel kept most of the loss (3.5-5.1 against 6.0-6.6 in a slower minute).
     */
    static final int STREAMS = 4;

    /** Rows of each stream per task: four streams of four rows are {@link #ROW_CHUNK} rows, as other tasks. */
    static final int STREAM_ROWS = ROW_CHUNK / STREAMS;

    /**
     * Matrix × matrix: {@code out[outOffset + t * outStride + r] = row r · xs[t]} for {@code t < count},
     * {@code r < rows}, with {@code xs} prepared for this type ({@link #activationKind()}). Weight
     * rows are taken a chunk at a time and each chunk serves a block of activation rows while it
     * sits in cache, so the matrix comes from memory about once per block of 64 activation rows
     * whatever their number; chunks run in parallel on the common fork-join pool.
     *
     * <p>Every output is bitwise what {@link #matVec} gives for that activation row alone: each row is
     * accumulated in the same order whatever else shares the batch, however the work is split.
     */
    public final void matMul(Activation[] xs, int count, float[] out, int outOffset, int outStride, int rows, int cols) {
        matMul(new Product(this, xs, count, out, outOffset, outStride, rows, cols));
    }

    /**
     * One {@link #matMul} of a batch: {@code weights} ({@code rows × cols}) times {@code count}
     * prepared activation rows, into {@code out[outOffset + t * outStride + r]}.
     */
    public record Product(FloatTensor weights, Activation[] xs, int count, float[] out, int outOffset, int outStride,
            int rows, int cols) {

        public Product {
            for (int t = 0; t < count; t++) {
                if (xs[t].length() != cols) {
                    throw new IllegalArgumentException("activation row " + t + " has " + xs[t].length() + " values, need " + cols);
                }
            }
        }

        int rowChunks() {
            return (rows + ROW_CHUNK - 1) / ROW_CHUNK;
        }

        /**
         * Activation rows per task: a float panel serves every row of the batch, so a chunk is
         * dequantized once; packed kernels take blocks of {@link #ACTIVATION_BLOCK}.
         */
        int activationBlock() {
            return weights.panelKernels(cols) ? Math.max(1, count) : ACTIVATION_BLOCK;
        }

        /**
         * Whether this product runs as {@link #STREAMS} streams: one input (a decode step of one
         * sequence), a type with a {@link #dotRowStreams} kernel, and rows enough for every stream.
         */
        boolean streamed() {
            return count == 1 && rows >= STREAMS * STREAM_ROWS && weights.streams(cols);
        }

        /** Rows per stream: the matrix's first {@code STREAMS * streamLength()} rows are its streams. */
        int streamLength() {
            return rows / STREAMS;
        }

        int tasks() {
            if (streamed()) {
                // the streams' steps, then one task for the rows after the last stream (fewer than STREAMS)
                return (streamLength() + STREAM_ROWS - 1) / STREAM_ROWS + (rows % STREAMS != 0 ? 1 : 0);
            }
            return rowChunks() * ((count + activationBlock() - 1) / activationBlock());
        }

        void run(int task) {
            if (streamed()) {
                int length = streamLength();
                int r0 = task * STREAM_ROWS;
                if (r0 < length) {
                    weights.dotRowStreams(xs[0], r0, Math.min(STREAM_ROWS, length - r0), length, cols, out, outOffset);
                } else {
                    weights.dotRows(xs[0], STREAMS * length, rows, cols, out, outOffset);
                }
                return;
            }
            int rowChunks = rowChunks();
            int block = activationBlock();
            int from = task / rowChunks * block;
            int r0 = task % rowChunks * ROW_CHUNK;
            weights.rowsTimesBlock(xs, from, Math.min(block, count - from), out, outOffset, outStride, r0,
                    Math.min(rows, r0 + ROW_CHUNK), cols);
        }
    }

    /**
     * Several products (q, k and v of one input, say) in one parallel region: their tasks share one
     * fork-join pass, so the pool's threads are woken once rather than once per product. Each output
     * is what {@link #matMul(Activation[], int, float[], int, int, int, int)} gives.
     */
    public static void matMul(Product... products) {
        long work = 0;
        int tasks = 0;
        for (Product p : products) {
            work += (long) p.rows * p.cols * p.count;
            tasks += p.count > 0 ? p.tasks() : 0;
        }
        if (work < PARALLEL_THRESHOLD) {
            for (Product p : products) {
                if (p.count > 0) {
                    p.weights.rowsTimesBlock(p.xs, 0, p.count, p.out, p.outOffset, p.outStride, 0, p.rows, p.cols);
                }
            }
            return;
        }
        int[] firstTask = new int[products.length + 1];
        for (int i = 0; i < products.length; i++) {
            firstTask[i + 1] = firstTask[i] + (products[i].count > 0 ? products[i].tasks() : 0);
        }
        Parallel.forEach(tasks, task -> {
            int i = 0;
            while (task >= firstTask[i + 1]) {
                i++;
            }
            products[i].run(task - firstTask[i]);
        });
    }

    private void rowsTimesBlock(Activation[] xs, int from, int n, float[] out, int outOffset, int outStride, int r0,
            int r1, int cols) {
        if (panelKernels(cols)) {
            panelRowsTimesBlock(xs, from, n, out, outOffset, outStride, r0, r1, cols);
            return;
        }
        int t = from;
        for (; t + TILE <= from + n; t += TILE) {
            for (int r = r0; r < r1; r++) {
                dotTile(r, cols, xs, t, out, outOffset + t * outStride + r, outStride);
            }
        }
        for (; t < from + n; t++) {
            for (int r = r0; r < r1; r++) {
                out[outOffset + t * outStride + r] = dot((long) r * cols, xs[t]);
            }
        }
    }

    /**
     * Weight rows per float panel: one register tile's worth, so that the panel is still in L1 when
     * the kernels read it back (4 × 896 floats is 14 KB; the chunk's 16 rows, 57 KB, were not). On
     * Qwen2.5-0.5B Q4_0, interleaved runs, 16 rows → 4: 4 sequences 45 → 52 tok/s, 16 sequences 86 → 98,
     * prefill unchanged within noise (medians of six).
     */
    static final int PANEL_ROWS = 4;

    /**
     * {@link #rowsTimesBlock} for {@link #panelKernels} types: two to four activation rows go to the
     * type's {@link #dotRowsTogether} where it has one; otherwise, with {@link #TILE} or more, the
     * chunk is dequantized {@link #PANEL_ROWS} rows at a time into a float panel for
     * {@link Panel#multiply}; fewer take the packed rows one by one ({@link #dot(long, Activation)}),
     * which streams from memory at close to the machine's bandwidth (several rows at once, or a heap
     * copy of the chunk, measured slower).
     */
    private void panelRowsTimesBlock(Activation[] xs, int from, int n, float[] out, int outOffset, int outStride,
            int r0, int r1, int cols) {
        if (n >= 2 && n <= TOGETHER && dotRowsTogether(xs, from, n, out, outOffset, outStride, r0, r1, cols)) {
            return;
        }
        if (n >= TILE) {
            float[] panel = Panel.weights(PANEL_ROWS * cols);
            float[][] inputs = PANEL_INPUTS.get();
            if (inputs.length < n) {
                inputs = new float[n][];
                PANEL_INPUTS.set(inputs);
            }
            for (int i = 0; i < n; i++) {
                inputs[i] = panelInput(xs[from + i]);
            }
            for (int g = r0; g < r1; g += PANEL_ROWS) {
                int g1 = Math.min(r1, g + PANEL_ROWS);
                dequantizeRows(g, g1, cols, panel);
                multiplyPanel(panel, g1 - g, cols, inputs, n, out, outOffset + from * outStride + g, outStride);
            }
            java.util.Arrays.fill(inputs, 0, n, null);
            addBlockTerms(xs, from, n, out, outOffset, outStride, r0, r1, cols);
            return;
        }
        for (int t = from; t < from + n; t++) {
            dotRows(xs[t], r0, r1, cols, out, outOffset + t * outStride);
        }
    }

    /** Most activation rows {@link #dotRowsTogether} takes. */
    static final int TOGETHER = 4;

    /**
     * {@code out[outOffset + t * outStride + r] = row r · xs[t]} for the {@code n} activation rows
     * {@code [from, from + n)}, {@code 2 <= n <= TOGETHER}, and weight rows {@code [r0, r1)}, each
     * bitwise {@link #dot(long, Activation)}, with every weight block decoded once for all {@code n}
     * inputs: what a batch of two to four sequences needs, where a panel's store and reload costs
     * more than it saves and separate one-row products decode each block {@code n} times. Returns
     * {@code false}, having written nothing, where the type has no such kernel ({@link #together}).
     * An input missing from four ({@code n == 3}) repeats the last one, its result left unwritten.
     */
    final boolean dotRowsTogether(Activation[] xs, int from, int n, float[] out, int outOffset, int outStride,
            int r0, int r1, int cols) {
        if (!panelKernels(cols) || !together(n)) {
            return false;
        }
        float[] x0 = panelInput(xs[from]), x1 = panelInput(xs[from + 1]);
        float[] x2 = n > 2 ? panelInput(xs[from + 2]) : x1, x3 = n > 3 ? panelInput(xs[from + 3]) : x2;
        for (int r = r0; r < r1; r++) {
            rowTogether(r, cols, x0, x1, x2, x3, n, out, outOffset + from * outStride + r, outStride);
        }
        return true;
    }

    /** Whether this type has a {@link #rowTogether} for {@code n} (2 to 4) inputs at this vector width. */
    boolean together(int n) {
        return false;
    }

    /**
     * Row {@code row} of a {@code cols}-wide matrix times the split inputs {@code x0..x3}, of which
     * the first {@code n} are real, into {@code out[at + i * stride]} for {@code i < n}: each
     * result bitwise the type's one-row product, each block decoded once for all. Called only where
     * {@link #together} holds for {@code n}.
     */
    void rowTogether(int row, int cols, float[] x0, float[] x1, float[] x2, float[] x3, int n, float[] out, int at,
            int stride) {
        throw new UnsupportedOperationException();
    }

    /**
     * {@code out[base + r] = row r · x} for {@code r0 <= r < r1}, each bitwise {@link #dot(long, Activation)}:
     * row by row here; a type whose one-row kernel reads the whole input again for every row may take
     * several rows per pass over a long input.
     */
    void dotRows(Activation x, int r0, int r1, int cols, float[] out, int base) {
        for (int r = r0; r < r1; r++) {
            out[base + r] = dot((long) r * cols, x);
        }
    }

    /** Whether this type has a {@link #dotRowStreams} kernel for rows of {@code cols} values. */
    boolean streams(int cols) {
        return false;
    }

    /**
     * {@code out[base + r + s * stride] = row (r + s * stride) · x} for {@code r0 <= r < r0 + n} and
     * each stream {@code s < STREAMS}, each bitwise {@link #dot(long, Activation)}: the rows of the four
     * streams read side by side (see {@link #STREAMS}). Called only where {@link #streams} holds.
     */
    void dotRowStreams(Activation x, int r0, int n, int stride, int cols, float[] out, int base) {
        throw new UnsupportedOperationException();
    }

    /** Per-thread room for the input rows of a panel product (cleared after each). */
    private static final ThreadLocal<float[][]> PANEL_INPUTS = ThreadLocal.withInitial(() -> new float[0][]);

    /**
     * Whether this type's products are its weights dequantized to floats ({@link #dequantizeRows})
     * times {@link #panelInput}, in {@link Panel}'s order, so that batches run on float panels, for
     * rows of {@code cols} values.
     */
    boolean panelKernels(int cols) {
        return false;
    }

    /** Rows {@code [r0, r1)} of a {@code cols}-wide matrix, dequantized into {@code panel} row after row. */
    void dequantizeRows(int r0, int r1, int cols, float[] panel) {
        dequantize((long) r0 * cols, panel, 0, (r1 - r0) * cols);
    }

    /** The panel product of this type's arithmetic: {@link Panel#multiply} (split rows, two chains). */
    void multiplyPanel(float[] w, int rows, int cols, float[][] xs, int n, float[] out, int base, int outStride) {
        Panel.multiply(w, rows, cols, xs, n, out, base, outStride);
    }

    /**
     * After a panel product: what a type's one-row product adds to the panel's result, added in the
     * same way ({@code out[outOffset + t * outStride + r]} for activation rows {@code [from, from + n)}
     * and weight rows {@code [r0, r1)}). Nothing, but for the types with a per-block minimum.
     */
    void addBlockTerms(Activation[] xs, int from, int n, float[] out, int outOffset, int outStride, int r0, int r1,
            int cols) {}

    /** The floats a {@link #panelKernels} type multiplies its dequantized weights with. */
    float[] panelInput(Activation x) {
        throw new UnsupportedOperationException();
    }

    /** Activation rows a kernel takes at once ({@link #dotTile}). */
    static final int TILE = 4;

    /**
     * Row {@code row} times the {@link #TILE} activations {@code xs[t..t+TILE)}, into
     * {@code out[outIndex + i * outStride]}; each result must equal {@link #dot(long, Activation)}
     * bit for bit. Types whose kernels decode a weight block once for all the rows override this.
     */
    void dotTile(int row, int cols, Activation[] xs, int t, float[] out, int outIndex, int outStride) {
        for (int i = 0; i < TILE; i++) {
            out[outIndex + i * outStride] = dot((long) row * cols, xs[t + i]);
        }
    }

    static short f16Bits(float value) {
        return Float.floatToFloat16(value);
    }

    static float f16(short bits) {
        return Float.float16ToFloat(bits);
    }

    static void requireMultiple(float[] values, int block, GgmlType type) {
        if (values.length % block != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + block + " values, got " + values.length);
        }
    }
}
