package dev.hearth.server.usage;

import dev.hearth.api.chat.ChatCompletion;
import dev.hearth.api.chat.ChatCompletionChunk;
import dev.hearth.api.chat.CompletionUsage;
import dev.hearth.api.completions.Completion;
import dev.hearth.api.embeddings.CreateEmbeddingResponse;
import dev.hearth.api.moderation.CreateModerationResponse;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.batches.BatchResponse;
import dev.hearth.server.http.SseStream;
import dev.hearth.store.UsageStore;
import io.javalin.http.Context;
import java.time.InstantSource;
import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.slf4j.LoggerFactory;

/**
 * Records what every request used (requests and tokens per project, key, model and endpoint; never
 * bodies) in {@link UsageStore}. The endpoint families call it with one line: {@code
 * ctx.json(UsageRecorder.recorded(ctx, response))} for a JSON response, or {@link #record} with the
 * counts. The recorder of the running server rides on each {@code /v1} request as the context
 * attribute {@link #ATTRIBUTE}, set by {@link UsageRoutes}, so families need no new constructor
 * parameter; without it (a server built without the usage family) recording does nothing. Batch
 * lines are recorded by {@link #batchLine}, which the batch dispatcher calls for every line.
 *
 * <p>A failure to record is logged (without any body) and does not fail the request.
 */
public final class UsageRecorder {
  public static final String ATTRIBUTE = "hearth.usage";
  private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

  private static final String HIDE_USAGE_CHUNK = "hearth.usage.hide-chunk";

  private final UsageStore store;
  private final InstantSource clock;
  private final JsonMapper mapper;

  public UsageRecorder(UsageStore store, InstantSource clock, JsonMapper mapper) {
    this.store = store;
    this.clock = clock;
    this.mapper = mapper;
  }

  /** Records one request of the caller of {@code ctx} to {@code ctx}'s route. */
  public static void record(Context ctx, String model, long inputTokens, long outputTokens) {
    UsageRecorder recorder = ctx.attribute(ATTRIBUTE);
    Principal principal = ctx.attribute(Principal.ATTRIBUTE);
    if (recorder != null && principal != null && model != null) {
      recorder.record(principal, ctx.path(), false, model, inputTokens, outputTokens);
    }
  }

  /** Records a transcription or translation: its units are whole seconds of audio, rounded up. */
  public static dev.hearth.server.audio.transcription.Transcript seconds(Context ctx, String model,
      dev.hearth.server.audio.transcription.Transcript transcript) {
    record(ctx, model, (long) Math.ceil(transcript.duration()), 0);
    return transcript;
  }

  /** Records the usage a JSON response reports (chat, completions, embeddings, moderation) and returns it. */
  public static <T> T recorded(Context ctx, T response) {
    Counts counts = counts(response);
    if (counts != null) {
      record(ctx, counts.model(), counts.input(), counts.output());
    }
    return response;
  }

  /**
   * For a streamed request ({@code stream: true}): the same request with
   * {@code stream_options.include_usage} on, so that {@link #tap} can record the usage; the usage
   * chunk is dropped again if the client did not ask for it. Other requests are returned as they are.
   */
  @SuppressWarnings("unchecked")
  public static <T> T withStreamUsage(Context ctx, T request) {
    UsageRecorder recorder = ctx.attribute(ATTRIBUTE);
    if (recorder == null) {
      return request;
    }
    ObjectNode tree = withoutNulls(recorder.mapper.valueToTree(request));
    if (!tree.path("stream").asBoolean(false) || tree.path("stream_options").path("include_usage").asBoolean(false)) {
      return request;
    }
    ctx.attribute(HIDE_USAGE_CHUNK, true);
    JsonNode options = tree.get("stream_options");
    (options instanceof ObjectNode o ? o : tree.putObject("stream_options")).put("include_usage", true);
    return (T) recorder.mapper.treeToValue(tree, request.getClass());
  }

