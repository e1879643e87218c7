package dev.hearth.server.chat;

import dev.hearth.api.chat.ChatCompletion;
import dev.hearth.api.chat.ChatCompletionChunk;
import dev.hearth.api.chat.ChatCompletionMessage;
import dev.hearth.api.chat.ChoiceLogprobs;
import dev.hearth.api.chat.CompletionUsage;
import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.template.TemplateException;
import dev.hearth.engine.template.ToolCall;
import dev.hearth.server.chat.ChatRequest.PromptMessage;
import dev.hearth.server.chat.tools.ToolOutputReader;
import dev.hearth.server.chat.tools.ToolOutputs;
import dev.hearth.server.chat.tools.ToolPlan;
import dev.hearth.server.generation.LlmModels;
import dev.hearth.server.generation.LoadedModel;
import dev.hearth.server.generation.Parallel;
import dev.hearth.server.generation.Scheduler;
import dev.hearth.server.generation.Sequence;
import dev.hearth.engine.grammar.JsonSchemaGrammar;
import dev.hearth.engine.grammar.SchemaException;
import dev.hearth.engine.grammar.TokenMasker;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.SseStream;
import dev.hearth.server.http.SseStreams;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.store.Ids;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/chat/completions} on the GGUF engine: the conversation is rendered with the
 * model's own chat template, tokenized exactly (usage counts are the engine's), generated choice
 * by choice under the model's scheduler, and answered whole or streamed per token.
 */
public final class ChatCompletionService {
  private static final Set<String> NO_THINKING = Set.of("none", "minimal");

  private final ModelRegistry registry;
  private final LlmModels models;
  private final InstantSource clock;

  public ChatCompletionService(ModelRegistry registry, LlmModels models, InstantSource clock) {
    this.registry = registry;
    this.models = models;
    this.clock = clock;
  }

  /** A request resolved against its model and tokenized, holding a scheduler slot until closed. */
  public record Prepared(ChatRequest request, LoadedModel model, int[] prompt, int maxTokens, long seed,
      boolean opensReasoning, Scheduler.Slot slot, TokenMasker grammar, ToolPlan tools) implements AutoCloseable {
    /** Null when the model does not reason in tags, or when the output is constrained (then it cannot). */
    ReasoningSplitter splitter() {
      return model.reasoningTags() && grammar == null ? new ReasoningSplitter(opensReasoning) : null;
    }

    /** Reads one choice's output for tool calls; null when calls are not read. */
    ToolOutputReader toolReader() {
      return tools == null ? null : tools.reader();
    }

    @Override
    public void close() {
      slot.close();
    }
  }

  /**
   * Resolves the model, renders and tokenizes the prompt, checks the context, then takes a slot
   * in the model's scheduler (throws {@link Scheduler.QueueFullException} when it is full).
   */
  public Prepared prepare(ChatRequest r, Collection<String> allowed) {
    return prepare(r, allowed, false);
  }

  /** @param background a batch line: waits for a slot instead of being refused */
  public Prepared prepare(ChatRequest r, Collection<String> allowed, boolean background) {
    LoadedModel model = models.resolve(registry, r.model(), allowed, "/v1/chat/completions");
    ToolPlan tools = toolPlan(model, r);
    String rendered = render(model, r, tools);
    int[] prompt = model.model().tokenizer().encode(rendered, false, true);
    int maxTokens = LlmModels.budget(model, prompt.length, r.maxTokens(), "messages");
    long seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong();
    TokenMasker answerGrammar = grammar(model, r.responseFormat());
    TokenMasker toolGrammar = tools == null ? null : tools.masker(model, answer(r.responseFormat()));
    TokenMasker grammar = toolGrammar != null ? toolGrammar : answerGrammar;
    Scheduler.Slot slot = model.scheduler().admit(background, r.n());
    return new Prepared(r, model, prompt, maxTokens, seed, ReasoningSplitter.opensReasoning(rendered), slot, grammar, tools);
  }

  private static ToolPlan.Answer answer(ChatRequest.ResponseFormat format) {
    return format == null ? null
        : new ToolPlan.Answer(format.schemaJson() == null ? "object" : "schema:" + format.schemaJson(), format.schema());
  }

  /** The compiled constraint for {@code response_format}, or null for free text; a schema it cannot enforce is a 400. */
  private static TokenMasker grammar(LoadedModel model, ChatRequest.ResponseFormat format) {
    if (format == null) {
      return null;
    }
    try {
      return model.masker(format.schemaJson() == null ? "object" : "schema:" + format.schemaJson(),
          () -> format.schema() == null ? JsonSchemaGrammar.anyObject() : JsonSchemaGrammar.compile(format.schema()));
    } catch (SchemaException e) {
      throw ApiException.invalidRequest("response_format.json_schema.schema", "Invalid schema for response_format '"
          + format.name() + "': " + e.getMessage() + ". Hearth enforces every keyword it accepts, so it refuses"
          + " the ones it cannot guarantee.", "invalid_json_schema");
    }
  }

