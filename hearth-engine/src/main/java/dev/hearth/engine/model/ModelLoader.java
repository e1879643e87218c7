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
 * against the config so a mismatched file fails here with the tensor's name.
 */
public final class ModelLoader {

    private ModelLoader() {}

    /** The model; it reads weights from {@code file}, which must stay open while the model is used. */
    public static Model load(GgufFile file) {
        Tokenizer tokenizer = Tokenizer.fromMetadata(file.metadata());
        ModelConfig config = ModelConfig.fromMetadata(file.metadata(), tokenizer.vocabulary().size());
        int embd = config.embeddingLength();
        List<LayerWeights> layers = new ArrayList<>();
        for (int b = 0; b < config.blockCount(); b++) {
            String p = "blk." + b + ".";
            layers.add(new LayerWeights(
                    vector(file, p + "attn_norm.weight", embd),
                    matrix(file, p + "attn_q.weight", embd, config.queryDimension()),
                    matrix(file, p + "attn_k.weight", embd, config.keyValueDimension()),
                    matrix(file, p + "attn_v.weight", embd, config.keyValueDimension()),
                    config.qkvBias() ? vector(file, p + "attn_q.bias", config.queryDimension()) : null,
                    config.qkvBias() ? vector(file, p + "attn_k.bias", config.keyValueDimension()) : null,
                    config.qkvBias() ? vector(file, p + "attn_v.bias", config.keyValueDimension()) : null,
                    config.qkNorm() ? vector(file, p + "attn_q_norm.weight", config.headSize()) : null,
                    config.qkNorm() ? vector(file, p + "attn_k_norm.weight", config.headSize()) : null,
                    matrix(file, p + "attn_output.weight", config.queryDimension(), embd),
                    vector(file, p + "ffn_norm.weight", embd),
                    matrix(file, p + "ffn_gate.weight", embd, config.feedForwardLength()),
                    matrix(file, p + "ffn_up.weight", embd, config.feedForwardLength()),
                    matrix(file, p + "ffn_down.weight", config.feedForwardLength(), embd)));
        }
        FloatTensor embedding = matrix(file, "token_embd.weight", embd, config.vocabularySize());
        FloatTensor output = file.tensor("output.weight").isPresent()
                ? matrix(file, "output.weight", embd, config.vocabularySize())
                : embedding;
        float[] freqFactors = file.tensor("rope_freqs.weight").isPresent()
                ? vector(file, "rope_freqs.weight", config.ropeDimensions() / 2)
                : null;
        Weights weights = new Weights(embedding, List.copyOf(layers), vector(file, "output_norm.weight", embd), output,
                freqFactors);
        return new Model(config, tokenizer, weights);
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
            throw new IllegalArgumentException("tensor '" + info.name() + "' is " + info.type()
                    + ", a weight type Hearth's engine does not read yet (it reads "
                    + FloatTensor.READABLE.stream().map(Enum::name).collect(java.util.stream.Collectors.joining(", ")) + ")", e);
        }
    }
}
