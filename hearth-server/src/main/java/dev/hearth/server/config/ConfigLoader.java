package dev.hearth.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds a {@link HearthConfig} from layers, later ones winning: the defaults bundled in the jar,
 * a YAML file ({@code --config} or {@code HEARTH_CONFIG}), environment variables
 * ({@code HEARTH_SERVER__PORT=9000} sets {@code server.port}: a double underscore separates levels)
 * and {@code --set key=value} overrides. Every problem becomes a {@link ConfigException} naming
 * the key, so a bad config fails with one clear line.
 *
 * <p>Objects merge key by key; the {@code models} list merges by {@code id}, so a user file can
 * change or add models without repeating the defaults ({@code enabled: false} removes one).
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "/hearth-defaults.yaml";
  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  private final ObjectNode tree;

  private ConfigLoader(ObjectNode tree) {
    this.tree = tree;
  }

  /** Starts from the bundled defaults. */
  public static ConfigLoader defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULTS + " on the classpath");
      }
      return new ConfigLoader((ObjectNode) YAML.readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled defaults", e);
    }
  }

  /** Layers a YAML file over the current tree. */
  public ConfigLoader file(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("--config", "no such file: " + file);
    }
    JsonNode node;
    try {
      node = YAML.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new ConfigException(file.toString(), "not valid YAML: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return this;
    }
    if (!node.isObject()) {
      throw new ConfigException(file.toString(), "the top level must be a mapping");
    }
    merge(tree, (ObjectNode) node, "");
    return this;
  }

  /**
   * Layers {@code HEARTH_*} environment variables; {@code HEARTH_HOME} sets {@code data_dir}. Only
   * variables whose first level is a configuration section are read ({@code HEARTH_SERVER__PROT}
   * is reported as an unknown key), so unrelated {@code HEARTH_*} variables are left alone.
   */
  public ConfigLoader environment(Map<String, String> env) {
    for (var entry : env.entrySet()) {
      String name = entry.getKey();
      if (name.equals("HEARTH_HOME")) {
        set("data_dir", entry.getValue());
      } else if (name.startsWith("HEARTH_")) {
        String key = name.substring("HEARTH_".length()).toLowerCase(Locale.ROOT).replace("__", ".");
        if (tree.has(key.split("\\.")[0])) { // a section the defaults declare
          set(key, entry.getValue());
        }
      }
    }
    return this;
  }

  /** Sets one dotted key, as {@code --set server.port=9000} does. */
  public ConfigLoader set(String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    node.put(parts[parts.length - 1], value);
    return this;
  }

  /** Parses {@code key=value} as given to {@code --set}. */
  public ConfigLoader setAssignment(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException("--set", "expected key=value, got '" + assignment + "'");
    }
    return set(assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
  }

  public HearthConfig load() {
    return bind(tree);
  }

  private static void merge(ObjectNode target, ObjectNode overlay, String path) {
    for (var entry : overlay.properties()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      JsonNode existing = target.get(key);
      if (path.isEmpty() && key.equals("models") && existing instanceof ArrayNode base && value instanceof ArrayNode add) {
        target.set(key, mergeModels(base, add));
      } else if (existing instanceof ObjectNode e && value instanceof ObjectNode v) {
        merge(e, v, path + key + ".");
      } else {
        target.set(key, value);
      }
    }
  }

  private static ArrayNode mergeModels(ArrayNode base, ArrayNode overlay) {
    Map<String, ObjectNode> byId = new LinkedHashMap<>();
    List<JsonNode> anonymous = new ArrayList<>();
    for (JsonNode list : List.of(base, overlay)) {
      for (JsonNode model : list) {
        JsonNode id = model.get("id");
        if (model instanceof ObjectNode obj && id != null && id.isString()) {
          ObjectNode existing = byId.get(id.asString());
          if (existing != null) {
            merge(existing, obj, "models.");
          } else {
            byId.put(id.asString(), obj.deepCopy());
          }
        } else {
          anonymous.add(model); // reported by the binder with its index
        }
      }
    }
    ArrayNode merged = JsonNodeFactory.instance.arrayNode();
    byId.values().forEach(merged::add);
    anonymous.forEach(merged::add);
    return merged;
  }

  // ---- binding -------------------------------------------------------------------------------

  private static HearthConfig bind(ObjectNode root) {
    Section top = new Section(root, "");
    Path dataDir = expandHome(top.string("data_dir", "~/.hearth"));
    String cache = top.string("model_cache_dir", "");
    Path modelCacheDir = cache.isBlank() ? dataDir.resolve("models") : expandHome(cache);

    Section server = top.section("server");
    ServerConfig serverConfig =
        new ServerConfig(
            server.string("host", "127.0.0.1"),
            server.integer("port", 8080, 0, 65535),
            server.longValue("max_request_bytes", 32L << 20, 1024, Long.MAX_VALUE),
            server.bool("reject_unknown_fields", true),
            Duration.ofSeconds(server.integer("shutdown_grace_seconds", 10, 0, 3600)),
            Duration.ofMillis(server.integer("key_cache_millis", 1000, 0, 3_600_000)));
    server.rejectUnknown();

    Section db = top.section("database");
    String url = db.string("url", "");
    if (url.isBlank()) {
      url = "jdbc:sqlite:" + dataDir.resolve("hearth.db");
    } else if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("database.url", "expected a jdbc:sqlite: or jdbc:postgresql: URL, got '" + url + "'");
    }
    DatabaseConfig database = new DatabaseConfig(url, db.string("user", ""), db.string("password", ""));
    db.rejectUnknown();

    Section files = top.section("files");
    FilesConfig d = FilesConfig.DEFAULTS;
    FilesConfig filesConfig =
        new FilesConfig(
            files.longValue("max_file_bytes", d.maxFileBytes(), 1, Long.MAX_VALUE),
            files.longValue("max_project_bytes", d.maxProjectBytes(), 1, Long.MAX_VALUE),
            files.longValue("max_upload_bytes", d.maxUploadBytes(), 1, Long.MAX_VALUE),
            Duration.ofSeconds(files.longValue("sweep_interval_seconds", d.sweepInterval().toSeconds(), 1, 86_400)),
            files.integer("sweep_batch", d.sweepBatch(), 1, 100_000));
    files.rejectUnknown();

    Section batches = top.section("batches");
    BatchesConfig batchesConfig = new BatchesConfig(Duration.ofSeconds(
        batches.longValue("lease_seconds", BatchesConfig.DEFAULTS.lease().toSeconds(), 1, 86_400)),
        (int) batches.longValue("concurrency", BatchesConfig.DEFAULTS.concurrency(), 1, 256));
    batches.rejectUnknown();

    List<ModelConfig> models = bindModels(root.get("models"));
    top.consumed("models");
    top.rejectUnknown();
    return new HearthConfig(serverConfig, dataDir, modelCacheDir, database, models, filesConfig, batchesConfig);
  }

  private static List<ModelConfig> bindModels(JsonNode node) {
    List<ModelConfig> models = new ArrayList<>();
    if (node == null || node.isNull()) {
      return models;
    }
    if (!node.isArray()) {
      throw new ConfigException("models", "expected a list of models");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String key = "models[" + i + "]";
      if (!node.get(i).isObject()) {
        throw new ConfigException(key, "expected a mapping with id, engine, source, aliases");
      }
      Section m = new Section((ObjectNode) node.get(i), key + ".");
      String id = m.requiredString("id");
      key = "models[" + id + "]";
      m = new Section((ObjectNode) node.get(i), key + ".");
      m.consumed("id");
      if (!m.bool("enabled", true)) {
        m.consumed("engine", "source", "aliases", "options", "owned_by");
        continue;
      }
      EngineKind engine = EngineKind.parse(key + ".engine", m.requiredString("engine"));
      String source = m.string("source", "");
      List<String> aliases = m.stringList("aliases");
      Map<String, Object> options = m.map("options");
      String ownedBy = m.string("owned_by", "hearth");
      m.rejectUnknown();
      for (String name : concat(id, aliases)) {
        if (!names.add(name)) {
          throw new ConfigException(key, "the name '" + name + "' is already used by another model or alias");
        }
      }
      models.add(new ModelConfig(id, engine, source, aliases, options, ownedBy));
    }
    return models;
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  private static Path expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + path.substring(1)).toAbsolutePath().normalize();
    }
    return Path.of(path).toAbsolutePath().normalize();
  }

  /** A mapping being bound; remembers which keys were read so that typos are reported. */
  private static final class Section {
    private final ObjectNode node;
    private final String prefix;
    private final Set<String> read = new HashSet<>();

    Section(ObjectNode node, String prefix) {
      this.node = node;
      this.prefix = prefix;
    }

    Section section(String name) {
      read.add(name);
      JsonNode child = node.get(name);
      if (child == null || child.isNull()) {
        return new Section(JsonNodeFactory.instance.objectNode(), prefix + name + ".");
      }
      if (!child.isObject()) {
        throw new ConfigException(prefix + name, "expected a mapping");
      }
      return new Section((ObjectNode) child, prefix + name + ".");
    }

    void consumed(String... names) {
      read.addAll(List.of(names));
    }

    String string(String name, String fallback) {
      read.add(name);
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.isValueNode()) {
        throw new ConfigException(prefix + name, "expected a string");
      }
      return v.asString();
    }

    String requiredString(String name) {
      String v = string(name, "");
      if (v.isBlank()) {
        throw new ConfigException(prefix + name, "is required");
      }
      return v;
    }

    long longValue(String name, long fallback, long min, long max) {
      read.add(name);
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      long value;
      if (v.isIntegralNumber()) {
        value = v.asLong();
      } else if (v.isString()) {
        try {
          value = Long.parseLong(v.asString().trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(prefix + name, "expected an integer, got '" + v.asString() + "'");
        }
      } else {
        throw new ConfigException(prefix + name, "expected an integer, got " + v);
      }
      if (value < min || value > max) {
        throw new ConfigException(prefix + name, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    int integer(String name, int fallback, int min, int max) {
      return (int) longValue(name, fallback, min, max);
    }

    boolean bool(String name, boolean fallback) {
      read.add(name);
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (v.isBoolean()) {
        return v.asBoolean();
      }
      String s = v.asString().trim().toLowerCase(Locale.ROOT);
      return switch (s) {
        case "true", "yes", "on", "1" -> true;
        case "false", "no", "off", "0" -> false;
        default -> throw new ConfigException(prefix + name, "expected true or false, got '" + v.asString() + "'");
      };
    }

    List<String> stringList(String name) {
      read.add(name);
      JsonNode v = node.get(name);
      List<String> out = new ArrayList<>();
      if (v == null || v.isNull()) {
        return out;
      }
      if (v.isString()) { // "a, b" from an environment variable or --set
        for (String s : v.asString().split(",")) {
          if (!s.isBlank()) {
            out.add(s.trim());
          }
        }
        return out;
      }
      if (!v.isArray()) {
        throw new ConfigException(prefix + name, "expected a list of strings");
      }
      for (JsonNode item : v) {
        if (!item.isString() || item.asString().isBlank()) {
          throw new ConfigException(prefix + name, "expected a list of non-empty strings, got " + item);
        }
        out.add(item.asString());
      }
      return out;
    }

    Map<String, Object> map(String name) {
      read.add(name);
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return Map.of();
      }
      if (!v.isObject()) {
        throw new ConfigException(prefix + name, "expected a mapping");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (var e : v.properties()) {
        out.put(e.getKey(), YAML.convertValue(e.getValue(), Object.class));
      }
      return out;
    }

    void rejectUnknown() {
      Iterator<String> names = node.propertyNames().iterator();
      while (names.hasNext()) {
        String name = names.next();
        if (!read.contains(name)) {
          throw new ConfigException(prefix + name, "unknown key");
        }
      }
    }
  }
}
