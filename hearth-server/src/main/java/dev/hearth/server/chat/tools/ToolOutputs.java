package dev.hearth.server.chat.tools;

import dev.hearth.api.chat.ChatCompletionChunk;
import dev.hearth.api.chat.ChatCompletionChunk.Delta;
import dev.hearth.server.http.SseStream;
import java.util.List;
import java.util.function.BiFunction;

/** Turning a {@link ToolOutputReader}'s updates into chunks and finish reasons. */
public final class ToolOutputs {
  private ToolOutputs() {}

  /** {@code tool_calls} when the model finished after calling; a cut-off stays {@code length}. */
  public static String finishReason(String generation) {
    return "stop".equals(generation) ? "tool_calls" : generation;
  }

  /**
   * Sends an update: its content (with {@code reasoning}, if any) in one chunk, then one chunk per
   * tool-call delta. {@code chunk} makes a chunk of a delta; its flag is true for the first chunk
   * (which carries the step's log-probabilities). With nothing to say, a chunk is sent only to carry
   * log-probabilities.
   *
   * @return false when the client is gone
   */
  public static boolean send(SseStream stream, ToolOutputReader.Update update, String reasoning, boolean logprobs,
      BiFunction<Delta, Boolean, ChatCompletionChunk> chunk) {
    boolean first = true;
    if (!update.content().isEmpty() || reasoning != null || (update.toolCalls().isEmpty() && logprobs)) {
      if (!stream.send(chunk.apply(new Delta(null, update.content().isEmpty() && reasoning != null ? null : update.content(),
          null, null, reasoning), true))) {
        return false;
      }
      first = false;
    }
    for (ChatCompletionChunk.ToolCallDelta d : update.toolCalls()) {
      if (!stream.send(chunk.apply(new Delta(null, null, null, List.of(d), null), first))) {
        return false;
      }
      first = false;
    }
    return stream.open();
  }
}
