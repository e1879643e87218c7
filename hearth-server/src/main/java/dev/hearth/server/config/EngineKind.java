package dev.hearth.server.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The engines a model in the config can name. Each capability (chat, embeddings, moderation,
 * speech, transcription) binds the engines it understands; the registry only checks the name.
 */
public enum EngineKind {
  /** GGUF language model on Hearth's own Java engine. */
  GGUF("gguf"),
  /** Sentence-transformers model on ONNX Runtime. */
  ONNX_EMBEDDING("onnx-embedding"),
  /** Moderation classifier over an embedding model. */
  EMBEDDING_CLASSIFIER("embedding-classifier"),
  /** Moderation by a guard chat model (Llama Guard format). */
  GUARD("guard"),
  /** Speech synthesis with Flite. */
  FLITE("flite"),
  /** Speech synthesis with espeak-ng. */
  ESPEAK_NG("espeak-ng"),
  /** Transcription with CMU Sphinx. */
  SPHINX("sphinx"),
  /** Whisper (GGUF/ggml weights). */
  WHISPER("whisper"),
  /** Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI). */
  UPSTREAM("upstream");

  private final String configName;

  EngineKind(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static EngineKind parse(String key, String value) {
    for (EngineKind kind : values()) {
      if (kind.configName.equals(value)) {
        return kind;
      }
    }
    throw new ConfigException(
        key,
        "unknown engine '" + value + "' (known: "
            + Arrays.stream(values()).map(EngineKind::configName).collect(Collectors.joining(", "))
            + ")");
  }
}
