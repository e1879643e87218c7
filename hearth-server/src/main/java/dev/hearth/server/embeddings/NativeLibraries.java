package dev.hearth.server.embeddings;

import java.nio.file.Path;

/**
 * Keeps DJL's tokenizer binding offline and inside Hearth's directories. DJL 0.38's
 * {@code ai.djl.huggingface.tokenizers.jni.LibUtils} copies {@code native/lib/linux-x86_64/cpu/libtokenizers.so}
 * (shipped inside the tokenizers jar, like the other supported platforms) into
 * {@code $ENGINE_CACHE_DIR/tokenizers/<version>-<classifier>/} and {@code System.load}s it; it has no download
 * path. Unless the user set {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR}, that cache is put under the model
 * cache ({@code <model_cache>/.native}) instead of {@code ~/.djl.ai}, and {@code ai.djl.offline} is set so that
 * nothing else in DJL reaches for the network. ONNX Runtime likewise extracts its bundled
 * {@code ai/onnxruntime/native/linux-x64} libraries to a temporary directory.
 */
final class NativeLibraries {
  private NativeLibraries() {}

  static synchronized void prepare(Path modelCacheDir) {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    boolean userChose = System.getenv("ENGINE_CACHE_DIR") != null || System.getProperty("ENGINE_CACHE_DIR") != null
        || System.getenv("DJL_CACHE_DIR") != null || System.getProperty("DJL_CACHE_DIR") != null;
    if (!userChose && modelCacheDir != null) {
      System.setProperty("ENGINE_CACHE_DIR", modelCacheDir.resolve(".native").toAbsolutePath().toString());
    }
  }
}
