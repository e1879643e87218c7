package dev.hearth.engine.model;

import dev.hearth.engine.tensor.Parallel;
import dev.hearth.engine.tensor.Attention;
import dev.hearth.engine.tensor.FloatTensor;
import dev.hearth.engine.tensor.GeGlu;
import dev.hearth.engine.tensor.RmsNorm;
import dev.hearth.engine.tensor.Rope;
import dev.hearth.engine.tensor.SwiGlu;
import dev.hearth.engine.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A decoder-only transformer of the Llama family ({@code llama}; {@code qwen2} adds q/k/v biases,
 * {@code qwen3} per-head q/k RMS norms; {@code phi3}'s fused matrices arrive split by the loader, its
 * LongRoPE as frequency factors and a scale of cos and sin; {@code gemma3} adds scaled embeddings,
 * post-norms, a GELU gate and sliding-window layers with their own RoPE base) with grouped-query
 * attention, each sequence against its own KV cache. Every forward pass is batched: the tokens of
 * all the steps it runs form the rows of one activation matrix, so each weight matrix is read once
 * per pass for all of them. The computation follows llama.cpp's graph step by step (same rounding of inputs to the
 * weight type, same RoPE angles, same norms) so the two agree to float precision, and each row is
 * computed in the same order whatever else shares its pass: a sequence's logits are bitwise the
 * same alone, batched with others, fed token by token or in prompt chunks.
 *
 * <p>Thread-safe for distinct states: concurrent passes take separate workspaces.
 */
public final class Model {

    /**
     * Rows (tokens) per batched pass; a longer batch or prompt runs in passes of this many. A float
     * panel is already amortised over far fewer rows; 512 measured no faster and took ~40 MB more
     * workspace, which the resident-memory budget (file + KV + 300 MB) feels.
     */
    public static final int MAX_BATCH_ROWS = 256;
    /** Positions whose logits are computed at once (the output matrix is read once per this many). */
    static final int LOGIT_ROWS = 32;
    private static final int KEPT_WORKSPACES = 4;

    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final Weights weights;
    private final Rope rope;
    private final Rope localRope;
    private final ConcurrentLinkedDeque<Workspace> workspaces = new ConcurrentLinkedDeque<>();

