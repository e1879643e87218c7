package dev.hearth.server.cli;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes a random-weight GGUF model: real shapes, a real (or built-in) tokenizer and chat template,
 * meaningless output. For trying the API and the scheduler without a download, and for benchmarks
 * at real model sizes (e.g. the Qwen2.5-0.5B shape: --layers 24 --width 896 --heads 14 --kv-heads 2
 * --ff 4864).
 */
@Command(name = "tiny-model", mixinStandardHelpOptions = true,
    description = "Write a random-weight GGUF model (real shapes and tokenizer, meaningless output).")
final class TinyModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the .gguf file.")
  Path out;

  @Option(names = "--arch", defaultValue = "llama", description = "llama, qwen2, qwen3, phi3 or gemma3 (default ${DEFAULT-VALUE}).")
  String architecture;

  @Option(names = "--type", defaultValue = "Q8_0", description = "Weight type: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K.")
  String type;

  @Option(names = "--layers", defaultValue = "2") int layers;
  @Option(names = "--width", defaultValue = "64") int width;
  @Option(names = "--heads", defaultValue = "4") int heads;
  @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
  @Option(names = "--ff", defaultValue = "128") int feedForward;
  @Option(names = "--context", defaultValue = "2048") int context;
  @Option(names = "--seed", defaultValue = "42") long seed;
  @Option(names = "--head-size", defaultValue = "0", description = "Values per head when not width / heads"
      + " (Qwen3-0.6B: 128 over 1024 / 16; Gemma 3 1B: 256); default width / heads.")
  int headSize;
  @Option(names = "--sliding-window", defaultValue = "0", description = "gemma3 and phi3: positions a sliding"
      + " layer attends to; default the whole context.")
  int slidingWindow;

  @Option(names = "--vocab", paramLabel = "GGUF", description = "Copy the tokenizer (and chat template) of this GGUF"
      + " file; default: a small built-in byte-level vocabulary with a simple template.")
  Path vocabulary;

  @Option(names = "--template", paramLabel = "JINJA", description = "Use this chat template file instead.")
  Path template;

  @Override
  public Integer call() throws IOException {
    GgmlType weightType;
    try {
      weightType = GgmlType.valueOf(type.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("hearth: unknown --type '" + type + "'");
      return 2;
    }
    TinyModelSpec model;
    try {
      model = TinyModelSpec.of(architecture).withWeightType(weightType).withSeed(seed)
          .withDimensions(layers, width, heads, kvHeads, feedForward, context).withHeadSize(headSize)
          .withSlidingWindow(slidingWindow);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("hearth: " + e.getMessage());
      return 2;
    }
    TinyVocabulary vocab = vocabulary == null ? TinyVocabulary.byteLevelBpe(200) : TinyVocabulary.fromGguf(vocabulary);
    if (template != null) {
      vocab = vocab.withChatTemplate(Files.readString(template));
    }
    TinyModelWriter.write(model, vocab, out);
    spec.commandLine().getOut().println("Wrote " + out + " (" + Files.size(out) + " bytes, " + architecture + ", "
        + weightType + ", " + layers + " layers × " + width + ")");
    return 0;
  }
}
