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
 * @param ropeFreqScale what RoPE's angles are multiplied by: {@code 1 / ARCH.rope.scaling.factor}
 *     under linear scaling (Gemma 3 4B and up, on its global layers) or YaRN, else 1
 * @param yarn RoPE is scaled by YaRN ({@code rope.scaling.type} "yarn"): angles mixed between scaled and
 *     unscaled by a ramp fixed by {@link #ropeOriginalContext}, cos and sin grown to match
 * @param attentionScale what the q·k scores are multiplied by: {@code 1/√headSize}, but Gemma 3 27B's
 *     {@code 1/√(embedding/heads)} (as llama.cpp derives it, the file does not say)
 * @param embeddingScale what a token's embedding row is multiplied by (Gemma: {@code √embedding}, else 1)
 * @param postNorms RMS norms on the attention and feed-forward outputs before each residual add (Gemma)
 * @param geluGate the feed-forward gate is GELU (Gemma), not SiLU
 * @param slidingWindow the layers that attend only to the last positions, or null where every layer
 *     sees the whole sequence
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
        int ropeOriginalContext,
        float ropeFreqScale,
        float attentionScale,
        float embeddingScale,
        boolean postNorms,
        boolean geluGate,
        SlidingWindow slidingWindow,
        boolean yarn) {

    /**
     * Local attention: in a sliding layer a position attends to itself and the {@code size - 1}
     * positions before it. Every layer slides but each {@code pattern}-th ({@code (layer + 1) %
     * pattern == 0}, Gemma 3's global layers; 0: all slide); sliding layers turn RoPE with base
     * {@code localRopeFreqBase} and no frequency scale (Gemma 3), or as the others where it is 0 (phi3).
     */
    public record SlidingWindow(int size, int pattern, float localRopeFreqBase) {
        public SlidingWindow {
            if (size < 1 || pattern < 0) {
                throw new IllegalArgumentException("sliding window " + size + " with pattern " + pattern);
            }
        }

        /** Sliding layers turn RoPE their own way (Gemma 3's base 10000, unscaled). */
        public boolean localRope() {
            return localRopeFreqBase > 0;
        }

        public boolean slides(int layer) {
            return pattern == 0 || (layer + 1) % pattern != 0;
        }

        /** The first position a query at {@code position} attends to. */
        public int start(int position) {
            return Math.max(0, position - size + 1);
        }
    }

    public static final java.util.Set<String> ARCHITECTURES = java.util.Set.of("llama", "qwen2", "qwen3", "phi3", "gemma3");

    /** Gemma 3's layers: five sliding, then one global. */
    static final int GEMMA3_PATTERN = 6;
    /** Gemma 3's RoPE base on its sliding layers (llama.cpp and transformers fix it; the file does not say). */
    static final float GEMMA3_LOCAL_ROPE_BASE = 10_000f;

    public ModelConfig {
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("head count " + headCount + " is not a multiple of KV heads " + headCountKv);
        }
    }

    /**
     * Gemma 3's five sliding layers of six; phi3's window over every layer where it is shorter than the
     * context (Phi-3-mini-4k: 2047 of 4096), as transformers applies it and as llama.cpp did until it
     * turned phi3's window off; none for the other architectures.
     */
    private static SlidingWindow slidingWindow(GgufMetadata m, String arch, int context) {
        return switch (arch) {
            case "gemma3" -> new SlidingWindow(m.requireInt(arch + ".attention.sliding_window"), GEMMA3_PATTERN,
                    GEMMA3_LOCAL_ROPE_BASE);
            case "phi3" -> m.getInt(arch + ".attention.sliding_window").filter(w -> w > 0 && w < context)
                    .map(w -> new SlidingWindow(w, 0, 0f)).orElse(null);
            default -> null;
        };
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
        int blocks = m.requireInt(arch + ".block_count");
        boolean gemma3 = arch.equals("gemma3");
        // RoPE scaling by a factor: type "linear" (also with no type, llama.cpp's default) or "yarn"; Phi-3's
        // LongRoPE comes as tensors (ModelLoader), Llama 3's as rope_freqs
        String scalingType = m.getString(arch + ".rope.scaling.type").orElse("linear");
        float scalingFactor = m.getFloat(arch + ".rope.scaling.factor").orElse(0f);
        boolean scaled = (scalingType.equals("linear") || scalingType.equals("yarn")) && scalingFactor > 0f;
        float freqScale = scaled ? 1f / scalingFactor : 1f;
        boolean yarn = scaled && scalingType.equals("yarn");
        float attentionScale = (float) (1.0 / Math.sqrt(gemma3 && blocks == 62 ? (double) embedding / heads : headSize));
        return new ModelConfig(
                arch,
                embedding,
                blocks,
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
                arch.equals("qwen3") || gemma3,
                m.getFloat(arch + ".rope.scaling.attn_factor").orElse(1f),
                m.getInt(arch + ".rope.scaling.original_context_length").orElse(context),
                freqScale,
                attentionScale,
                gemma3 ? (float) Math.sqrt(embedding) : 1f,
                gemma3,
                gemma3,
                slidingWindow(m, arch, context),
                yarn);
    }

    public int queryDimension() {
        return headCount * headSize;
    }

    public int keyValueDimension() {
        return headCountKv * headSize;
    }
}
