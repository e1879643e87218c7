package dev.hearth.server.storedcompletions;

import dev.hearth.api.chat.ChatCompletion;
import dev.hearth.api.chat.ChatCompletionChunk;
import dev.hearth.api.chat.ChatCompletionMessage;
import dev.hearth.api.chat.ChoiceLogprobs;
import dev.hearth.api.chat.CompletionUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Rebuilds the whole {@link ChatCompletion} from the chunks of a stream, as a non-streamed request would have answered. */
final class StreamAssembler {
  private String id;
  private long created;
  private String model;
  private String fingerprint;
  private String tier;
  private CompletionUsage usage;
  private final TreeMap<Integer, Choice> choices = new TreeMap<>();

  private static final class Choice {
    final StringBuilder content = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    StringBuilder refusal;
    final TreeMap<Integer, String[]> toolCalls = new TreeMap<>(); // id, type, name, arguments
    List<ChoiceLogprobs.TokenLogprob> logprobs;
    String finishReason;
  }

  void accept(ChatCompletionChunk chunk) {
    if (id == null) {
      id = chunk.id();
      created = chunk.created();
      model = chunk.model();
      fingerprint = chunk.systemFingerprint();
      tier = chunk.serviceTier();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    for (ChatCompletionChunk.ChunkChoice c : chunk.choices()) {
      Choice choice = choices.computeIfAbsent(c.index(), i -> new Choice());
      ChatCompletionChunk.Delta d = c.delta();
      if (d != null) {
        if (d.content() != null) {
          choice.content.append(d.content());
        }
        if (d.reasoningContent() != null) {
          choice.reasoning.append(d.reasoningContent());
        }
        if (d.refusal() != null) {
          (choice.refusal == null ? choice.refusal = new StringBuilder() : choice.refusal).append(d.refusal());
        }
        if (d.toolCalls() != null) {
          for (ChatCompletionChunk.ToolCallDelta t : d.toolCalls()) {
            String[] call = choice.toolCalls.computeIfAbsent(t.index(), i -> new String[] {null, "function", "", ""});
            if (t.id() != null) {
              call[0] = t.id();
            }
            if (t.type() != null) {
              call[1] = t.type();
            }
            if (t.function() != null) {
              call[2] += t.function().name() == null ? "" : t.function().name();
              call[3] += t.function().arguments() == null ? "" : t.function().arguments();
            }
          }
        }
      }
      if (c.logprobs() != null && c.logprobs().content() != null) {
        (choice.logprobs == null ? choice.logprobs = new ArrayList<>() : choice.logprobs).addAll(c.logprobs().content());
      }
      if (c.finishReason() != null) {
        choice.finishReason = c.finishReason();
      }
    }
  }

  /** Whether every choice seen has finished. */
  boolean complete() {
    return id != null && choices.values().stream().allMatch(c -> c.finishReason != null);
  }

  CompletionUsage usage() {
    return usage;
  }

  ChatCompletion completion() {
    List<ChatCompletion.Choice> out = new ArrayList<>();
    choices.forEach((index, c) -> {
      List<ChatCompletionMessage.ToolCall> calls = c.toolCalls.isEmpty() ? null : c.toolCalls.values().stream()
          .map(t -> new ChatCompletionMessage.ToolCall(t[0], t[1], new ChatCompletionMessage.Function(t[2], t[3])))
          .toList();
      ChatCompletionMessage message = new ChatCompletionMessage("assistant",
          calls != null && c.content.isEmpty() ? null : c.content.toString(),
          c.refusal == null ? null : c.refusal.toString(), calls,
          c.reasoning.isEmpty() ? null : c.reasoning.toString());
      out.add(new ChatCompletion.Choice(index, message,
          c.logprobs == null ? null : new ChoiceLogprobs(c.logprobs, null), c.finishReason));
    });
    return new ChatCompletion(id, ChatCompletion.OBJECT, created, model, out, usage, fingerprint, tier, null);
  }
}
