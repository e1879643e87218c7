package dev.hearth.engine.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tool call made by the assistant, rendered the way Hugging Face expects it:
 * {@code {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}}.
 * {@code arguments} is a {@code Map} (what templates expect: they apply {@code tojson} themselves) or a
 * JSON string; {@link #ofJson} parses OpenAI-style argument strings into a map.
 */
public record ToolCall(String id, String name, Object arguments) implements TemplateValue {

  public static ToolCall of(String id, String name, Map<String, ?> arguments) {
    return new ToolCall(id, name, arguments);
  }

  /** Arguments as JSON text (OpenAI wire format); parsed to a map when it is a JSON object, kept as text otherwise. */
  public static ToolCall ofJson(String id, String name, String argumentsJson) {
    Object args = argumentsJson;
    try {
      Object parsed = Json.parse(argumentsJson);
      if (parsed instanceof Map<?, ?>) args = parsed;
    } catch (IllegalArgumentException e) {
      // not JSON: the template gets the text as is
    }
    return new ToolCall(id, name, args);
  }

  @Override
  public Object toTemplateValue() {
    Map<String, Object> fn = new LinkedHashMap<>();
    fn.put("name", name);
    fn.put("arguments", arguments == null ? Map.of() : arguments);
    Map<String, Object> m = new LinkedHashMap<>();
    if (id != null) m.put("id", id);
    m.put("type", "function");
    m.put("function", fn);
    return m;
  }
}