  /**
   * {@code node} without its null-valued object properties, at any depth: a wire record turned into a
   * tree writes absent fields as nulls, which would come back as JSON nulls rather than absent.
   */
  public static <N extends JsonNode> N withoutNulls(N node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(e -> e.getValue().isNull());
      object.properties().forEach(e -> withoutNulls(e.getValue()));
    } else if (node != null && node.isArray()) {
      node.forEach(UsageRecorder::withoutNulls);
    }
    return node;
  }

  /** Taps a stream of a request passed through {@link #withStreamUsage}: records its usage chunk. */
  public static SseStream tap(Context ctx, SseStream stream) {
    return stream.tap(streamTap(ctx, !Boolean.TRUE.equals(ctx.attribute(HIDE_USAGE_CHUNK))));
  }

  /**
   * A tap for a streamed chat or legacy completion: records the usage of the final usage chunk, and
   * drops that chunk when the client did not ask for it ({@code clientWantsUsage}). The family
   * must have asked its generator for the usage chunk.
   */
  public static SseStream.Tap streamTap(Context ctx, boolean clientWantsUsage) {
    return new SseStream.Tap() {
      @Override
      public Object onChunk(Object chunk) {
        CompletionUsage usage = chunk instanceof ChatCompletionChunk c ? c.usage()
            : chunk instanceof Completion c ? c.usage() : null;
        if (usage == null) {
          return chunk;
        }
        String model = chunk instanceof ChatCompletionChunk c ? c.model() : ((Completion) chunk).model();
        record(ctx, model, usage.promptTokens(), usage.completionTokens());
        return clientWantsUsage ? chunk : null;
      }

      @Override
      public void beforeDone() {}
    };
  }

  /** Records one batch line's usage, as a live request to {@code endpoint} would have been. */
  public void batchLine(Principal caller, String endpoint, BatchResponse response) {
    if (response.statusCode() != 200) {
      return;
    }
    Counts counts = counts(response.body());
    if (counts != null) {
      record(caller, endpoint, true, counts.model(), counts.input(), counts.output());
    }
  }

  public void record(Principal principal, String endpoint, boolean batch, String model, long input, long output) {
    try {
      store.add(principal.projectId(), principal.keyId(), model, endpoint, batch, clock.instant(), input, output);
    } catch (RuntimeException e) {
      log.warn("could not record usage for {} ({})", endpoint, e.getClass().getName());
    }
  }

  record Counts(String model, long input, long output) {}

  static Counts counts(Object body) {
    return switch (body) {
      case ChatCompletion c -> new Counts(c.model(), input(c.usage()), output(c.usage()));
      case Completion c -> new Counts(c.model(), input(c.usage()), output(c.usage()));
      case CreateEmbeddingResponse e -> new Counts(e.model(), e.usage() == null ? 0 : e.usage().promptTokens(), 0);
      case CreateModerationResponse m -> new Counts(m.model(), 0, 0);
      case JsonNode n -> counts(n);
      case null, default -> null;
    };
  }

  /**
   * A response as JSON (what an upstream model answers): its {@code model}, and the
   * {@code prompt_tokens} and {@code completion_tokens} of its {@code usage} (0 where absent, as for
   * moderation); null without a model.
   */
  static Counts counts(JsonNode response) {
    JsonNode model = response.get("model");
    if (model == null || !model.isString()) {
      return null;
    }
    return counts(model.asString(), response.path("usage"));
  }

  /** {@code usage}'s {@code prompt_tokens} and {@code completion_tokens} (0 where absent) for {@code model}. */
  private static Counts counts(String model, JsonNode usage) {
    return new Counts(model, usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
  }

  /** Records one request of the caller of {@code ctx} with the counts of an OpenAI {@code usage} object (a stream's usage chunk). */
  public static void record(Context ctx, String model, JsonNode usage) {
    Counts counts = counts(model, usage);
    record(ctx, counts.model(), counts.input(), counts.output());
  }

  private static long input(CompletionUsage u) {
    return u == null ? 0 : u.promptTokens();
  }

  private static long output(CompletionUsage u) {
    return u == null ? 0 : u.completionTokens();
  }
}
