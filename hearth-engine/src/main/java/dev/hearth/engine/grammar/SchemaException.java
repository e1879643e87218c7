package dev.hearth.engine.grammar;

/** A JSON Schema that cannot be turned into a grammar; names the keyword and where it is. */
public final class SchemaException extends RuntimeException {
  private final String keyword;
  private final String path;

  public SchemaException(String keyword, String path, String message) {
    super(message + " (keyword '" + keyword + "' at " + path + ")");
    this.keyword = keyword;
    this.path = path;
  }

  public String keyword() {
    return keyword;
  }

  /** A JSON pointer into the schema, e.g. {@code #/properties/zip}. */
  public String path() {
    return path;
  }
}