    public Model(ModelConfig config, Tokenizer tokenizer, Weights weights) {
        this.config = Objects.requireNonNull(config, "config");
        this.tokenizer = tokenizer;
        this.weights = Objects.requireNonNull(weights, "weights");
        this.rope = new Rope(config.ropeStyle(), config.ropeDimensions(), config.ropeFreqBase(), weights.ropeFreqFactors(),
                config.ropeAttentionFactor(), config.ropeFreqScale(),
                config.yarn() ? Rope.Yarn.of(config.ropeOriginalContext()) : null);
        // sliding layers (Gemma 3) turn with their own base and no frequency scale, as llama.cpp's graph does
        this.localRope = config.slidingWindow() == null || !config.slidingWindow().localRope() ? rope
                : new Rope(config.ropeStyle(), config.ropeDimensions(), config.slidingWindow().localRopeFreqBase(), null,
                        config.ropeAttentionFactor(), 1f, null);
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Weights weights() {
        return weights;
    }

    /** A fresh state with room for {@code capacity} tokens. */
    public InferenceState newState(int capacity) {
        return new InferenceState(config, capacity);
    }

    /**
     * Feeds {@code tokens} in order (in passes of up to {@link #MAX_BATCH_ROWS}); returns the logits
     * after the last one (the state's buffer, overwritten by the next pass).
     */
    public float[] ingest(InferenceState s, int[] tokens) {
        if (tokens.length == 0) {
            return s.logits;
        }
        forward(List.of(Step.of(s, tokens)));
        return s.logits;
    }

    /**
     * Appends {@code token} at position {@code s.length()} and computes the next-token logits
     * (returned array is the state's buffer, overwritten by the next call).
     */
    public float[] forward(InferenceState s, int token) {
        forward(List.of(Step.of(s, token)));
        return s.logits;
    }

    /**
     * One forward pass over several sequences at once: each step's tokens are appended to its
     * state, and afterwards each state's {@link InferenceState#lastLogits()} holds the logits after
     * its last token. The states must be distinct and each must have room for its tokens.
     * Sequences join and leave between calls; each keeps its own KV cache and position.
     */
    public void forward(List<Step> steps) {
        Set<InferenceState> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int total = 0;
        for (Step step : steps) {
            if (!seen.add(step.state())) {
                throw new IllegalArgumentException("a state appears twice in one batch");
            }
            if (step.state().length() + step.tokens().length > step.state().capacity) {
                throw new IllegalStateException("KV cache full: " + step.state().capacity + " tokens");
            }
            for (int token : step.tokens()) {
                if (token < 0 || token >= config.vocabularySize()) {
                    throw new IllegalArgumentException("token id out of range: " + token);
                }
            }
            total += step.tokens().length;
        }
        if (total == 0) {
            return;
        }
        Workspace ws = workspaces.pollFirst();
        if (ws == null) {
            ws = new Workspace(config);
        }
        try {
            // pack the steps' tokens into passes of at most MAX_BATCH_ROWS rows; a step may span passes
            Pass pass = new Pass(Math.min(total, MAX_BATCH_ROWS));
            for (Step step : steps) {
                int[] tokens = step.tokens();
                for (int i = 0; i < tokens.length; i++) {
                    pass.add(step, i);
                    if (pass.rows == pass.capacity) {
                        run(pass, ws);
                        pass.clear();
                    }
                }
            }
            if (pass.rows > 0) {
                run(pass, ws);
            }
        } finally {
            if (workspaces.size() < KEPT_WORKSPACES) {
                workspaces.offerFirst(ws);
            }
        }
    }

    /** The rows of one pass: which step and token each row is, and its position in its sequence. */
    private static final class Pass {
        final int capacity;
        final Step[] step;
        final int[] index;
        final int[] position;
        int rows;

        Pass(int capacity) {
            this.capacity = capacity;
            step = new Step[capacity];
            index = new int[capacity];
            position = new int[capacity];
        }

        void add(Step s, int i) {
            step[rows] = s;
            index[rows] = i;
            // a step's earlier tokens in this pass are not in its state's length yet
            position[rows] = rows > 0 && step[rows - 1] == s ? position[rows - 1] + 1 : s.state().length();
            rows++;
        }

        void clear() {
            Arrays.fill(step, null);
            rows = 0;
        }

        int token(int t) {
            return step[t].tokens()[index[t]];
        }

        boolean needsLogits(int t) {
            return step[t].sink() != null || index[t] == step[t].tokens().length - 1;
        }
    }

    private void run(Pass p, Workspace ws) {
        ModelConfig c = config;
        int n = p.rows;
        ws.ensureRows(n);
        int embd = c.embeddingLength();
        int qDim = c.queryDimension();
        int kvDim = c.keyValueDimension();
        int ff = c.feedForwardLength();
        int headSize = c.headSize();
        float eps = c.rmsNormEpsilon();
        float attentionScale = c.attentionScale();
        ModelConfig.SlidingWindow window = c.slidingWindow();
        float[][] globalAngles = new float[n][];
        float[][] localAngles = localRope == rope ? globalAngles : new float[n][];
        int[] fromStart = new int[n]; // every row attends from position 0, but in a sliding layer:
        int[] windowStart = window == null ? fromStart : new int[n]; // each row's first position in the window
        for (int t = 0; t < n; t++) {
            if (window != null) {
                windowStart[t] = window.start(p.position[t]);
            }
            globalAngles[t] = rope.angles(p.position[t]);
            if (localAngles != globalAngles) {
                localAngles[t] = localRope.angles(p.position[t]);
            }
            weights.tokenEmbedding().dequantize((long) p.token(t) * embd, ws.x, t * embd, embd);
            if (c.embeddingScale() != 1f) {
                for (int i = t * embd; i < (t + 1) * embd; i++) {
                    ws.x[i] *= c.embeddingScale();
                }
            }
        }
        // rows of the same step are consecutive: [start, end) per step, to advance each state once
        int[] groupStart = new int[n + 1];
        int groups = 0;
        for (int t = 0; t < n; t++) {
            if (t == 0 || p.step[t] != p.step[t - 1]) {
                groupStart[groups++] = t;
            }
        }
        groupStart[groups] = n;
        final int groupCount = groups;

        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights w = weights.layers().get(l);
            boolean sliding = window != null && window.slides(l);
            Rope layerRope = sliding ? localRope : rope;
            float[][] angles = sliding ? localAngles : globalAngles;
            int[] starts = sliding ? windowStart : fromStart;
            rows(n, t -> RmsNorm.apply(ws.xb, t * embd, ws.x, t * embd, w.attentionNorm(), embd, eps));
            ws.embdInput.reset(ws.xb, n);
            FloatTensor.matMul(product(w.query(), ws.embdInput, n, ws.q, qDim, embd),
                    product(w.key(), ws.embdInput, n, ws.k, kvDim, embd),
                    product(w.value(), ws.embdInput, n, ws.v, kvDim, embd));
            final int layer = l;
            rows(n, t -> {
                int qo = t * qDim;
                int ko = t * kvDim;
                if (c.qkvBias()) {
                    add(ws.q, qo, w.queryBias(), qDim);
                    add(ws.k, ko, w.keyBias(), kvDim);
                    add(ws.v, ko, w.valueBias(), kvDim);
                }
                if (c.qkNorm()) {
                    for (int h = 0; h < c.headCount(); h++) {
                        RmsNorm.apply(ws.q, qo + h * headSize, ws.q, qo + h * headSize, w.queryNorm(), headSize, eps);
                    }
                    for (int h = 0; h < c.headCountKv(); h++) {
                        RmsNorm.apply(ws.k, ko + h * headSize, ws.k, ko + h * headSize, w.keyNorm(), headSize, eps);
                    }
                }
                layerRope.apply(ws.q, qo, c.headCount(), headSize, angles[t]);
                layerRope.apply(ws.k, ko, c.headCountKv(), headSize, angles[t]);
                InferenceState s = p.step[t].state();
                Attention.storeKey(s.keyCache[layer], s.capacity, p.position[t], ws.k, ko, c.headCountKv(), headSize);
                System.arraycopy(ws.v, ko, s.valueCache[layer], p.position[t] * kvDim, kvDim);
            });
            // attention: each row against its own sequence's cache up to its position (causal within a
            // chunk: the chunk's later keys are in the cache but past the row's position)
            // (in a sliding layer, only the window's last positions)
            long attentionWork = 0;
            for (int t = 0; t < n; t++) {
                attentionWork += (long) (p.position[t] + 1 - starts[t]) * qDim;
            }
            if (n == 1) {
                InferenceState s = p.step[0].state(); // heads in parallel
                Attention.apply(ws.q, 0, s.keyCache[l], s.capacity, s.valueCache[l],
                        starts[0], p.position[0], c.headCount(),
                        c.headCountKv(), headSize, attentionScale, s.scores, ws.attention, 0);
            } else {
                java.util.function.IntConsumer attend = t -> {
                    InferenceState s = p.step[t].state();
                    int length = p.position[t] + 1;
                    Attention.applySerial(ws.q, t * qDim, s.keyCache[layer], s.capacity, s.valueCache[layer],
                            starts[t], p.position[t],
                            c.headCount(), c.headCountKv(), headSize, attentionScale,
                            scoresScratch(c.headCount() * Attention.scoreStride(length)), ws.attention, t * qDim);
                };
                if (attentionWork < 4 * PARALLEL_ATTENTION) {
                    for (int t = 0; t < n; t++) {
                        attend.accept(t);
                    }
                } else {
                    Parallel.forEach(n, attend);
                }
            }
            ws.attentionInput.reset(ws.attention, n);
            matMul(w.attentionOutput(), ws.attentionInput, n, ws.xb, embd, qDim);
            if (w.postAttentionNorm() != null) {
                rows(n, t -> RmsNorm.apply(ws.xb, t * embd, ws.xb, t * embd, w.postAttentionNorm(), embd, eps));
            }
            add(ws.x, 0, ws.xb, 0, n * embd);

            rows(n, t -> RmsNorm.apply(ws.xb, t * embd, ws.x, t * embd, w.feedForwardNorm(), embd, eps));
            ws.embdInput.reset(ws.xb, n);
            FloatTensor.matMul(product(w.gate(), ws.embdInput, n, ws.gate, ff, embd),
                    product(w.up(), ws.embdInput, n, ws.up, ff, embd));
            // elementwise, so split across the team in column chunks too: a decode step's one row of
            // thousands of exponentials is otherwise a serial stretch of every layer
            int chunks = (ff + SWIGLU_CHUNK - 1) / SWIGLU_CHUNK;
            Parallel.forEach(n * chunks, i -> {
                int from = i % chunks * SWIGLU_CHUNK;
                if (c.geluGate()) {
                    GeGlu.apply(ws.gate, ws.up, i / chunks * ff + from, Math.min(SWIGLU_CHUNK, ff - from));
                } else {
                    SwiGlu.apply(ws.gate, ws.up, i / chunks * ff + from, Math.min(SWIGLU_CHUNK, ff - from));
                }
            });
            ws.feedForwardInput.reset(ws.gate, n);
            matMul(w.down(), ws.feedForwardInput, n, ws.xb, embd, ff);
            if (w.postFeedForwardNorm() != null) {
                rows(n, t -> RmsNorm.apply(ws.xb, t * embd, ws.xb, t * embd, w.postFeedForwardNorm(), embd, eps));
            }
            add(ws.x, 0, ws.xb, 0, n * embd);
        }

        for (int g = 0; g < groupCount; g++) {
            int last = groupStart[g + 1] - 1;
            p.step[last].state().advance(p.index[last] - p.index[groupStart[g]] + 1);
        }

        // logits only for the rows that need them, LOGIT_ROWS at a time
        int vocab = c.vocabularySize();
        int[] wanted = new int[LOGIT_ROWS];
        int t = 0;
        while (t < n) {
            int count = 0;
            for (; t < n && count < LOGIT_ROWS; t++) {
                if (p.needsLogits(t)) {
                    wanted[count++] = t;
                }
            }
            if (count == 0) {
                continue;
            }
            for (int i = 0; i < count; i++) {
                RmsNorm.apply(ws.hidden, i * embd, ws.x, wanted[i] * embd, weights.outputNorm(), embd, eps);
            }
            float[] logits = ws.logits(count);
            ws.hiddenInput.reset(ws.hidden, count);
            matMul(weights.output(), ws.hiddenInput, count, logits, vocab, embd);
            for (int i = 0; i < count; i++) {
                int row = wanted[i];
                InferenceState s = p.step[row].state();
                System.arraycopy(logits, i * vocab, s.logits, 0, vocab);
                System.arraycopy(ws.hidden, i * embd, s.hidden, 0, embd);
                if (p.step[row].sink() != null) {
                    p.step[row].sink().accept(p.index[row], s.logits);
                }
            }
        }
    }

