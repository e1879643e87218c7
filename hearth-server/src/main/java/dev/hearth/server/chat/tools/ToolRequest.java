package dev.hearth.server.chat.tools;

import java.util.List;

/**
 * The request's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}, validated.
 *
 * @param functions the declared functions, in request order
 * @param choice what the model may do
 * @param forced for {@link Choice#NAMED}: the one function it must call; otherwise null
 * @param parallel several calls in one answer are allowed
 */
public record ToolRequest(List<FunctionTool> functions, Choice choice, String forced, boolean parallel) {

  public ToolRequest {
    functions = List.copyOf(functions);
  }

  /** {@code tool_choice}: none, auto, required, or one named function. */
  public enum Choice { NONE, AUTO, REQUIRED, NAMED }

  /** The functions the output may call: all of them, or the named one. */
  public List<FunctionTool> callable() {
    return forced == null ? functions : functions.stream().filter(f -> f.name().equals(forced)).toList();
  }

  /** The output must be a call: decoding is constrained to the model's call syntax. */
  public boolean constrained() {
    return choice == Choice.REQUIRED || choice == Choice.NAMED;
  }

  /** Calls in the output are parsed into {@code tool_calls} (not with {@code none}). */
  public boolean parsesCalls() {
    return choice != Choice.NONE;
  }
}
