package dev.hearth.engine.tinymodel;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufWriter;
import dev.hearth.engine.tensor.FloatTensor;
import dev.hearth.engine.tensor.Rope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a GGUF model with seeded random weights, named and shaped as llama.cpp expects for
 * {@code llama}, {@code qwen2}, {@code qwen3}, {@code phi3} and {@code gemma3} ({@code token_embd.weight},
 * {@code blk.N.attn_q.weight} or phi3's fused {@code blk.N.attn_qkv.weight}, …, {@code output_norm.weight},
 * {@code output.weight} but for gemma3, which ties it; {@code ARCH.context_length} and friends), with
 * the vocabulary's {@code tokenizer.*} metadata. The same spec always gives the same bytes.
 */
public final class TinyModelWriter {

    /** What a tensor is, which fixes its type and the distribution of its random values. */
    public enum Role { EMBEDDING, MATRIX, NORM, BIAS }

    /** One tensor of the model: name, ggml shape ({@code shape[0]} = row length) and role. */
    public record TinyTensor(String name, long[] shape, Role role) {
        public int elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        public GgmlType type(TinyModelSpec spec) {
            return role == Role.NORM || role == Role.BIAS ? GgmlType.F32 : spec.matrixType(name);
        }
    }

    private TinyModelWriter() {}

    /**
     * Writes the model; tensors are generated and encoded while they are written, a slice at a
     * time, so models of real sizes (billions of weights) need little memory.
     */
    public static void write(TinyModelSpec spec, TinyVocabulary vocabulary, Path file) throws IOException {
        build(spec, vocabulary, true).write(file);
    }

    /** The GGUF metadata and tensors of the model, not yet written. */
    public static GgufWriter build(TinyModelSpec spec, TinyVocabulary vocabulary) {
        return build(spec, vocabulary, false);
    }

    private static GgufWriter build(TinyModelSpec spec, TinyVocabulary vocabulary, boolean streaming) {
        String arch = spec.architecture();
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", arch);
        // llama.cpp marks special tokens by model name: a name with "phi3" or "phi-3" in it makes it look up
        // "</s>" and friends, and it aborts the load on a vocabulary without them (the built-in byte-level one)
        w.putString("general.name", "hearth-tiny-" + (arch.equals("phi3") ? "phi" : arch));
        w.putUint32("general.file_type", spec.fileType());
        w.putUint32(arch + ".context_length", spec.contextLength());
        w.putUint32(arch + ".embedding_length", spec.embeddingLength());
        w.putUint32(arch + ".block_count", spec.blockCount());
        w.putUint32(arch + ".feed_forward_length", spec.feedForwardLength());
        w.putUint32(arch + ".attention.head_count", spec.headCount());
        w.putUint32(arch + ".attention.head_count_kv", spec.headCountKv());
        w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", spec.rmsNormEpsilon());
        w.putFloat32(arch + ".rope.freq_base", spec.ropeFreqBase());
        w.putUint32(arch + ".rope.dimension_count", spec.headSize());
        if (arch.equals("qwen3") || arch.equals("gemma3") || spec.headSize() * spec.headCount() != spec.embeddingLength()) {
            w.putUint32(arch + ".attention.key_length", spec.headSize());
            w.putUint32(arch + ".attention.value_length", spec.headSize());
        }
        if (arch.equals("phi3") || arch.equals("gemma3")) {
            // convert_hf_to_gguf.py writes the config's window (2047 for Phi-3-mini-4k, 512 for Gemma 3 1B); the
            // llama.cpp of the oracle refuses these files without one. phi3's is the context: it never masks.
            w.putUint32(arch + ".attention.sliding_window", spec.declaredSlidingWindow());
        }
        w.putUint32(arch + ".vocab_size", vocabulary.size());
        for (var e : vocabulary.entries().entrySet()) {
            w.put(e.getKey(), e.getValue());
        }
        for (TinyTensor t : tensors(spec, vocabulary.size())) {
            if (streaming) {
                w.addTensor(t.name(), t.type(spec), t.shape(), t.type(spec).byteSize(t.elementCount()),
                        out -> encodeTo(spec, t, out));
            } else {
                w.addTensor(t.name(), t.type(spec), t.shape(), encode(spec, t));
            }
        }
        switch (spec.ropeScaling()) {
            case null -> {}
            case TinyModelSpec.Llama3RopeScaling s -> {
                float[] factors = Rope.llama3FreqFactors(spec.headSize(), spec.ropeFreqBase(), s.factor(),
                        s.lowFreqFactor(), s.highFreqFactor(), s.originalContextLength());
                addVector(w, "rope_freqs.weight", factors);
            }
            case TinyModelSpec.LinearRopeScaling s -> {
                w.putString(arch + ".rope.scaling.type", "linear");
                w.putFloat32(arch + ".rope.scaling.factor", s.factor());
            }
            case TinyModelSpec.YarnRopeScaling s -> {
                w.putString(arch + ".rope.scaling.type", "yarn");
                w.putFloat32(arch + ".rope.scaling.factor", s.factor());
                w.putUint32(arch + ".rope.scaling.original_context_length", s.originalContextLength());
            }
            case TinyModelSpec.LongRopeScaling s -> {
                w.putFloat32(arch + ".rope.scaling.attn_factor", s.attentionFactor());
                w.putUint32(arch + ".rope.scaling.original_context_length", s.originalContextLength());
                addVector(w, "rope_factors_long.weight", s.longFactors(spec.headSize() / 2));
                addVector(w, "rope_factors_short.weight", s.shortFactors(spec.headSize() / 2));
            }
        }
        return w;
    }

