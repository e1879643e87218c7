package dev.hearth.engine.model;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufTensorInfo;
import dev.hearth.engine.tensor.FloatTensor;
import dev.hearth.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns an opened GGUF file into a {@link Model}: config from metadata, tokenizer from
 * {@code tokenizer.*}, weights as tensors over the mapped file (no copy), every shape checked
 * against the config so a mismatched file fails here with the tensor's name. Fused matrices
 * (phi3's {@code attn_qkv} and its {@code ffn_up} holding gate and up) become views of their row
 * ranges, so the forward pass sees the same q, k, v, gate and up as for any other architecture.
 */
public final class ModelLoader {

    private ModelLoader() {}

    /**
     * The model set up for sequences up to its own context length; it reads weights from
     * {@code file}, which must stay open while the model is used.
     */
    public static Model load(GgufFile file) {
        return load(file, Integer.MAX_VALUE);
    }

    /**
     * The model set up for sequences of up to {@code contextLength} tokens. Only LongRoPE models
     * (Phi-3 128k, Phi-3.5) depend on it, as in llama.cpp: their short frequency factors serve a
     * context up to the one they were trained at, their long ones a longer context.
     */
    public static Model load(GgufFile file, int contextLength) {
        Tokenizer tokenizer = Tokenizer.fromMetadata(file.metadata());
        ModelConfig config = ModelConfig.fromMetadata(file.metadata(), tokenizer.vocabulary().size());
        int embd = config.embeddingLength();
        int ff = config.feedForwardLength();
        List<LayerWeights> layers = new ArrayList<>();
        for (int b = 0; b < config.blockCount(); b++) {
            String p = "blk." + b + ".";
            FloatTensor[] qkv = file.tensor(p + "attn_qkv.weight").isPresent()
                    ? rowRanges(file, p + "attn_qkv.weight", embd, config.queryDimension(), config.keyValueDimension(),
                            config.keyValueDimension())
                    : new FloatTensor[] {
                        matrix(file, p + "attn_q.weight", embd, config.queryDimension()),
                        matrix(file, p + "attn_k.weight", embd, config.keyValueDimension()),
                        matrix(file, p + "attn_v.weight", embd, config.keyValueDimension())};
            // phi3 stores gate and up as one matrix, the gate's rows first (llama.cpp splits it in halves)
            FloatTensor[] gateUp = config.architecture().equals("phi3") && file.tensor(p + "ffn_gate.weight").isEmpty()
                    ? rowRanges(file, p + "ffn_up.weight", embd, ff, ff)
                    : new FloatTensor[] {matrix(file, p + "ffn_gate.weight", embd, ff), matrix(file, p + "ffn_up.weight", embd, ff)};
            layers.add(new LayerWeights(
                    vector(file, p + "attn_norm.weight", embd),
                    qkv[0],
                    qkv[1],
                    qkv[2],
                    config.qkvBias() ? vector(file, p + "attn_q.bias", config.queryDimension()) : null,
                    config.qkvBias() ? vector(file, p + "attn_k.bias", config.keyValueDimension()) : null,
                    config.qkvBias() ? vector(file, p + "attn_v.bias", config.keyValueDimension()) : null,
                    config.qkNorm() ? vector(file, p + "attn_q_norm.weight", config.headSize()) : null,
                    config.qkNorm() ? vector(file, p + "attn_k_norm.weight", config.headSize()) : null,
                    matrix(file, p + "attn_output.weight", config.queryDimension(), embd),
                    vector(file, p + "ffn_norm.weight", embd),
                    gateUp[0],
                    gateUp[1],
                    matrix(file, p + "ffn_down.weight", ff, embd),
                    config.postNorms() ? vector(file, p + "post_attention_norm.weight", embd) : null,
                    config.postNorms() ? vector(file, p + "post_ffw_norm.weight", embd) : null));
        }
        FloatTensor embedding = matrix(file, "token_embd.weight", embd, config.vocabularySize());
        FloatTensor output = file.tensor("output.weight").isPresent()
                ? matrix(file, "output.weight", embd, config.vocabularySize())
                : embedding;
        float[] freqFactors = file.tensor("rope_freqs.weight").isPresent()
                ? vector(file, "rope_freqs.weight", config.ropeDimensions() / 2)
                : longRopeFactors(file, config, contextLength);
        Weights weights = new Weights(embedding, List.copyOf(layers), vector(file, "output_norm.weight", embd), output,
                freqFactors);
        return new Model(config, tokenizer, weights);
    }

    /**
     * LongRoPE's frequency factors for a context of {@code contextLength}: the long set past the
     * original training context, the short one up to it; null for a model without them.
     */
    private static float[] longRopeFactors(GgufFile file, ModelConfig config, int contextLength) {
        boolean hasShort = file.tensor("rope_factors_short.weight").isPresent();
        boolean hasLong = file.tensor("rope_factors_long.weight").isPresent();
        if (!hasShort && !hasLong) {
            return null;
        }
        if (hasShort != hasLong) {
            throw new IllegalArgumentException("model has only one of 'rope_factors_short.weight' and"
                    + " 'rope_factors_long.weight'");
        }
        int context = Math.min(contextLength, config.contextLength());
        String name = context > config.ropeOriginalContext() ? "rope_factors_long.weight" : "rope_factors_short.weight";
        return vector(file, name, config.ropeDimensions() / 2);
    }

    /**
     * A matrix of {@code columns}-wide rows that stacks several ({@code rows[i]} rows each, in
     * order), as views of their row ranges.
     */
    private static FloatTensor[] rowRanges(GgufFile file, String name, int columns, int... rows) {
        GgufTensorInfo info = info(file, name, columns, java.util.stream.IntStream.of(rows).sum());
        java.lang.foreign.MemorySegment data = file.tensorData(info);
        long rowBytes;
        try {
            rowBytes = info.type().byteSize(columns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
        FloatTensor[] parts = new FloatTensor[rows.length];
        long offset = 0;
        for (int i = 0; i < rows.length; i++) {
            long bytes = rows[i] * rowBytes;
            try {
                parts[i] = FloatTensor.of(info.type(), data.asSlice(offset, bytes), (long) rows[i] * columns);
            } catch (UnsupportedOperationException e) {
                throw unreadable(info, e);
            }
            offset += bytes;
        }
        return parts;
    }

    private static GgufTensorInfo info(GgufFile file, String name, long... shape) {
        GgufTensorInfo info = file.tensor(name)
                .orElseThrow(() -> new IllegalArgumentException("model has no tensor '" + name + "'"));
        long[] actual = info.shape();
        long[] padded = Arrays.copyOf(actual, Math.max(actual.length, shape.length));
        for (int i = actual.length; i < padded.length; i++) {
            padded[i] = 1;
        }
        if (!Arrays.equals(padded, shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(actual)
                    + ", expected " + Arrays.toString(shape));
        }
        return info;
    }

    private static FloatTensor matrix(GgufFile file, String name, int columns, int rows) {
        GgufTensorInfo info = info(file, name, columns, rows);
        return tensor(file, info);
    }

    private static float[] vector(GgufFile file, String name, int length) {
        return tensor(file, info(file, name, length)).toFloatArray();
    }

    /** The tensor, or an error that names it and its type when the engine cannot read that type. */
    private static FloatTensor tensor(GgufFile file, GgufTensorInfo info) {
        try {
            return FloatTensor.of(info.type(), file.tensorData(info), info.elementCount());
        } catch (UnsupportedOperationException e) {
            throw unreadable(info, e);
        }
    }

    private static IllegalArgumentException unreadable(GgufTensorInfo info, UnsupportedOperationException e) {
        return new IllegalArgumentException("tensor '" + info.name() + "' is " + info.type()
                + ", a weight type Hearth's engine does not read yet (it reads "
                + FloatTensor.READABLE.stream().map(Enum::name).collect(java.util.stream.Collectors.joining(", ")) + ")", e);
    }
}
