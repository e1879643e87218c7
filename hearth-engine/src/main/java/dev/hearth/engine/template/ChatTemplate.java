package dev.hearth.engine.template;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled chat template ({@code tokenizer.chat_template}), rendered as Hugging Face transformers'
 * {@code apply_chat_template} does. Compiled templates are immutable and thread-safe.
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.compile(jinjaSource);
 * String prompt = t.render(ChatTemplateInput.builder()
 *     .messages(ChatMessage.system("Be brief."), ChatMessage.user("Hi"))
 *     .addGenerationPrompt(true).bosToken("<s>").build());
 * }</pre>
 */
public final class ChatTemplate {

  private final Lexer.Lexed lexed;
  private final List<Node> body;
  private final Clock clock;

  private ChatTemplate(Lexer.Lexed lexed, List<Node> body, Clock clock) {
    this.lexed = lexed;
    this.body = body;
    this.clock = clock;
  }

  /**
   * Parses a template.
   *
   * @throws TemplateException on a syntax error, with its line and column
   */
  public static ChatTemplate compile(String source) {
    Objects.requireNonNull(source, "source");
    Lexer.Lexed lexed = Lexer.lex(source);
    return new ChatTemplate(lexed, Parser.parse(lexed), Clock.systemDefaultZone());
  }

  /** The same template with {@code strftime_now} reading this clock (for reproducible prompts and tests). */
  public ChatTemplate withClock(Clock c) {
    return new ChatTemplate(lexed, body, Objects.requireNonNull(c));
  }

  /**
   * Renders the prompt.
   *
   * @throws TemplateException when rendering fails; {@link TemplateException.Raised} when the template
   *     called {@code raise_exception}
   */
  public String render(ChatTemplateInput input) {
    return render(input.context());
  }

  /** Renders with an arbitrary context (values: Java maps, lists, strings, numbers, booleans, null, records implementing {@link TemplateValue}). */
  public String render(Map<String, ?> context) {
    @SuppressWarnings("unchecked")
    Map<String, Object> ctx = (Map<String, Object>) context;
    return new Interpreter(lexed, new Builtins(clock)).render(body, ctx);
  }
}
