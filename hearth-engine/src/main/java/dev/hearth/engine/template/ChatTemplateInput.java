package dev.hearth.engine.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code apply_chat_template} passes to the template: {@code messages}, {@code tools} (None when
 * null), {@code add_generation_prompt}, the special tokens {@code bos_token}/{@code eos_token} (undefined
 * when null, as for tokenizers without them) and extra keyword arguments ({@code enable_thinking},
 * {@code reasoning_effort}, {@code builtin_tools}, {@code date_string}, ...).
 *
 * <p>{@code messages} and {@code tools} hold {@link ChatMessage}/{@link ToolDefinition} records or plain
 * {@code Map}/{@code List} trees (any {@link TemplateValue}).
 */
public record ChatTemplateInput(
    List<?> messages,
    List<?> tools,
    boolean addGenerationPrompt,
    String bosToken,
    String eosToken,
    Map<String, Object> kwargs) {

  public ChatTemplateInput {
    messages = messages == null ? List.of() : messages;
    kwargs = kwargs == null ? Map.of() : kwargs;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The template context, in the order HF builds it. */
  Map<String, Object> context() {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("messages", messages);
    ctx.put("tools", tools);
    ctx.put("documents", null);
    ctx.put("add_generation_prompt", addGenerationPrompt);
    if (bosToken != null) ctx.put("bos_token", bosToken);
    if (eosToken != null) ctx.put("eos_token", eosToken);
    ctx.putAll(kwargs);
    return ctx;
  }

  public static final class Builder {
    private List<?> messages = List.of();
    private List<?> tools;
    private boolean addGenerationPrompt;
    private String bosToken;
    private String eosToken;
    private final Map<String, Object> kwargs = new LinkedHashMap<>();

    public Builder messages(List<?> m) {
      this.messages = m;
      return this;
    }

    public Builder messages(ChatMessage... m) {
      this.messages = List.of(m);
      return this;
    }

    public Builder tools(List<?> t) {
      this.tools = t;
      return this;
    }

    public Builder addGenerationPrompt(boolean b) {
      this.addGenerationPrompt = b;
      return this;
    }

    public Builder bosToken(String t) {
      this.bosToken = t;
      return this;
    }

    public Builder eosToken(String t) {
      this.eosToken = t;
      return this;
    }

    /** An extra template keyword argument; a null value is passed as None. */
    public Builder kwarg(String name, Object value) {
      this.kwargs.put(name, value);
      return this;
    }

    public ChatTemplateInput build() {
      return new ChatTemplateInput(messages, tools, addGenerationPrompt, bosToken, eosToken, new LinkedHashMap<>(kwargs));
    }
  }
}
