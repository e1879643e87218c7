package dev.hearth.engine.model;

import dev.hearth.engine.gguf.GgufMetadata;
import dev.hearth.engine.tensor.Rope;

/**
 * Hyperparameters of a decoder-only transformer, read from {@code ARCH.*} GGUF metadata.
 *
 * @param qkvBias q/k/v projections have biases (Qwen2)
 * @param qkNorm per-head RMS norms on q and k before RoPE (Qwen3)
 * @param ropeAttentionFactor scale of RoPE's cos and sin ({@code ARCH.rope.scaling.attn_factor}, 1 where
 *     absent; LongRoPE's Phi-3 models set it), so every rotated q/k value is multiplied by it
 * @param ropeOriginalContext the context the model was trained at before its RoPE was extended
 *     ({@code ARCH.rope.scaling.original_context_length}, else the context length): LongRoPE models
 *     use their short frequency factors up to it, their long ones past it
 */
public record ModelConfig(
        String architecture,
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int headSize,
        int feedForwardLength,
        int contextLength,
        int vocabularySize,
        float rmsNormEpsilon,
        float ropeFreqBase,
        int ropeDimensions,
        Rope.Style ropeStyle,
        boolean qkvBias,
        boolean qkNorm,
        float ropeAttentionFactor,
        int ropeOriginalContext) {

    public static final java.util.Set<String> ARCHITECTURES = java.util.Set.of("llama", "qwen2", "qwen3", "phi3");

    public ModelConfig {
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("head count " + headCount + " is not a multiple of KV heads " + headCountKv);
        }
    }

    static ModelConfig fromMetadata(GgufMetadata m, int vocabularySize) {
        String arch = m.requireString("general.architecture");
        if (!ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException("unsupported architecture '" + arch + "' (supported: " + ARCHITECTURES + ")");
        }
        int embedding = m.requireInt(arch + ".embedding_length");
        int heads = m.requireInt(arch + ".attention.head_count");
        int headSize = m.getInt(arch + ".attention.key_length").orElse(embedding / heads);
        int context = m.requireInt(arch + ".context_length");
        return new ModelConfig(
                arch,
                embedding,
                m.requireInt(arch + ".block_count"),
                heads,
                m.getInt(arch + ".attention.head_count_kv").orElse(heads),
                headSize,
                m.requireInt(arch + ".feed_forward_length"),
                context,
                vocabularySize,
                m.requireFloat(arch + ".attention.layer_norm_rms_epsilon"),
                m.getFloat(arch + ".rope.freq_base").orElse(10000f),
                m.getInt(arch + ".rope.dimension_count").orElse(headSize),
                arch.equals("llama") ? Rope.Style.NORMAL : Rope.Style.NEOX,
                arch.equals("qwen2"),
                arch.equals("qwen3"),
                m.getFloat(arch + ".rope.scaling.attn_factor").orElse(1f),
                m.getInt(arch + ".rope.scaling.original_context_length").orElse(context));
    }

    public int queryDimension() {
        return headCount * headSize;
    }

    public int keyValueDimension() {
        return headCountKv * headSize;
    }
}
