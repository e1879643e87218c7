package dev.hearth.engine.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OpenAI-style function tool, rendered as
 * {@code {"type": "function", "function": {"name", "description", "parameters"}}} (the shape
 * Hugging Face templates read). {@code parameters} is a JSON-schema tree (insertion-ordered maps).
 */
public record ToolDefinition(String name, String description, Map<String, ?> parameters) implements TemplateValue {

  @Override
  public Object toTemplateValue() {
    Map<String, Object> fn = new LinkedHashMap<>();
    fn.put("name", name);
    if (description != null) fn.put("description", description);
    if (parameters != null) fn.put("parameters", parameters);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "function");
    m.put("function", fn);
    return m;
  }
}
