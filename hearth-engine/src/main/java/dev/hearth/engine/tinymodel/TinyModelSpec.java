package dev.hearth.engine.tinymodel;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.tensor.FloatTensor;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Shape and weight type of a random-weight model: architecture ({@code llama}, {@code qwen2} with
 * q/k/v biases, {@code qwen3} with q/k RMS norms, {@code phi3} with fused q/k/v and gate/up matrices,
 * {@code gemma3} with q/k norms, post-norms, tied embeddings and a sliding window), dimensions as llama.cpp names them, the ggml type
 * of the matrices (norms and biases stay F32, as converters write them) and the seed. K-quant
 * matrices (Q4_K, Q5_K, Q6_K) hold random valid blocks rather than quantized floats. {@code tensorTypes}
 * gives some matrices a type of their own, by name ({@code ffn_down}, {@code attn_v}, {@code output},
 * {@code token_embd}, ...), as llama.cpp's Q4_K_M and Q5_K_M files mix types.
 */
public record TinyModelSpec(
        String architecture,
        int blockCount,
        int embeddingLength,
        int headCount,
        int headCountKv,
        int feedForwardLength,
        int contextLength,
        GgmlType weightType,
        float ropeFreqBase,
        float rmsNormEpsilon,
        long seed,
        RopeScaling ropeScaling,
        Map<String, GgmlType> tensorTypes,
        int slidingWindow,
        int headSizeOverride) {

    /** How a model extends RoPE past the context it was trained at; each form belongs to one architecture. */
    public sealed interface RopeScaling permits Llama3RopeScaling, LongRopeScaling, LinearRopeScaling, YarnRopeScaling {}

    /**
     * YaRN: {@code rope.scaling.type} "yarn", {@code rope.scaling.factor} and
     * {@code rope.scaling.original_context_length}, as convert_hf_to_gguf.py writes a Qwen2.5 config's
     * {@code rope_scaling}. Any architecture.
     */
    public record YarnRopeScaling(float factor, int originalContextLength) implements RopeScaling {}

    /**
     * Linear RoPE scaling: every angle divided by {@code factor} ({@code rope.scaling.type} "linear" and
     * {@code rope.scaling.factor}; Gemma 3 4B and up, on its global layers only). Any architecture.
     */
    public record LinearRopeScaling(float factor) implements RopeScaling {}

    /**
     * Llama 3.1-style RoPE frequency scaling, written as the {@code rope_freqs.weight} tensor the way
     * convert_hf_to_gguf.py does (llama.cpp reads the tensor, not metadata). Llama only.
     */
    public record Llama3RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContextLength)
            implements RopeScaling {}

    /**
     * Phi-3's LongRoPE, written as convert_hf_to_gguf.py writes it: {@code rope_factors_short.weight}
     * and {@code rope_factors_long.weight} (per-pair divisors, here a fixed gentle and a steep ramp),
     * {@code rope.scaling.attn_factor} and {@code rope.scaling.original_context_length}. Phi3 only.
     */
    public record LongRopeScaling(float attentionFactor, int originalContextLength) implements RopeScaling {

        /** Short factors: 1 rising to 1.5 across the pairs. */
        public float[] shortFactors(int pairs) {
            float[] f = new float[pairs];
            for (int i = 0; i < pairs; i++) {
                f[i] = 1f + 0.5f * i / Math.max(1, pairs - 1);
            }
            return f;
        }

        /** Long factors: 1 rising to 21 across the pairs, quadratically. */
        public float[] longFactors(int pairs) {
            float[] f = new float[pairs];
            for (int i = 0; i < pairs; i++) {
                float r = (float) i / Math.max(1, pairs - 1);
                f[i] = 1f + 20f * r * r;
            }
            return f;
        }
    }

    public static final Set<String> ARCHITECTURES = Set.of("llama", "qwen2", "qwen3", "phi3", "gemma3");
    /** Every type the engine reads ({@link FloatTensor#READABLE}), the writer writes. */
    public static final Set<GgmlType> WEIGHT_TYPES = FloatTensor.READABLE;

    /** A model whose matrices are all of {@code weightType}. */
    public TinyModelSpec(String architecture, int blockCount, int embeddingLength, int headCount, int headCountKv,
            int feedForwardLength, int contextLength, GgmlType weightType, float ropeFreqBase, float rmsNormEpsilon,
            long seed, RopeScaling ropeScaling) {
        this(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength, contextLength,
                weightType, ropeFreqBase, rmsNormEpsilon, seed, ropeScaling, Map.of(), 0, 0);
    }

    public TinyModelSpec {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(weightType, "weightType");
        tensorTypes = Map.copyOf(tensorTypes);
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("architecture must be one of " + ARCHITECTURES + ": " + architecture);
        }
        if (!WEIGHT_TYPES.contains(weightType) || !WEIGHT_TYPES.containsAll(tensorTypes.values())) {
            throw new IllegalArgumentException("weight types must be among " + WEIGHT_TYPES + ": " + weightType + ", "
                    + tensorTypes);
        }
        if (blockCount < 1 || embeddingLength < 1 || headCount < 1 || headCountKv < 1 || feedForwardLength < 1
                || contextLength < 1) {
            throw new IllegalArgumentException("dimensions must be positive");
        }
        if ((headSizeOverride == 0 && embeddingLength % headCount != 0) || headCount % headCountKv != 0
                || headSizeOverride < 0) {
            throw new IllegalArgumentException("need embedding % heads == 0 (or a head size of its own) and heads % kv"
                    + " heads == 0, got " + embeddingLength + ", " + headCount + ", " + headCountKv);
        }
        int headSize = headSizeOverride > 0 ? headSizeOverride : embeddingLength / headCount; // fields are not set yet
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("head size must be even for RoPE: " + headSize);
        }
        if (ropeScaling instanceof Llama3RopeScaling && !architecture.equals("llama")) {
            throw new IllegalArgumentException("Llama 3 RoPE scaling applies to the llama architecture only");
        }
        if (slidingWindow < 0 || slidingWindow > 0 && !architecture.equals("gemma3") && !architecture.equals("phi3")) {
            throw new IllegalArgumentException("a sliding window applies to gemma3 and phi3 only, and is positive: "
                    + slidingWindow);
        }
        if (ropeScaling instanceof LongRopeScaling && !architecture.equals("phi3")) {
            throw new IllegalArgumentException("LongRoPE scaling applies to the phi3 architecture only");
        }
        for (GgmlType type : Stream.concat(Stream.of(weightType), tensorTypes.values().stream()).distinct().toList()) {
            int block = type.blockSize();
            if (embeddingLength % block != 0 || feedForwardLength % block != 0) {
                throw new IllegalArgumentException(type + " rows need embedding and feed-forward lengths that are"
                        + " multiples of " + block);
            }
        }
    }

    /** Two layers, 64 wide, 4 heads over 2 KV heads, F32, seed 42. */
    public static TinyModelSpec of(String architecture) {
        return new TinyModelSpec(architecture, 2, 64, 4, 2, 128, 256, GgmlType.F32, 10000f, 1e-5f, 42, null);
    }

    public TinyModelSpec withWeightType(GgmlType type) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, type, ropeFreqBase, rmsNormEpsilon, seed,
                ropeScaling, tensorTypes, slidingWindow, headSizeOverride);
    }

    public TinyModelSpec withSeed(long newSeed) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, weightType, ropeFreqBase, rmsNormEpsilon, newSeed,
                ropeScaling, tensorTypes, slidingWindow, headSizeOverride);
    }

    public TinyModelSpec withDimensions(int blocks, int embedding, int heads, int kvHeads, int feedForward, int context) {
        return new TinyModelSpec(architecture, blocks, embedding, heads, kvHeads, feedForward, context, weightType,
                ropeFreqBase, rmsNormEpsilon, seed, ropeScaling, tensorTypes, slidingWindow, headSizeOverride);
    }

    public TinyModelSpec withRopeScaling(RopeScaling scaling) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, weightType, ropeFreqBase, rmsNormEpsilon, seed,
                scaling, tensorTypes, slidingWindow, headSizeOverride);
    }

    public TinyModelSpec withRopeFreqBase(float base) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, weightType, base, rmsNormEpsilon, seed,
                ropeScaling, tensorTypes, slidingWindow, headSizeOverride);
    }

    /**
     * A sliding window: Gemma 3's five local layers of six, or every layer of a phi3 model, attend to
     * the last {@code size} positions; without it the window is the whole context.
     */
    public TinyModelSpec withSlidingWindow(int size) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, weightType, ropeFreqBase, rmsNormEpsilon, seed,
                ropeScaling, tensorTypes, size, headSizeOverride);
    }

    /** The sliding window the file declares: the spec's, else (gemma3, phi3) the whole context. */
    public int declaredSlidingWindow() {
        return slidingWindow > 0 ? slidingWindow : contextLength;
    }

    /**
     * The named matrices ({@code ffn_down} for {@code blk.N.ffn_down.weight}, {@code output},
     * {@code token_embd}) in a type of their own, the rest in {@link #weightType}.
     */
    public TinyModelSpec withTensorTypes(Map<String, GgmlType> types) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, weightType, ropeFreqBase, rmsNormEpsilon, seed,
                ropeScaling, types, slidingWindow, headSizeOverride);
    }

    /** The type of the matrix named {@code name} ({@code blk.0.attn_v.weight}, say). */
    public GgmlType matrixType(String name) {
        for (Map.Entry<String, GgmlType> e : tensorTypes.entrySet()) {
            if (name.equals(e.getKey() + ".weight") || name.endsWith("." + e.getKey() + ".weight")) {
                return e.getValue();
            }
        }
        return weightType;
    }

    /** {@code embedding / heads}, or the head size the spec gives (Gemma 3, Qwen3: wider than that). */
    public int headSize() {
        return headSizeOverride > 0 ? headSizeOverride : embeddingLength / headCount;
    }

    /** Heads of {@code size} values whatever the embedding width ({@code ARCH.attention.key_length}). */
    public TinyModelSpec withHeadSize(int size) {
        return new TinyModelSpec(architecture, blockCount, embeddingLength, headCount, headCountKv, feedForwardLength,
                contextLength, weightType, ropeFreqBase, rmsNormEpsilon, seed,
                ropeScaling, tensorTypes, slidingWindow, size);
    }

    /** ggml's {@code general.file_type} (llama_ftype) for the weight type. */
    int fileType() {
        return switch (weightType) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q8_0 -> 7;
            case BF16 -> 32;
            case Q4_K -> 15;
            case Q5_K -> 17;
            case Q6_K -> 18;
            default -> throw new AssertionError(weightType);
        };
    }
}