    /**
     * Rows from which a pass's per-row work (norms, RoPE, input conversion) runs in parallel: below,
     * handing it to the team costs more than the work (each row's result is the same either way).
     */
    static final int PARALLEL_ROWS = 4;
    /** Columns of one SwiGLU task. */
    private static final int SWIGLU_CHUNK = 1024;
    /** Attention work (positions × query width) below which a pass's rows attend on the calling thread. */
    static final long PARALLEL_ATTENTION = 1 << 15;

    /** Per-row work of a pass, rows in parallel when there are many (each row's result is the same either way). */
    private static void rows(int n, java.util.function.IntConsumer body) {
        if (n < PARALLEL_ROWS) {
            for (int t = 0; t < n; t++) {
                body.accept(t);
            }
        } else {
            Parallel.forEach(n, body);
        }
    }

    /** Attention scores scratch of the calling thread (one row at a time per thread: no nested parallelism). */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] scoresScratch(int size) {
        float[] scratch = SCORES.get();
        if (scratch.length < size) {
            scratch = new float[Math.max(size, scratch.length * 2)];
            SCORES.set(scratch);
        }
        return scratch;
    }

    private static void matMul(FloatTensor w, Workspace.Inputs input, int n, float[] out, int rows, int cols) {
        FloatTensor.matMul(product(w, input, n, out, rows, cols));
    }

    private static FloatTensor.Product product(FloatTensor w, Workspace.Inputs input, int n, float[] out, int rows,
            int cols) {
        return new FloatTensor.Product(w, input.get(w.activationKind()), n, out, 0, rows, rows, cols);
    }

    private static void add(float[] x, int offset, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[offset + i] += y[i];
        }
    }

    private static void add(float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] += y[yOffset + i];
        }
    }
}
