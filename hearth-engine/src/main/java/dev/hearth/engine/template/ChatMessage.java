package dev.hearth.engine.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat message as the template sees it: a dict with {@code role}, {@code content} (a string, or a
 * list of {@link ContentPart} when {@code parts} is set), and, only when non-null, {@code name},
 * {@code tool_calls}, {@code tool_call_id}, {@code reasoning_content} and any {@code extra} keys (e.g.
 * {@code thinking} for gpt-oss). Absent keys are undefined in the template, as with HF's dicts.
 * A null {@code content} with no parts is passed as {@code None} (OpenAI's assistant tool-call turns).
 */
public record ChatMessage(
    String role,
    String content,
    List<ContentPart> parts,
    String name,
    List<ToolCall> toolCalls,
    String toolCallId,
    String reasoningContent,
    Map<String, Object> extra) implements TemplateValue {

  public ChatMessage {
    extra = extra == null ? Map.of() : extra;
  }

  public static ChatMessage of(String role, String content) {
    return new ChatMessage(role, content, null, null, null, null, null, null);
  }

  public static ChatMessage system(String content) {
    return of("system", content);
  }

  public static ChatMessage developer(String content) {
    return of("developer", content);
  }

  public static ChatMessage user(String content) {
    return of("user", content);
  }

  public static ChatMessage user(List<ContentPart> parts) {
    return new ChatMessage("user", null, parts, null, null, null, null, null);
  }

  public static ChatMessage assistant(String content) {
    return of("assistant", content);
  }

  public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
    return new ChatMessage("assistant", content, null, null, toolCalls, null, null, null);
  }

  public static ChatMessage tool(String toolCallId, String content) {
    return new ChatMessage("tool", content, null, null, null, toolCallId, null, null);
  }

  public ChatMessage withName(String n) {
    return new ChatMessage(role, content, parts, n, toolCalls, toolCallId, reasoningContent, extra);
  }

  public ChatMessage withReasoning(String reasoning) {
    return new ChatMessage(role, content, parts, name, toolCalls, toolCallId, reasoning, extra);
  }

  public ChatMessage with(String key, Object value) {
    Map<String, Object> e = new LinkedHashMap<>(extra);
    e.put(key, value);
    return new ChatMessage(role, content, parts, name, toolCalls, toolCallId, reasoningContent, e);
  }

  @Override
  public Object toTemplateValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", parts != null ? parts : content);
    if (name != null) m.put("name", name);
    if (toolCalls != null) m.put("tool_calls", toolCalls);
    if (toolCallId != null) m.put("tool_call_id", toolCallId);
    if (reasoningContent != null) m.put("reasoning_content", reasoningContent);
    m.putAll(extra);
    return m;
  }
}
