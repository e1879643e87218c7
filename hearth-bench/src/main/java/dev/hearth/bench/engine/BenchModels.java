package dev.hearth.bench.engine;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufTensorInfo;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's random-weight models: real shapes and real vocabulary sizes (the built-in
 * byte-level BPE vocabulary padded with unused tokens), written once by {@link TinyModelWriter} and
 * cached. Both real models tie the output matrix to the token embeddings; the tiny-model writer
 * writes a separate {@code output.weight} (but for gemma3, which it ties), which makes the file bigger
 * but reads the same bytes per token (the output matrix is read either way, one embedding row is not
 * worth counting).
 */
record BenchModels(String name, TinyModelSpec spec, int vocabularySize) {

  static final List<BenchModels> ALL = List.of(
      // Qwen2.5-0.5B: 24 layers, 896 wide, 14 heads over 2 KV heads, FFN 4864, vocab 151,936, theta 1e6
      new BenchModels("qwen2.5-0.5b",
          new TinyModelSpec("qwen2", 24, 896, 14, 2, 4864, 4096, GgmlType.Q8_0, 1_000_000f, 1e-6f, 42, null),
          151_936),
      // Llama-3.2-1B: 16 layers, 2048 wide, 32 heads over 8 KV heads, FFN 8192, vocab 128,256, theta 5e5,
      // Llama 3 RoPE scaling (factor 32, low 1, high 4, original context 8192)
      new BenchModels("llama-3.2-1b",
          new TinyModelSpec("llama", 16, 2048, 32, 8, 8192, 4096, GgmlType.Q8_0, 500_000f, 1e-5f, 42,
              new TinyModelSpec.Llama3RopeScaling(32f, 1f, 4f, 8192)),
          128_256));

  /**
   * Shapes run only when named (not in {@code --model all}): Gemma-3-1B: 26 layers, 1152 wide, 4 heads of
   * 256 over 1 KV head, FFN 6912 (GELU gate), vocab 262,144 (output tied to the embeddings), five
   * sliding layers of six with a window of 512, theta 1e6 on the global ones.
   */
  static final List<BenchModels> EXTRA = List.of(
      new BenchModels("gemma-3-1b",
          new TinyModelSpec("gemma3", 26, 1152, 4, 1, 6912, 4096, GgmlType.Q8_0, 1_000_000f, 1e-6f, 42, null)
              .withSlidingWindow(512).withHeadSize(256),
          262_144));

  static BenchModels named(String name) {
    List<BenchModels> known = java.util.stream.Stream.concat(ALL.stream(), EXTRA.stream()).toList();
    for (BenchModels m : known) {
      if (m.name.equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown model '" + name + "' (known: "
        + known.stream().map(BenchModels::name).toList() + ")");
  }

  /** The GGUF of this shape in {@code type}, written into {@code dir} unless already there. */
  Path file(GgmlType type, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + "-" + type.name().toLowerCase(Locale.ROOT) + ".gguf");
    if (Files.exists(file)) {
      return file;
    }
    long start = System.nanoTime();
    System.out.printf("writing %s (%s, random weights) ...%n", file, type);
    Path partial = dir.resolve(file.getFileName() + ".partial");
    TinyModelWriter.write(spec.withWeightType(type), TinyVocabulary.byteLevelBpe(200).paddedTo(vocabularySize), partial);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("  %.1f GB in %.0f s%n", Files.size(file) / 1e9, (System.nanoTime() - start) / 1e9);
    return file;
  }

  /**
   * Weight bytes a decode step reads: every matrix of every layer, the norms and the output matrix;
   * of the token embeddings only one row, which is left out (unless they double as the output).
   */
  static long weightBytesPerToken(GgufFile file) {
    long bytes = 0;
    boolean tied = file.tensor("output.weight").isEmpty();
    for (GgufTensorInfo t : file.tensors()) {
      if (!t.name().equals("token_embd.weight") || tied) {
        bytes += t.byteSize();
      }
    }
    return bytes;
  }
}
