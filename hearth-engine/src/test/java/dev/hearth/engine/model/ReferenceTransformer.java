package dev.hearth.engine.model;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufTensorInfo;
import dev.hearth.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive transformer in double precision, written from the architecture's definition
 * rather than from the engine: dequantized weights, unrounded inputs, angles from Math.pow. Used to
 * check the engine (and, for qwen3, where llama.cpp 4.2.0's build lacks the architecture, the only check).
 * Phi3's fused matrices are split here as transformers' Phi-3 splits them.
 */
final class ReferenceTransformer {

    private final GgufFile file;
    private final ModelConfig c;

    ReferenceTransformer(GgufFile file, ModelConfig config) {
        this.file = file;
        this.c = config;
    }

    private final java.util.Map<String, double[]> cache = new java.util.HashMap<>();

    private double[] tensor(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private double[] load(String name) {
        GgufTensorInfo info = file.tensor(name).orElseThrow();
        float[] f = FloatTensor.of(info.type(), file.tensorData(info), info.elementCount()).toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] matVec(double[] w, double[] x, int rows) {
        int cols = x.length;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = 0; i < cols; i++) {
                s += w[r * cols + i] * x[i];
            }
            out[r] = s;
        }
        return out;
    }

    private double[] rmsNorm(double[] x, int offset, int n, double[] w) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += x[offset + i] * x[offset + i];
        }
        double scale = 1 / Math.sqrt(ss / n + c.rmsNormEpsilon());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[offset + i] * scale * w[i];
        }
        return out;
    }

    /**
     * Rotates each head's pairs by {@code pos * base^(-2i/d)}, divided by LongRoPE's factor for the
     * pair where the model has them (the long set when its context passes the original one), cos and
     * sin scaled by the attention factor (Phi-3's LongRoPE; 1 otherwise).
     */
    private void rope(double[] v, int heads, int pos, int layer) {
        int hs = c.headSize();
        boolean local = c.slidingWindow() != null && c.slidingWindow().slides(layer) && c.slidingWindow().localRope();
        double base = local ? c.slidingWindow().localRopeFreqBase() : c.ropeFreqBase();
        double freqScale = local ? 1 : c.ropeFreqScale();
        String factors = c.contextLength() > c.ropeOriginalContext() ? "rope_factors_long.weight" : "rope_factors_short.weight";
        double[] divisors = file.tensor(factors).isPresent() ? tensor(factors) : null;
        double mscale = c.ropeAttentionFactor();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < hs / 2; i++) {
                double theta = freqScale * pos * Math.pow(base, -2.0 * i / hs) / (divisors == null ? 1 : divisors[i]);
                int a = h * hs + (c.ropeStyle() == dev.hearth.engine.tensor.Rope.Style.NORMAL ? 2 * i : i);
                int b = c.ropeStyle() == dev.hearth.engine.tensor.Rope.Style.NORMAL ? a + 1 : a + hs / 2;
                double x0 = v[a], x1 = v[b];
                v[a] = (x0 * Math.cos(theta) - x1 * Math.sin(theta)) * mscale;
                v[b] = (x0 * Math.sin(theta) + x1 * Math.cos(theta)) * mscale;
            }
        }
    }

    /** Rows {@code [from, from + rows)} of a matrix whose rows are {@code cols} wide. */
    private static double[] rows(double[] w, int cols, int from, int rows) {
        return java.util.Arrays.copyOfRange(w, from * cols, (from + rows) * cols);
    }

    /** Logits after each token of {@code tokens}. */
    List<double[]> run(int[] tokens) {
        int embd = c.embeddingLength(), hs = c.headSize(), kvDim = c.keyValueDimension();
        double[] emb = tensor("token_embd.weight");
        List<List<double[]>> keys = new ArrayList<>(), values = new ArrayList<>();
        for (int l = 0; l < c.blockCount(); l++) {
            keys.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
        List<double[]> logits = new ArrayList<>();
        for (int pos = 0; pos < tokens.length; pos++) {
            double[] x = new double[embd];
            System.arraycopy(emb, tokens[pos] * embd, x, 0, embd);
            for (int i = 0; i < embd; i++) {
                x[i] *= c.embeddingScale(); // Gemma: sqrt(embedding)
            }
            for (int l = 0; l < c.blockCount(); l++) {
                String p = "blk." + l + ".";
                double[] xb = rmsNorm(x, 0, embd, tensor(p + "attn_norm.weight"));
                double[] q, k, v;
                if (file.tensor(p + "attn_qkv.weight").isPresent()) { // phi3: one matrix, q's rows then k's then v's
                    double[] qkv = matVec(tensor(p + "attn_qkv.weight"), xb, c.queryDimension() + 2 * kvDim);
                    q = java.util.Arrays.copyOfRange(qkv, 0, c.queryDimension());
                    k = java.util.Arrays.copyOfRange(qkv, c.queryDimension(), c.queryDimension() + kvDim);
                    v = java.util.Arrays.copyOfRange(qkv, c.queryDimension() + kvDim, c.queryDimension() + 2 * kvDim);
                } else {
                    q = matVec(tensor(p + "attn_q.weight"), xb, c.queryDimension());
                    k = matVec(tensor(p + "attn_k.weight"), xb, kvDim);
                    v = matVec(tensor(p + "attn_v.weight"), xb, kvDim);
                }
                if (c.qkvBias()) {
                    addInPlace(q, tensor(p + "attn_q.bias"));
                    addInPlace(k, tensor(p + "attn_k.bias"));
                    addInPlace(v, tensor(p + "attn_v.bias"));
                }
                if (c.qkNorm()) {
                    for (int h = 0; h < c.headCount(); h++) {
                        System.arraycopy(rmsNorm(q, h * hs, hs, tensor(p + "attn_q_norm.weight")), 0, q, h * hs, hs);
                    }
                    for (int h = 0; h < c.headCountKv(); h++) {
                        System.arraycopy(rmsNorm(k, h * hs, hs, tensor(p + "attn_k_norm.weight")), 0, k, h * hs, hs);
                    }
                }
                rope(q, c.headCount(), pos, l);
                rope(k, c.headCountKv(), pos, l);
                keys.get(l).add(k);
                values.get(l).add(v);
                double[] att = new double[c.queryDimension()];
                for (int h = 0; h < c.headCount(); h++) {
                    int kvh = h / (c.headCount() / c.headCountKv());
                    double[] scores = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    // a sliding layer sees the window's last positions only
                    int from = c.slidingWindow() != null && c.slidingWindow().slides(l)
                            ? Math.max(0, pos - c.slidingWindow().size() + 1) : 0;
                    java.util.Arrays.fill(scores, Double.NEGATIVE_INFINITY);
                    for (int t = from; t <= pos; t++) {
                        double s = 0;
                        for (int i = 0; i < hs; i++) {
                            s += q[h * hs + i] * keys.get(l).get(t)[kvh * hs + i];
                        }
                        scores[t] = s * c.attentionScale();
                        max = Math.max(max, scores[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= pos; t++) {
                        scores[t] = Math.exp(scores[t] - max);
                        sum += scores[t];
                    }
                    for (int t = 0; t <= pos; t++) {
                        for (int i = 0; i < hs; i++) {
                            att[h * hs + i] += scores[t] / sum * values.get(l).get(t)[kvh * hs + i];
                        }
                    }
                }
                double[] attOut = matVec(tensor(p + "attn_output.weight"), att, embd);
                if (c.postNorms()) {
                    attOut = rmsNorm(attOut, 0, embd, tensor(p + "post_attention_norm.weight"));
                }
                addInPlace(x, attOut);
                double[] xn = rmsNorm(x, 0, embd, tensor(p + "ffn_norm.weight"));
                int ff = c.feedForwardLength();
                double[] g, u;
                if (file.tensor(p + "ffn_gate.weight").isPresent()) {
                    g = matVec(tensor(p + "ffn_gate.weight"), xn, ff);
                    u = matVec(tensor(p + "ffn_up.weight"), xn, ff);
                } else { // phi3: gate_up_proj, the gate's rows first (transformers' chunk(2))
                    g = matVec(rows(tensor(p + "ffn_up.weight"), embd, 0, ff), xn, ff);
                    u = matVec(rows(tensor(p + "ffn_up.weight"), embd, ff, ff), xn, ff);
                }
                for (int i = 0; i < g.length; i++) {
                    double a = g[i];
                    g[i] = (c.geluGate() // GELU's tanh form (Gemma), else SiLU
                            ? 0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a * a * a)))
                            : a / (1 + Math.exp(-a))) * u[i];
                }
                double[] down = matVec(tensor(p + "ffn_down.weight"), g, embd);
                if (c.postNorms()) {
                    down = rmsNorm(down, 0, embd, tensor(p + "post_ffw_norm.weight"));
                }
                addInPlace(x, down);
            }
            double[] h = rmsNorm(x, 0, embd, tensor("output_norm.weight"));
            String output = file.tensor("output.weight").isPresent() ? "output.weight" : "token_embd.weight"; // tied
            logits.add(matVec(tensor(output), h, c.vocabularySize()));
        }
        return logits;
    }

    private static void addInPlace(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
