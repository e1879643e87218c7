package dev.hearth.server.storedcompletions;

import dev.hearth.api.chat.ChatCompletion;
import dev.hearth.api.chat.ChatCompletionChunk;
import dev.hearth.api.chat.ChatCompletionRequest;
import dev.hearth.api.chat.CompletionUsage;
import dev.hearth.server.auth.ProjectSettings;
import dev.hearth.server.http.SseStream;
import dev.hearth.server.usage.UsageRecorder;
import dev.hearth.store.Project;
import io.javalin.http.Context;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The hook {@code POST /v1/chat/completions} calls: three one-liners around generation.
 *
 * <pre>{@code
 * ChatCompletionRequest wire = ChatStorage.begin(ctx, bodies.read(ctx, ChatCompletionRequest.class));
 * ...
 * service.stream(prepared, ChatStorage.tap(ctx, streams.open(ctx)));      // streamed
 * ctx.json(ChatStorage.completed(ctx, service.complete(prepared)));       // whole
 * }</pre>
 *
 * {@link #begin} refuses {@code store: true} in a zero-data-retention project (400) and, for a
 * stream, asks the generator for the final usage chunk (dropped again if the client did not ask for
 * it). When the completion is done, usage is recorded and, with {@code store: true}, the completion
 * is stored: for a stream, from its chunks, before the client receives {@code [DONE]}; so a
 * completion the client saw finish is stored. The instance of the running server rides on each
 * {@code /v1} request as a context attribute set by {@link StoredCompletionsRoutes}; without it
 * the hook does nothing.
 */
public final class ChatStorage {
  static final String ATTRIBUTE = "hearth.chat-storage";
  private static final String PENDING = "hearth.chat-storage.pending";

  private final StoredCompletionsService service;
  private final ProjectSettings settings;
  private final JsonMapper mapper;

  ChatStorage(StoredCompletionsService service, ProjectSettings settings, JsonMapper mapper) {
    this.service = service;
    this.settings = settings;
    this.mapper = mapper;
  }

  private record Pending(ChatStorage storage, ChatCompletionRequest request, Project project, boolean clientWantsUsage) {
    boolean store() {
      return Boolean.TRUE.equals(request.store());
    }
  }

  /** Checks {@code store} against the project's policy; returns the request the generator should see. */
  public static ChatCompletionRequest begin(Context ctx, ChatCompletionRequest request) {
    ChatStorage storage = ctx.attribute(ATTRIBUTE);
    if (storage == null) {
      return request;
    }
    Project project = storage.settings.of(ctx);
    StoredCompletionsService.refuseInZdr(project, Boolean.TRUE.equals(request.store()));
    boolean stream = Boolean.TRUE.equals(request.stream());
    boolean wantsUsage = request.streamOptions() != null && Boolean.TRUE.equals(request.streamOptions().includeUsage());
    ctx.attribute(PENDING, new Pending(storage, request, project, wantsUsage));
    if (!stream || wantsUsage) {
      return request;
    }
    ObjectNode tree = UsageRecorder.withoutNulls(storage.mapper.valueToTree(request));
    tree.putObject("stream_options").put("include_usage", true);
    if (request.streamOptions() != null && request.streamOptions().includeObfuscation() != null) {
      ((ObjectNode) tree.get("stream_options")).put("include_obfuscation", request.streamOptions().includeObfuscation());
    }
    return storage.mapper.treeToValue(tree, ChatCompletionRequest.class);
  }

  /** Records (and with {@code store: true} stores) a whole completion; returns what the client gets. */
  public static ChatCompletion completed(Context ctx, ChatCompletion completion) {
    Pending pending = ctx.attribute(PENDING);
    if (pending == null) {
      return UsageRecorder.recorded(ctx, completion);
    }
    UsageRecorder.recorded(ctx, completion);
    return pending.store() ? pending.storage().service.store(pending.project(), pending.request(), completion) : completion;
  }

  /** Taps a stream: rebuilds the completion from its chunks and records (and stores) it before {@code [DONE]}. */
  public static SseStream tap(Context ctx, SseStream stream) {
    Pending pending = ctx.attribute(PENDING);
    if (pending == null) {
      return stream;
    }
    StreamAssembler assembler = new StreamAssembler();
    return stream.tap(new SseStream.Tap() {
      @Override
      public Object onChunk(Object chunk) {
        if (chunk instanceof ChatCompletionChunk c) {
          assembler.accept(c);
          if (c.usage() != null && !pending.clientWantsUsage()) {
            return null;
          }
        }
        return chunk;
      }

      @Override
      public void beforeDone() {
        ChatCompletion completion = assembler.completion();
        CompletionUsage usage = assembler.usage();
        if (usage != null) {
          UsageRecorder.record(ctx, completion.model(), usage.promptTokens(), usage.completionTokens());
        }
        if (pending.store() && assembler.complete()) {
          pending.storage().service.store(pending.project(), pending.request(), completion);
        }
      }
    });
  }
}
