package dev.hearth.server.embeddings;

import java.util.List;

/**
 * A text embedding model: it tokenizes, and turns token sequences into unit-length vectors. The
 * ONNX implementation runs any sentence-transformers export (model.onnx, tokenizer.json and a
 * pooling config); other engines (an upstream server, a GGUF encoder) fit the same shape.
 * Implementations are thread-safe and batch concurrent callers themselves.
 */
public interface EmbeddingEngine extends AutoCloseable {

  /** The length of the vectors {@link #embed} returns. */
  int dimensions();

  /** The most tokens one input may have, special tokens included. */
  int maxTokens();

  /** The model's tokens for {@code text}, with the special tokens the model expects around it. */
  TokenizedInput tokenize(String text);

  /** The number of token ids the tokenizer knows; valid ids are {@code 0 .. vocabularySize()-1}. */
  int vocabularySize();

  /** Turns token ids of this model's vocabulary back into text (special tokens dropped). */
  String decode(long[] ids);

  /** One L2-normalised vector per input, in order. Blocks until they are computed. */
  float[][] embed(List<TokenizedInput> inputs);

  @Override
  void close();
}
