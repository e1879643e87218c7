package dev.hearth.api.embeddings;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The spec's {@code CreateEmbeddingRequest}. {@code input} is one of four shapes (a string, an
 * array of strings, an array of token ids, an array of token-id arrays), so it arrives as plain
 * JSON values ({@code String}, {@code List}, {@code Number}) and the service tells them apart.
 */
public record CreateEmbeddingRequest(
    Object input,
    String model,
    @JsonProperty("encoding_format") String encodingFormat,
    Integer dimensions,
    String user) {}
