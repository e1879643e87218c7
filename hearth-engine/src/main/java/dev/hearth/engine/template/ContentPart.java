package dev.hearth.engine.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One part of a multi-part message content, rendered as {@code {"type": type, "text": text, ...extra}}
 * (e.g. {@code {"type": "text", "text": "hi"}} or {@code {"type": "image"}}).
 */
public record ContentPart(String type, String text, Map<String, Object> extra) implements TemplateValue {

  public ContentPart {
    extra = extra == null ? Map.of() : extra;
  }

  public static ContentPart text(String text) {
    return new ContentPart("text", text, null);
  }

  public static ContentPart image() {
    return new ContentPart("image", null, null);
  }

  @Override
  public Object toTemplateValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    if (text != null) m.put("text", text);
    m.putAll(extra);
    return m;
  }
}
