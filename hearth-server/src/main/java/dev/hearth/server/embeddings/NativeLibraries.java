package dev.hearth.server.embeddings;

import ai.onnxruntime.OrtEnvironment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

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
  /** Stack for the thread that creates ONNX Runtime's environment (see {@link #ortEnvironment}). */
  private static final long ORT_INIT_STACK_BYTES = 64L << 20;

  private static volatile OrtEnvironment ortEnvironment;

  private NativeLibraries() {}

  /**
   * ONNX Runtime's environment, created the first time on a platform thread with a 64 MB stack.
   * ONNX Runtime 1.29 recurses over the process's command line ({@code /proc/self/cmdline}, about
   * 190 bytes of stack per character) while it creates its environment: on a request thread's 1 MB
   * stack a command line of ~5,000 characters (a {@code java -cp} with the jars spelled out, as IDEs
   * and test runners launch it) overflows the stack inside native code, and the JVM dies with
   * SIGSEGV (exit 139, no hs_err file). {@code ./hearth serve} ({@code java -jar}) never comes close.
   */
  static OrtEnvironment ortEnvironment() {
    OrtEnvironment env = ortEnvironment;
    if (env != null) {
      return env;
    }
    synchronized (NativeLibraries.class) {
      if (ortEnvironment == null) {
        AtomicReference<Object> created = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
          try {
            created.set(OrtEnvironment.getEnvironment());
          } catch (RuntimeException | Error e) {
            created.set(e);
          }
        }, "onnxruntime-init", ORT_INIT_STACK_BYTES);
        t.start();
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while ONNX Runtime started", e);
        }
        if (created.get() instanceof RuntimeException e) {
          throw e;
        }
        if (created.get() instanceof Error e) {
          throw e;
        }
        ortEnvironment = (OrtEnvironment) created.get();
      }
      return ortEnvironment;
    }
  }

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
