package dev.hearth.server.config;

/** A configuration problem, reported as one line that names the offending key. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super("config: " + key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
