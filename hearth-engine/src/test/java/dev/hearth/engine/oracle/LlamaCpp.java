package dev.hearth.engine.oracle;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import de.kherud.llama.args.PoolingType;
import java.nio.file.Path;

/**
 * llama.cpp through de.kherud:llama, set up as a reference: CPU only, one thread, F32 KV cache.
 * Sharp edges of the binding, avoided here: {@code setNProbs(n > 0)} aborts the JVM, a vocabulary
 * with duplicate token texts aborts it, and after {@code close()} a native thread keeps the JVM
 * alive — which is why these tests run in their own forked JVM (surefire execution "oracle").
 */
final class LlamaCpp {

    static {
        // the binding extracts its native library into this (private, per-build) directory but does not create it
        String dir = System.getProperty("de.kherud.llama.tmpdir");
        if (dir != null) {
            try {
                java.nio.file.Files.createDirectories(Path.of(dir));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create " + dir, e);
            }
        }
    }

    private LlamaCpp() {}

    private static ModelParameters base(Path model, int context) {
        return new ModelParameters()
                .setModel(model.toString())
                .setCtxSize(context)
                .setThreads(1)
                .setThreadsBatch(1)
                .setGpuLayers(0)
                .setCacheTypeK(CacheType.F32)
                .setCacheTypeV(CacheType.F32)
                .disableLog();
    }

    /** {@code embed()} gives the last position's hidden state after output_norm, scaled to unit length. */
    static LlamaModel embedder(Path model, int context) {
        return new LlamaModel(base(model, context).enableEmbedding().setPoolingType(PoolingType.LAST));
    }

    static LlamaModel generator(Path model, int context) {
        return new LlamaModel(base(model, context));
    }

    /** Greedy continuation (temperature 0, no penalties) of a prompt llama.cpp tokenizes with BOS and specials. */
    static String greedy(LlamaModel model, String prompt, int tokens) {
        return model.complete(new InferenceParameters(prompt)
                .setTemperature(0f)
                .setRepeatPenalty(1f)
                .setFrequencyPenalty(0f)
                .setPresencePenalty(0f)
                .setNPredict(tokens)
                .setSeed(1));
    }
}