  private static ToolPlan toolPlan(LoadedModel model, ChatRequest r) {
    if (model.template() == null) {
      return null;
    }
    var special = model.model().tokenizer().specialTokens();
    return ToolPlan.of(r.tools(), model.template(), model.tokenText(special.bos()), model.tokenText(special.eos()));
  }

  static String render(LoadedModel model, ChatRequest r, ToolPlan tools) {
    if (model.template() == null) {
      throw ApiException.invalidRequest("model", "The model `" + r.model() + "` has no chat template"
          + " (tokenizer.chat_template); use /v1/completions with it.", "model_not_supported");
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (PromptMessage m : r.messages()) {
      List<ToolCall> calls = m.toolCalls().isEmpty() ? null : m.toolCalls().stream().map(ChatCompletionService::toolCall).toList();
      messages.add(new ChatMessage(m.role().templateName(), m.content(), null, m.name(), calls, m.toolCallId(), null, null));
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    if (r.reasoningEffort() != null) {
      kwargs.put("enable_thinking", !NO_THINKING.contains(r.reasoningEffort()));
      kwargs.put("reasoning_effort", r.reasoningEffort());
    }
    var special = model.model().tokenizer().specialTokens();
    ChatTemplateInput input = new ChatTemplateInput(tools.messages(messages), tools.templateTools(), true, model.tokenText(special.bos()),
        model.tokenText(special.eos()), kwargs);
    try {
      return model.template().render(input);
    } catch (TemplateException e) {
      throw ApiException.invalidRequest("messages", "The model's chat template rejected these messages: " + e.getMessage());
    }
  }

  private static ToolCall toolCall(ChatRequest.ToolCall c) {
    try {
      return ToolCall.ofJson(c.id(), c.name(), c.arguments());
    } catch (RuntimeException e) {
      return new ToolCall(c.id(), c.name(), c.arguments());
    }
  }

  private Sequence.Params params(Prepared p, int choice) {
    ChatRequest r = p.request();
    return new Sequence.Params(p.maxTokens(), r.temperature(), r.topP(), p.seed() + choice, r.presencePenalty(),
        r.frequencyPenalty(), r.logitBias(), r.stop(), r.logprobs() ? r.topLogprobs() : -1, false, p.grammar());
  }

  /** The whole completion. */
  public ChatCompletion complete(Prepared p) {
    ChatRequest r = p.request();
    List<ChatCompletion.Choice> choices = new ArrayList<>();
    int completionTokens = 0;
    List<Sequence.Params> params = new ArrayList<>();
    List<Sequence.Listener> listeners = new ArrayList<>();
    for (int i = 0; i < r.n(); i++) {
      params.add(params(p, i));
      listeners.add((text, lp) -> true);
    }
    // the prompt is fed once; every choice continues from a copy of that state
    List<Sequence.Result> results = p.model().loop().generateShared(p.prompt(), params, listeners);
    for (int i = 0; i < r.n(); i++) {
      Sequence.Result result = results.get(i);
      completionTokens += result.completionTokens();
      ChatCompletionMessage message = ChatCompletionMessage.assistant(result.text());
      ReasoningSplitter splitter = p.splitter();
      String reasoning = null;
      if (splitter != null) {
        var a = splitter.accept(result.text());
        var b = splitter.finish();
        reasoning = a.reasoning() + b.reasoning();
        reasoning = reasoning.isEmpty() ? null : reasoning;
        message = new ChatCompletionMessage("assistant", a.content() + b.content(), null, null, reasoning);
      }
      String finishReason = result.finishReason();
      ToolOutputReader reader = p.toolReader();
      if (reader != null) {
        reader.accept(message.content());
        reader.finish();
        message = new ChatCompletionMessage("assistant", reader.content(), null,
            reader.hasCalls() ? reader.toolCalls() : null, reasoning);
        if (reader.hasCalls()) {
          finishReason = ToolOutputs.finishReason(finishReason);
        }
      }
      choices.add(new ChatCompletion.Choice(i, message,
          r.logprobs() ? new ChoiceLogprobs(logprobs(result.logprobs()), null) : null, finishReason));
    }
    return new ChatCompletion(Ids.newId("chatcmpl-"), ChatCompletion.OBJECT, clock.instant().getEpochSecond(),
        p.model().config().id(), choices,
        CompletionUsage.of(p.prompt().length, completionTokens, results.get(0).cachedTokens(), 0),
        p.model().fingerprint(), r.serviceTier() == null ? "default" : r.serviceTier(), null);
  }

  /**
   * Streams the choices (with {@code n} > 1 generated together from one fed prompt, their chunks
   * interleaved by index); stops within one step when the client goes away.
   */
  public void stream(Prepared p, SseStream stream) {
    ChatRequest r = p.request();
    String id = Ids.newId("chatcmpl-");
    long created = clock.instant().getEpochSecond();
    String modelId = p.model().config().id();
    String tier = r.serviceTier() == null ? "default" : r.serviceTier();
    String fp = p.model().fingerprint();
    for (int i = 0; i < r.n(); i++) {
      if (!stream.send(chunk(id, created, modelId, fp, tier, new ChatCompletionChunk.ChunkChoice(i,
          new ChatCompletionChunk.Delta("assistant", "", null, null, null), null, null)))) {
        end(stream, false);
        return;
      }
    }
    List<ReasoningSplitter> splitters = new ArrayList<>();
    List<ToolOutputReader> readers = new ArrayList<>();
    List<Sequence.Params> params = new ArrayList<>();
    List<Sequence.Listener> listeners = new ArrayList<>();
    for (int i = 0; i < r.n(); i++) {
      int index = i;
      ReasoningSplitter splitter = p.splitter();
      splitters.add(splitter);
      ToolOutputReader reader = p.toolReader();
      readers.add(reader);
      params.add(params(p, i));
      listeners.add((text, lp) -> {
        String content = text;
        String reasoning = null;
        if (splitter != null) {
          var split = splitter.accept(text);
          content = split.content();
          reasoning = split.reasoning().isEmpty() ? null : split.reasoning();
          if (split.isEmpty() && lp.isEmpty()) {
            return stream.open();
          }
        }
        if (reader != null) {
          boolean withLogprobs = r.logprobs() && !lp.isEmpty();
          return ToolOutputs.send(stream, reader.accept(content), reasoning, withLogprobs, (delta, first) -> chunk(id, created,
              modelId, fp, tier, new ChatCompletionChunk.ChunkChoice(index, delta,
                  first && withLogprobs ? new ChoiceLogprobs(logprobs(lp), null) : null, null)));
        }
        return stream.send(chunk(id, created, modelId, fp, tier, new ChatCompletionChunk.ChunkChoice(index,
            new ChatCompletionChunk.Delta(null, content, null, null, reasoning),
            r.logprobs() ? new ChoiceLogprobs(logprobs(lp), null) : null, null)));
      });
    }
    List<Sequence.Result> results = r.n() == 1
        ? List.of(p.model().loop().generate(p.prompt(), params.get(0), listeners.get(0), null))
        : p.model().loop().generateShared(p.prompt(), params, listeners);
    int completionTokens = 0;
    for (int i = 0; i < r.n(); i++) {
      Sequence.Result result = results.get(i);
      ReasoningSplitter splitter = splitters.get(i);
      if (result.cancelled()) {
        end(stream, false);
        return;
      }
      ToolOutputReader reader = readers.get(i);
      int index = i;
      if (splitter != null) {
        var rest = splitter.finish();
        String restReasoning = rest.reasoning().isEmpty() ? null : rest.reasoning();
        boolean sent = reader != null
            ? ToolOutputs.send(stream, reader.accept(rest.content()), restReasoning, false, (delta, first) -> chunk(id, created,
                modelId, fp, tier, new ChatCompletionChunk.ChunkChoice(index, delta, null, null)))
            : rest.isEmpty() || stream.send(chunk(id, created, modelId, fp, tier, new ChatCompletionChunk.ChunkChoice(i,
                new ChatCompletionChunk.Delta(null, rest.content(), null, null, restReasoning), null, null)));
        if (!sent) {
          end(stream, false);
          return;
        }
      }
      String finishReason = result.finishReason();
      if (reader != null) {
        if (!ToolOutputs.send(stream, reader.finish(), null, false, (delta, first) -> chunk(id, created, modelId, fp, tier,
            new ChatCompletionChunk.ChunkChoice(index, delta, null, null)))) {
          end(stream, false);
          return;
        }
        if (reader.hasCalls()) {
          finishReason = ToolOutputs.finishReason(finishReason);
        }
      }
      completionTokens += result.completionTokens();
      if (!stream.send(chunk(id, created, modelId, fp, tier, new ChatCompletionChunk.ChunkChoice(i,
          new ChatCompletionChunk.Delta(null, null, null, null, null), null, finishReason)))) {
        end(stream, false);
        return;
      }
    }
    if (r.includeUsage()) {
      stream.send(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, modelId, List.of(), fp, tier,
          CompletionUsage.of(p.prompt().length, completionTokens, results.get(0).cachedTokens(), 0)));
    }
    end(stream, true);
  }

  private ChatCompletionChunk chunk(String id, long created, String model, String fp, String tier,
      ChatCompletionChunk.ChunkChoice choice) {
    return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, List.of(choice), fp, tier, null);
  }

  private static void end(SseStream stream, boolean normal) {
    if (normal) {
      stream.done();
    } else if (stream.shuttingDown()) {
      stream.fail(SseStreams.SHUTTING_DOWN);
    } else {
      stream.close();
    }
  }

  static List<ChoiceLogprobs.TokenLogprob> logprobs(List<Sequence.TokenLogprob> lps) {
    List<ChoiceLogprobs.TokenLogprob> out = new ArrayList<>(lps.size());
    for (Sequence.TokenLogprob t : lps) {
      List<ChoiceLogprobs.TopLogprob> top = t.top().stream()
          .map(a -> new ChoiceLogprobs.TopLogprob(a.text(), a.logprob(), unsigned(a.bytes()))).toList();
      out.add(new ChoiceLogprobs.TokenLogprob(t.text(), t.logprob(), unsigned(t.bytes()), top));
    }
    return out;
  }

  static int[] unsigned(byte[] bytes) {
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] & 0xff;
    }
    return out;
  }
}
