package dev.hearth.server.chat.tools;

import dev.hearth.api.chat.ChatCompletionChunk.ToolCallDelta;
import dev.hearth.api.chat.ChatCompletionMessage;
import dev.hearth.store.Ids;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one choice's output into content and tool calls while it arrives, in a model's
 * {@link ToolSyntax}. Text that may be the start of a call is held back, call markup never reaches
 * the content, and each call becomes deltas the SDKs assemble: index, id, type and name first, then
 * fragments of its arguments as the model writes them. The whole answer is read by the same code
 * (feed it all, then {@link #finish}), so streamed and whole results agree.
 */
public final class ToolOutputReader {
  private final ToolSyntax syntax;
  private final java.util.Set<String> functions;
  private final boolean callsOnly;
  private final StringBuilder text = new StringBuilder();
  private final List<String> ids = new ArrayList<>();
  private final List<String> sentArguments = new ArrayList<>();
  private String content = "";
  private List<ToolSyntax.Call> calls = List.of();

  /** @param functions the declared function names: a "call" of any other is not one (it stays content) */
  public ToolOutputReader(ToolSyntax syntax, java.util.Set<String> functions) {
    this(syntax, functions, false);
  }

  /**
   * @param callsOnly the output is constrained to calls ({@code required}, a named function): there
   *     is no content, even when a cut-off leaves only the start of a call's markup
   */
  public ToolOutputReader(ToolSyntax syntax, java.util.Set<String> functions, boolean callsOnly) {
    this.syntax = syntax;
    this.functions = java.util.Set.copyOf(functions);
    this.callsOnly = callsOnly;
  }

  /** What a piece of output adds: content to show and tool-call deltas (both possibly empty). */
  public record Update(String content, List<ToolCallDelta> toolCalls) {
    public boolean isEmpty() {
      return content.isEmpty() && toolCalls.isEmpty();
    }
  }

  /** Takes the next piece of output text. */
  public Update accept(String piece) {
    text.append(piece);
    return read(false);
  }

  /** The end of the output: what was held back is settled. */
  public Update finish() {
    return read(true);
  }

  /** Whether the output held at least one call (so far). */
  public boolean hasCalls() {
    return !calls.isEmpty();
  }

  /** The content read so far (as streamed), or null when there are calls and it is only whitespace. */
  public String content() {
    return !calls.isEmpty() && content.isBlank() ? null : content;
  }

  /** The calls read so far, with their ids. */
  public List<ChatCompletionMessage.ToolCall> toolCalls() {
    List<ChatCompletionMessage.ToolCall> out = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      ToolSyntax.Call c = calls.get(i);
      out.add(new ChatCompletionMessage.ToolCall(id(i), "function", new ChatCompletionMessage.Function(c.name(), c.arguments())));
    }
    return out;
  }

  private String id(int i) {
    while (ids.size() <= i) {
      ids.add(Ids.newId("call_"));
    }
    return ids.get(i);
  }

  /** Text outside calls is content, except whitespace after a call (the markup's line breaks). */
  private static void betweenCalls(StringBuilder content, String s, int from, int to, boolean afterCall) {
    if (!afterCall || !s.substring(from, to).isBlank()) {
      content.append(s, from, to);
    }
  }

  private Update read(boolean end) {
    String s = text.toString();
    StringBuilder newContent = new StringBuilder();
    List<ToolSyntax.Call> found = new ArrayList<>();
    int pos = 0;
    while (true) {
      int at = syntax.findCall(s, pos);
      if (at < 0) {
        // at the end, text that only began a further call (cut off by max_tokens) is dropped too
        boolean hold = !end || !found.isEmpty();
        betweenCalls(newContent, s, pos, hold ? Math.max(pos, syntax.holdFrom(s, pos)) : s.length(), !found.isEmpty());
        break;
      }
      betweenCalls(newContent, s, pos, at, !found.isEmpty());
      ToolSyntax.Step step = syntax.readCall(s, at, end);
      if (step.calls().stream().anyMatch(c -> !functions.contains(c.name()))) {
        // JSON that happens to have a "name" (a Llama answer, a Mistral array) is not a call
        newContent.append(s, at, s.length());
        break;
      }
      found.addAll(step.calls());
      if (step.status() == ToolSyntax.Status.INCOMPLETE) {
        // a call cut off (max_tokens) keeps what it has; its markup never becomes content
        break;
      }
      if (step.status() == ToolSyntax.Status.INVALID) {
        newContent.append(s, step.next(), s.length());
        break;
      }
      pos = step.next();
    }
    String nowContent = callsOnly ? "" : newContent.toString();
    String contentDelta = "";
    if (nowContent.startsWith(content)) {
      contentDelta = nowContent.substring(content.length());
      content = nowContent;
    }
    List<ToolCallDelta> deltas = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      ToolSyntax.Call c = found.get(i);
      if (i >= sentArguments.size()) {
        deltas.add(new ToolCallDelta(i, id(i), "function", new ChatCompletionMessage.Function(c.name(), "")));
        sentArguments.add("");
      }
      String sent = sentArguments.get(i);
      if (c.arguments().length() > sent.length() && c.arguments().startsWith(sent)) {
        deltas.add(new ToolCallDelta(i, null, null, new ChatCompletionMessage.Function(null, c.arguments().substring(sent.length()))));
        sentArguments.set(i, c.arguments());
      }
    }
    if (found.size() >= calls.size()) {
      calls = List.copyOf(found);
    }
    return new Update(contentDelta, deltas);
  }
}