    private static void addVector(GgufWriter w, String name, float[] values) {
        w.addTensor(name, GgmlType.F32, new long[] {values.length}, FloatTensor.quantize(GgmlType.F32, values));
    }

    /** The model's tensors in file order. */
    public static List<TinyTensor> tensors(TinyModelSpec spec, int vocabularySize) {
        int embd = spec.embeddingLength();
        int qDim = spec.headCount() * spec.headSize();
        int kvDim = spec.headCountKv() * spec.headSize();
        int ff = spec.feedForwardLength();
        List<TinyTensor> tensors = new ArrayList<>();
        tensors.add(new TinyTensor("token_embd.weight", new long[] {embd, vocabularySize}, Role.EMBEDDING));
        for (int b = 0; b < spec.blockCount(); b++) {
            String p = "blk." + b + ".";
            boolean fused = spec.architecture().equals("phi3"); // q/k/v in one matrix, gate/up in another
            tensors.add(new TinyTensor(p + "attn_norm.weight", new long[] {embd}, Role.NORM));
            if (fused) {
                tensors.add(new TinyTensor(p + "attn_qkv.weight", new long[] {embd, qDim + 2 * kvDim}, Role.MATRIX));
            } else {
                tensors.add(new TinyTensor(p + "attn_q.weight", new long[] {embd, qDim}, Role.MATRIX));
                tensors.add(new TinyTensor(p + "attn_k.weight", new long[] {embd, kvDim}, Role.MATRIX));
                tensors.add(new TinyTensor(p + "attn_v.weight", new long[] {embd, kvDim}, Role.MATRIX));
            }
            if (spec.architecture().equals("qwen2")) {
                tensors.add(new TinyTensor(p + "attn_q.bias", new long[] {qDim}, Role.BIAS));
                tensors.add(new TinyTensor(p + "attn_k.bias", new long[] {kvDim}, Role.BIAS));
                tensors.add(new TinyTensor(p + "attn_v.bias", new long[] {kvDim}, Role.BIAS));
            }
            if (spec.architecture().equals("qwen3") || spec.architecture().equals("gemma3")) {
                tensors.add(new TinyTensor(p + "attn_q_norm.weight", new long[] {spec.headSize()}, Role.NORM));
                tensors.add(new TinyTensor(p + "attn_k_norm.weight", new long[] {spec.headSize()}, Role.NORM));
            }
            boolean gemma = spec.architecture().equals("gemma3");
            tensors.add(new TinyTensor(p + "attn_output.weight", new long[] {qDim, embd}, Role.MATRIX));
            if (gemma) {
                tensors.add(new TinyTensor(p + "post_attention_norm.weight", new long[] {embd}, Role.NORM));
            }
            tensors.add(new TinyTensor(p + "ffn_norm.weight", new long[] {embd}, Role.NORM));
            if (fused) {
                tensors.add(new TinyTensor(p + "ffn_up.weight", new long[] {embd, 2 * ff}, Role.MATRIX));
            } else {
                tensors.add(new TinyTensor(p + "ffn_gate.weight", new long[] {embd, ff}, Role.MATRIX));
                tensors.add(new TinyTensor(p + "ffn_up.weight", new long[] {embd, ff}, Role.MATRIX));
            }
            tensors.add(new TinyTensor(p + "ffn_down.weight", new long[] {ff, embd}, Role.MATRIX));
            if (gemma) {
                tensors.add(new TinyTensor(p + "post_ffw_norm.weight", new long[] {embd}, Role.NORM));
            }
        }
        tensors.add(new TinyTensor("output_norm.weight", new long[] {embd}, Role.NORM));
        if (!spec.architecture().equals("gemma3")) { // Gemma ties its output matrix to the token embeddings
            tensors.add(new TinyTensor("output.weight", new long[] {embd, vocabularySize}, Role.MATRIX));
        }
        return tensors;
    }

