package dev.hearth.engine.model;

import dev.hearth.engine.tensor.FloatTensor;
import java.util.List;

/** All weights of a model; {@code output} is the token embedding when the model ties them. */
public record Weights(FloatTensor tokenEmbedding, List<LayerWeights> layers, float[] outputNorm, FloatTensor output,
        float[] ropeFreqFactors) {}
