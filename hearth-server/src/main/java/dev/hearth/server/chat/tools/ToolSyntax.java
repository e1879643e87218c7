package dev.hearth.server.chat.tools;

import java.util.List;

/**
 * How a model family writes function calls in its output: one small class per syntax reads the
 * output (also while it is still arriving, for streaming) and knows the literal text around a call,
 * from which {@link ToolCallGrammar} builds the constraint for {@code tool_choice} required/named.
 */
public sealed interface ToolSyntax permits HermesSyntax, Llama3JsonSyntax, MistralSyntax {

  /** A short name for logs and cache keys. */
  String name();

  /**
   * The index of the next call at or after {@code from} (where its markup starts), or -1 when the
   * text from {@code from} holds no (complete) call marker.
   */
  int findCall(String text, int from);

  /**
   * Where text that may still become a call marker starts (held back while streaming):
   * {@code text.length()} when nothing after {@code from} can.
   */
  int holdFrom(String text, int from);

  /** Reads the call(s) whose markup starts at {@code at} (as found by {@link #findCall}). */
  Step readCall(String text, int at, boolean end);

  /** Whether one answer may hold several calls in this syntax (and the template renders them back). */
  boolean parallel();

  /** The literal text of a call to {@code name} before its JSON arguments. */
  String callPrefix(String name);

  /** The literal text after a call's arguments. */
  String callSuffix();

  /** Text before the first call. */
  default String open() {
    return "";
  }

  /** Text between two calls. */
  String separator();

  /** Text after the last call. */
  default String close() {
    return "";
  }

  /** The id the chat template is given for a call (some templates demand a particular form). */
  default String templateCallId(String id) {
    return id;
  }

  /** A call as read so far: its name is known; {@code arguments} is the raw JSON text so far. */
  record Call(String name, String arguments, boolean argumentsComplete) {}

  /** What {@link #readCall} found: the calls, where reading may continue, and how it went. */
  record Step(List<Call> calls, int next, Status status) {}

  enum Status {
    /** The call markup is complete; reading continues at {@code next}. */
    DONE,
    /** The text ends inside the call. */
    INCOMPLETE,
    /** This is not a call after all. */
    INVALID
  }
}
