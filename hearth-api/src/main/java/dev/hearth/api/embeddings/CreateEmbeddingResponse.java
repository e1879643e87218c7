package dev.hearth.api.embeddings;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The spec's {@code CreateEmbeddingResponse}: {@code object} is always {@code list}. */
public record CreateEmbeddingResponse(String object, List<Embedding> data, String model, Usage usage) {

  public static CreateEmbeddingResponse of(List<Embedding> data, String model, int promptTokens) {
    return new CreateEmbeddingResponse("list", data, model, new Usage(promptTokens, promptTokens));
  }

  /** Tokens the inputs used; embeddings have no completion, so both counts are the same. */
  public record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("total_tokens") int totalTokens) {}
}