    /** The bytes of a tensor as written: its values encoded in its type, or random blocks for K-quants. */
    public static byte[] encode(TinyModelSpec spec, TinyTensor tensor) {
        GgmlType type = tensor.type(spec);
        if (KQuantBlocks.isKQuant(type)) {
            return KQuantBlocks.random(type, tensor.elementCount(), kQuantAmplitude(tensor), random(spec, tensor));
        }
        return FloatTensor.quantize(type, values(spec, tensor));
    }

    /** Values generated in slices of this many (a multiple of every block size). */
    private static final int SLICE = 1 << 20;

    private static double kQuantAmplitude(TinyTensor tensor) {
        return tensor.role() == Role.EMBEDDING ? 1 : Math.sqrt(3.0 / tensor.shape()[0]);
    }

    /**
     * The same bytes as {@link #encode}, generated and written a slice at a time (K-quant slices
     * are whole numbers of 8-byte words, so their random bytes continue one stream as in one call).
     */
    private static void encodeTo(TinyModelSpec spec, TinyTensor tensor, java.io.OutputStream out) throws IOException {
        SplittableRandom random = random(spec, tensor);
        int total = tensor.elementCount();
        GgmlType type = tensor.type(spec);
        if (KQuantBlocks.isKQuant(type)) {
            for (int from = 0; from < total; from += SLICE) {
                out.write(KQuantBlocks.random(type, Math.min(SLICE, total - from), kQuantAmplitude(tensor), random));
            }
            return;
        }
        float[] slice = new float[Math.min(SLICE, total)];
        for (int from = 0; from < total; from += slice.length) {
            int n = Math.min(slice.length, total - from);
            float[] values = n == slice.length ? slice : new float[n];
            fill(values, tensor, random);
            out.write(FloatTensor.quantize(tensor.type(spec), values));
        }
    }

    private static SplittableRandom random(TinyModelSpec spec, TinyTensor tensor) {
        return new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + tensor.name().hashCode());
    }

    /**
     * The float values of a tensor before encoding: embeddings uniform in [-1, 1], matrices uniform
     * with variance 1 / row length (so activations keep unit scale), norms around 1, small biases.
     */
    public static float[] values(TinyModelSpec spec, TinyTensor tensor) {
        float[] v = new float[tensor.elementCount()];
        fill(v, tensor, random(spec, tensor));
        return v;
    }

    /** The next {@code v.length} values of the tensor's random stream. */
    private static void fill(float[] v, TinyTensor tensor, SplittableRandom random) {
        double rowLength = tensor.shape()[0];
        for (int i = 0; i < v.length; i++) {
            double u = random.nextDouble(-1, 1);
            v[i] = (float) switch (tensor.role()) {
                case EMBEDDING -> u;
                case MATRIX -> u * Math.sqrt(3 / rowLength);
                case NORM -> 1 + 0.2 * u;
                case BIAS -> 0.1 * u;
            };
        }
    }
}
