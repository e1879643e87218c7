package dev.hearth.server.models;

import dev.hearth.api.models.Model;
import dev.hearth.server.config.ModelConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured models and their aliases. Every endpoint that takes {@code model} resolves it
 * here, so {@code gpt-4o-mini} and the local id it points to behave the same everywhere.
 */
public final class ModelRegistry {
  private final Map<String, ModelConfig> byName = new LinkedHashMap<>();
  private final List<ModelConfig> models;
  private final long created;

  public ModelRegistry(List<ModelConfig> models, Instant loadedAt) {
    this.models = List.copyOf(models);
    this.created = loadedAt.getEpochSecond();
    for (ModelConfig model : models) {
      byName.put(model.id(), model);
      model.aliases().forEach(alias -> byName.put(alias, model));
    }
  }

  /** The model a name (id or alias) refers to. */
  public Optional<ModelConfig> resolve(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<ModelConfig> models() {
    return models;
  }

  /**
   * Whether a project whose allow-list is {@code allowed} (empty: everything) may use
   * {@code name}. Listing a model's id allows its aliases, and listing an alias allows that name.
   */
  public boolean allowed(String name, Collection<String> allowed) {
    if (allowed.isEmpty()) {
      return true;
    }
    ModelConfig model = byName.get(name);
    return model != null && (allowed.contains(name) || allowed.contains(model.id()));
  }

  /** One {@code Model} object per name a client can use: each id, then its aliases. */
  public List<Model> list(Collection<String> allowed) {
    List<Model> out = new ArrayList<>();
    for (ModelConfig model : models) {
      for (String name : names(model)) {
        if (allowed(name, allowed)) {
          out.add(Model.of(name, created, model.ownedBy()));
        }
      }
    }
    return out;
  }

  public Optional<Model> describe(String name, Collection<String> allowed) {
    return resolve(name).filter(m -> allowed(name, allowed)).map(m -> Model.of(name, created, m.ownedBy()));
  }

  private static List<String> names(ModelConfig model) {
    List<String> names = new ArrayList<>(model.aliases().size() + 1);
    names.add(model.id());
    names.addAll(model.aliases());
    return names;
  }
}
