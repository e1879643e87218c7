package dev.hearth.engine.model;

import dev.hearth.engine.tensor.Parallel;
import dev.hearth.engine.tensor.Activation;
import java.util.Arrays;
import java.util.EnumMap;

/**
 * The scratch of one batched forward pass, {@code rows × width} matrices row after row, grown to the
 * largest batch seen (at most {@link Model#MAX_BATCH_ROWS} rows) and reused by later passes: a model
 * keeps a few of these for the threads that run passes at the same time.
 */
final class Workspace {

    private final ModelConfig c;
    int rows;
    float[] x;
    float[] xb;
    float[] q;
    float[] k;
    float[] v;
    float[] attention;
    float[] gate;
    float[] up;
    float[] hidden;
    float[] logits;
    final Inputs embdInput;
    final Inputs attentionInput;
    final Inputs feedForwardInput;
    final Inputs hiddenInput;

    Workspace(ModelConfig c) {
        this.c = c;
        embdInput = new Inputs(c.embeddingLength());
        attentionInput = new Inputs(c.queryDimension());
        feedForwardInput = new Inputs(c.feedForwardLength());
        hiddenInput = new Inputs(c.embeddingLength());
        hidden = new float[Model.LOGIT_ROWS * c.embeddingLength()];
        logits = new float[0];
    }

    /** Makes room for {@code n} rows (keeping the buffers when they are already large enough). */
    void ensureRows(int n) {
        if (n <= rows) {
            return;
        }
        int r = Math.min(Model.MAX_BATCH_ROWS, Math.max(n, Integer.highestOneBit(n - 1) << 1));
        x = new float[r * c.embeddingLength()];
        xb = new float[r * c.embeddingLength()];
        q = new float[r * c.queryDimension()];
        k = new float[r * c.keyValueDimension()];
        v = new float[r * c.keyValueDimension()];
        attention = new float[r * c.queryDimension()];
        gate = new float[r * c.feedForwardLength()];
        up = new float[r * c.feedForwardLength()];
        rows = r;
    }

    /** Logit rows for {@code n} positions at once (at most {@link Model#LOGIT_ROWS}). */
    float[] logits(int n) {
        if (logits.length < n * c.vocabularySize()) {
            logits = new float[n * c.vocabularySize()];
        }
        return logits;
    }

    /**
     * The rows of one input matrix converted to the forms the weights that read it consume
     * (Q8_0 blocks, F16-rounded floats, ...): each form computed once per input however many
     * weights read it (q, k and v share theirs, as gate and up do), into reused buffers.
     */
    static final class Inputs {
        private final int width;
        private final EnumMap<Activation.Kind, Activation[]> forms = new EnumMap<>(Activation.Kind.class);
        private final EnumMap<Activation.Kind, Boolean> fresh = new EnumMap<>(Activation.Kind.class);
        private float[] source;
        private int count;

        Inputs(int width) {
            this.width = width;
        }

        /** The input is now {@code count} rows of {@code source}; earlier conversions are stale. */
        void reset(float[] source, int count) {
            this.source = source;
            this.count = count;
            fresh.clear();
        }

        Activation[] get(Activation.Kind kind) {
            Activation[] rows = forms.get(kind);
            if (rows == null || rows.length < count) {
                rows = rows == null ? new Activation[count] : Arrays.copyOf(rows, count);
                forms.put(kind, rows);
            }
            if (fresh.get(kind) == null) {
                Activation[] target = rows;
                float[] src = source;
                if (count < Model.PARALLEL_ROWS) {
                    for (int t = 0; t < count; t++) {
                        target[t] = Activation.prepare(kind, src, t * width, width, target[t]);
                    }
                } else {
                    Parallel.forEach(count, t -> target[t] = Activation.prepare(kind, src, t * width, width, target[t]));
                }
                fresh.put(kind, Boolean.TRUE);
            }
            return rows;
        }
    }
}
