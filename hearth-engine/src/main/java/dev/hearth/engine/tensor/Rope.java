package dev.hearth.engine.tensor;

/**
 * Rotary position embedding as ggml's {@code rope} computes it: pair {@code i} of each head turns
 * by {@code pos * base^(-2i/d) / freqFactor[i]}, the angles built by repeated float multiplication
 * like ggml's cache, cos and sin scaled by the attention factor (1 but for LongRoPE models, whose
 * rotated q/k values grow by it). {@link Style#NORMAL} rotates adjacent pairs (Llama, whose
 * converter permutes Q/K for this); {@link Style#NEOX} rotates element {@code i} with
 * {@code i + d/2} (Qwen, Phi-3).
 */
public final class Rope {

    public enum Style { NORMAL, NEOX }

    private final Style style;
    private final int dimensions;
    private final float thetaScale;
    private final float[] freqFactors;
    private final float freqScale;
    /** YaRN's ramp between extrapolated and interpolated angles, over pairs {@code [low, high]}; null without YaRN. */
    private final float[] yarnCorrection;
    /** cos and sin's scale: the attention factor, times YaRN's magnitude correction where it applies. */
    private final float magnitude;

    /**
     * YaRN (ggml's {@code ext_factor} 1): pair {@code i}'s angle mixes the scaled and the unscaled one by
     * a ramp over the pairs whose wavelengths fall between {@code betaFast} and {@code betaSlow}
     * rotations in {@code originalContext} positions, and cos and sin grow by {@code 1 + 0.1 ln(1/scale)}.
     */
    public record Yarn(int originalContext, float betaFast, float betaSlow) {
        /** llama.cpp's defaults for the betas. */
        public static Yarn of(int originalContext) {
            return new Yarn(originalContext, 32f, 1f);
        }
    }

    /** A rope whose angles and whose cos and sin are not scaled. */
    public Rope(Style style, int dimensions, float freqBase, float[] freqFactors) {
        this(style, dimensions, freqBase, freqFactors, 1f, 1f, null);
    }

    /**
     * @param dimensions rotated dimensions per head ({@code rope.dimension_count}, usually the head size)
     * @param freqFactors per-pair divisors (llama.cpp's {@code rope_freqs.weight}, or a LongRoPE
     *     model's {@code rope_factors_short/long.weight}), or null
     * @param attentionFactor what cos and sin are multiplied by (ggml's {@code attn_factor})
     * @param freqScale what each angle is multiplied by (ggml's {@code freq_scale}: linear scaling, or YaRN's)
     * @param yarn YaRN's parameters, or null
     */
    public Rope(Style style, int dimensions, float freqBase, float[] freqFactors, float attentionFactor, float freqScale,
            Yarn yarn) {
        if (dimensions % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even dimension count: " + dimensions);
        }
        if (freqFactors != null && freqFactors.length != dimensions / 2) {
            throw new IllegalArgumentException("need " + dimensions / 2 + " frequency factors, got " + freqFactors.length);
        }
        this.style = style;
        this.dimensions = dimensions;
        this.thetaScale = (float) Math.pow(freqBase, -2.0f / dimensions);
        this.freqFactors = freqFactors;
        this.freqScale = freqScale;
        if (yarn == null) {
            this.yarnCorrection = null;
            this.magnitude = attentionFactor;
        } else {
            // ggml_rope_yarn_corr_dims, in float as ggml computes it
            float low = (float) Math.floor(correctionDimension(dimensions, yarn.originalContext(), yarn.betaFast(), freqBase));
            float high = (float) Math.ceil(correctionDimension(dimensions, yarn.originalContext(), yarn.betaSlow(), freqBase));
            this.yarnCorrection = new float[] {Math.max(0, low), Math.min(dimensions - 1, high)};
            this.magnitude = attentionFactor * (1.0f + 0.1f * (float) Math.log(1.0f / freqScale));
        }
    }

    /** The pair index at which a wavelength makes {@code rotations} turns in {@code originalContext} positions. */
    private static float correctionDimension(int dimensions, int originalContext, float rotations, float base) {
        return dimensions * (float) Math.log(originalContext / (rotations * 2 * (float) Math.PI)) / (2 * (float) Math.log(base));
    }

    public Style style() {
        return style;
    }

    /** cos/sin of each pair's angle at {@code position}: {@code table[2i]} = cos, {@code table[2i+1]} = sin. */
    public float[] angles(int position) {
        float[] table = new float[dimensions];
        float theta = position;
        for (int i = 0; i < dimensions; i += 2) {
            float extrapolated = freqFactors == null ? theta : theta / freqFactors[i / 2];
            float t = freqScale * extrapolated;
            if (yarnCorrection != null) {
                float y = (i / 2 - yarnCorrection[0]) / Math.max(0.001f, yarnCorrection[1] - yarnCorrection[0]);
                float mix = 1 - Math.min(1, Math.max(0, y));
                t = t * (1 - mix) + extrapolated * mix;
            }
            table[i] = (float) Math.cos(t) * magnitude;
            table[i + 1] = (float) Math.sin(t) * magnitude;
            theta *= thetaScale;
        }
        return table;
    }

    /** Rotates {@code heads} consecutive heads of {@code headSize} values starting at {@code x[offset]}. */
    public void apply(float[] x, int offset, int heads, int headSize, float[] angles) {
        int half = dimensions / 2;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headSize;
            for (int i = 0; i < dimensions; i += 2) {
                float cos = angles[i];
                float sin = angles[i + 1];
                int a = style == Style.NORMAL ? base + i : base + i / 2;
                int b = style == Style.NORMAL ? a + 1 : a + half;
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * cos - x1 * sin;
                x[b] = x0 * sin + x1 * cos;
            }
        }
    }

    /**
     * Llama 3.1's frequency factors, as convert_hf_to_gguf.py computes {@code rope_freqs}: high
     * frequencies kept, low ones divided by {@code factor}, a smooth ramp between.
     */
    public static float[] llama3FreqFactors(int dimensions, float freqBase, float factor, float lowFreqFactor,
            float highFreqFactor, int originalContextLength) {
        float[] factors = new float[dimensions / 2];
        double lowFreqWavelen = originalContextLength / lowFreqFactor;
        double highFreqWavelen = originalContextLength / highFreqFactor;
        for (int i = 0; i < factors.length; i++) {
            double freq = 1.0 / Math.pow(freqBase, (2.0 * i) / dimensions);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowFreqWavelen) {
                factors[i] = factor;
            } else {
                double smooth = (originalContextLength / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }
}
