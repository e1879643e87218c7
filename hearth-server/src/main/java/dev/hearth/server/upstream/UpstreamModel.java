package dev.hearth.server.upstream;

import dev.hearth.server.config.ConfigException;
import dev.hearth.server.config.EngineKind;
import dev.hearth.server.config.ModelConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A model served by another OpenAI-compatible server ({@code engine: upstream}): vLLM, Ollama,
 * llama.cpp's server or OpenAI itself. Built from the model's {@code options}, each checked with a
 * one-line error naming its key:
 *
 * <pre>{@code
 * - id: llama-3.1-8b
 *   engine: upstream
 *   owned_by: vllm
 *   options:
 *     base_url: http://gpu-1:8000/v1      # the server's OpenAI base URL (required)
 *     api_key_env: VLLM_API_KEY           # the key, read from this environment variable (or api_key: literal)
 *     upstream_model: meta-llama/Llama-3.1-8B-Instruct   # its name there (default: the id)
 *     connect_timeout_seconds: 10
 *     timeout_seconds: 600                # until the response starts; for streams also the longest gap
 *     stream_usage: true                  # ask for stream_options.include_usage (false for servers that reject it)
 * }</pre>
 *
 * The key is never part of {@link #toString()}, logs or error messages.
 */
public final class UpstreamModel {
  static final Set<String> OPTIONS = Set.of(
      "base_url", "api_key_env", "api_key", "upstream_model", "connect_timeout_seconds", "timeout_seconds", "stream_usage");

  private final String id;
  private final URI baseUrl;
  private final String apiKey;
  private final String upstreamName;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final boolean streamUsage;

  UpstreamModel(String id, URI baseUrl, String apiKey, String upstreamName, Duration connectTimeout, Duration timeout,
      boolean streamUsage) {
    this.id = id;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.upstreamName = upstreamName;
    this.connectTimeout = connectTimeout;
    this.timeout = timeout;
    this.streamUsage = streamUsage;
  }

  /** Binds and checks an {@code engine: upstream} model; {@code env} resolves {@code api_key_env}. */
  public static UpstreamModel of(ModelConfig config, Function<String, String> env) {
    if (config.engine() != EngineKind.UPSTREAM) {
      throw new IllegalArgumentException(config.id() + " is not an upstream model");
    }
    String key = "models[" + config.id() + "]";
    if (!config.source().isBlank()) {
      throw new ConfigException(key + ".source", "not used by engine upstream; set options.base_url instead");
    }
    Map<String, Object> options = config.options();
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(OPTIONS);
    if (!unknown.isEmpty()) {
      throw new ConfigException(key + ".options." + unknown.iterator().next(),
          "unknown option for engine upstream (known: " + String.join(", ", new TreeSet<>(OPTIONS)) + ")");
    }
    URI baseUrl = baseUrl(key + ".options.base_url", options.get("base_url"));
    String keyEnv = string(key + ".options.api_key_env", options.get("api_key_env"));
    String literal = string(key + ".options.api_key", options.get("api_key"));
    String apiKey = null;
    if (keyEnv != null && literal != null) {
      throw new ConfigException(key + ".options.api_key", "set either api_key_env (preferred) or api_key, not both");
    }
    if (keyEnv != null) {
      apiKey = env.apply(keyEnv);
      if (apiKey == null || apiKey.isBlank()) {
        throw new ConfigException(key + ".options.api_key_env", "the environment variable " + keyEnv + " is not set");
      }
      apiKey = apiKey.strip();
    } else if (literal != null) {
      apiKey = literal;
    }
    String upstreamName = string(key + ".options.upstream_model", options.get("upstream_model"));
    Duration connect = seconds(key + ".options.connect_timeout_seconds", options.get("connect_timeout_seconds"), 10, 3600);
    Duration timeout = seconds(key + ".options.timeout_seconds", options.get("timeout_seconds"), 600, 86_400);
    Object usage = options.getOrDefault("stream_usage", true);
    if (!(usage instanceof Boolean streamUsage)) {
      throw new ConfigException(key + ".options.stream_usage", "expected true or false, got '" + usage + "'");
    }
    return new UpstreamModel(config.id(), baseUrl, apiKey, upstreamName == null ? config.id() : upstreamName,
        connect, timeout, streamUsage);
  }

  private static URI baseUrl(String key, Object value) {
    String s = string(key, value);
    if (s == null) {
      throw new ConfigException(key, "required for engine upstream: the server's OpenAI base URL, e.g. http://localhost:8000/v1");
    }
    URI uri;
    try {
      uri = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "not a URL: '" + s + "'");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException(key, "expected an http:// or https:// URL with a host, got '" + s + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigException(key, "must not hold credentials; put the key in api_key_env");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(key, "expected a base URL without query or fragment, got '" + s + "'");
    }
    return uri;
  }

  private static String string(String key, Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new ConfigException(key, "expected a string, got " + value);
    }
    return s.isBlank() ? null : s.strip();
  }

  private static Duration seconds(String key, Object value, long fallback, long max) {
    if (value == null) {
      return Duration.ofSeconds(fallback);
    }
    long v;
    if (value instanceof Integer || value instanceof Long) {
      v = ((Number) value).longValue();
    } else {
      try {
        v = Long.parseLong(value.toString().strip());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "expected a whole number of seconds, got '" + value + "'");
      }
    }
    if (v < 1 || v > max) {
      throw new ConfigException(key, "must be between 1 and " + max + ", got " + v);
    }
    return Duration.ofSeconds(v);
  }

  /** Hearth's id of the model (what responses echo). */
  public String id() {
    return id;
  }

  /** The base URL requests go to, without a trailing slash ({@code http://host:8000/v1}). */
  public URI baseUrl() {
    return baseUrl;
  }

  /** The model's name on the upstream server. */
  public String upstreamName() {
    return upstreamName;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Whether streams ask the upstream for {@code stream_options.include_usage}. */
  public boolean streamUsage() {
    return streamUsage;
  }

  /** The upstream key, for the Authorization header only; null when the upstream needs none. */
  String apiKey() {
    return apiKey;
  }

  /** {@code text} with every occurrence of the key masked, for anything that may reach a client or a log. */
  String scrub(String text) {
    if (text == null || apiKey == null || apiKey.length() < 4) {
      return text;
    }
    return text.replace(apiKey, "***");
  }

  URI endpoint(String path) {
    return URI.create(baseUrl + path);
  }

  @Override
  public String toString() {
    return "UpstreamModel[" + id + " -> " + upstreamName + " at " + baseUrl + (apiKey == null ? "" : ", key ***") + "]";
  }
}
