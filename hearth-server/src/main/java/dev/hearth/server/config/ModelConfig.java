package dev.hearth.server.config;

import java.util.List;
import java.util.Map;

/**
 * One model the server offers: its id, the engine that runs it, where its files come from (a
 * local path, an {@code hf://} reference, a URL or a {@code classpath:} resource), engine options,
 * and the OpenAI names that resolve to it.
 */
public record ModelConfig(
    String id,
    EngineKind engine,
    String source,
    List<String> aliases,
    Map<String, Object> options,
    String ownedBy) {

  public ModelConfig {
    aliases = List.copyOf(aliases);
    options = Map.copyOf(options);
  }
}
