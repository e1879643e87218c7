package dev.hearth.server.testing;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A random-weight GGUF language model for server tests (the built-in byte-level BPE vocabulary and
 * its Llama-3-style chat template, so no shared fixtures are needed), and a config that serves it
 * as {@code tiny} with the alias {@code gpt-4o-mini}.
 */
public final class TinyLlm {
  /** Vocabulary merges of the built-in tokenizer. */
  public static final int MERGES = 200;

  private TinyLlm() {}

  /** Writes the model to {@code dir/tiny.gguf}: {@code blocks} layers, {@code width} wide, {@code context} tokens. */
  public static Path write(Path dir, int blocks, int width, int context) {
    try {
      Path file = dir.resolve("tiny.gguf");
      TinyModelSpec spec = TinyModelSpec.of("llama").withDimensions(blocks, width, 4, 2, width * 2, context);
      TinyModelWriter.write(spec, TinyVocabulary.byteLevelBpe(MERGES), file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path write(Path dir) {
    return write(dir, 2, 64, 512);
  }

  /** The id of the end-of-generation token ({@code <|eot_id|>}) of the built-in vocabulary. */
  public static int endOfTurn(Path model) {
    try (GgufFile f = GgufFile.open(model)) {
      return ModelLoader.load(f).tokenizer().specialTokens().eot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prompt tokens of a one-user-message chat, counted independently of the server. */
  public static int chatPromptTokens(Path model, String user) {
    try (GgufFile f = GgufFile.open(model)) {
      Model m = ModelLoader.load(f);
      String rendered = ChatTemplate.compile(f.metadata().getString("tokenizer.chat_template").orElseThrow())
          .render(new ChatTemplateInput(List.of(ChatMessage.user(user)), null, true,
              m.tokenizer().vocabulary().text(m.tokenizer().specialTokens().bos()), null, null));
      return m.tokenizer().encode(rendered, false, true).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server config offering the model as {@code tiny} (alias gpt-4o-mini) with scheduler options. */
  public static HearthConfig config(Path dataDir, Path model, int maxConcurrent, int maxQueue) {
    try {
      Path yaml = dataDir.resolve("tiny-models.yaml");
      Files.createDirectories(dataDir);
      Files.writeString(yaml, """
          models:
            - id: qwen2.5-0.5b-instruct
              enabled: false
            - id: tiny
              engine: gguf
              source: "%s"
              aliases: [gpt-4o-mini]
              options:
                max_concurrent_sequences: %d
                max_queue: %d
          """.formatted(model.toString().replace("\\", "\\\\"), maxConcurrent, maxQueue));
      return ConfigLoader.defaults().file(yaml).set("data_dir", dataDir.toString()).set("server.port", "0").load();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
