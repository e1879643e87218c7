package dev.hearth.server.storedcompletions;

import dev.hearth.api.chat.ChatCompletion;
import dev.hearth.api.chat.ChatCompletionRequest;
import dev.hearth.api.chat.ChatMessageParam;
import dev.hearth.api.storedcompletions.ChatCompletionList;
import dev.hearth.api.storedcompletions.ChatCompletionMessageList;
import dev.hearth.api.storedcompletions.ChatCompletionDeleted;
import dev.hearth.api.storedcompletions.ChatCompletionStoreMessage;
import dev.hearth.server.http.ApiException;
import dev.hearth.store.InvalidPageRequest;
import dev.hearth.store.Page;
import dev.hearth.store.PageRequest;
import dev.hearth.store.Project;
import dev.hearth.store.SortOrder;
import dev.hearth.store.StoredCompletion;
import dev.hearth.store.StoredCompletionStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stored chat completions: keeps a completion whose request said {@code store: true} (refused in a
 * zero-data-retention project), and serves the list, retrieve, update, delete and messages
 * endpoints over them. A completion expires after its project's retention, counted from its
 * creation with the retention in force then.
 */
public final class StoredCompletionsService {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;
  static final int MAX_METADATA_PAIRS = 16;
  static final int MAX_METADATA_KEY = 64;
  static final int MAX_METADATA_VALUE = 512;
  private static final TypeReference<List<ChatMessageParam>> MESSAGES = new TypeReference<>() {};

  private final StoredCompletionStore store;
  private final JsonMapper mapper;
  private final InstantSource clock;

  public StoredCompletionsService(StoredCompletionStore store, JsonMapper mapper, InstantSource clock) {
    this.store = store;
    this.mapper = mapper;
    this.clock = clock;
  }

  StoredCompletionStore store() {
    return store;
  }

  /** A zero-data-retention project keeps no bodies, so {@code store: true} is a 400 rather than silently ignored. */
  static void refuseInZdr(Project project, boolean store) {
    if (store && project.zeroDataRetention()) {
      throw ApiException.invalidRequest("store", "This project has zero data retention, so chat completions cannot be"
          + " stored: send the request without 'store: true' (or ask an admin to turn zero data retention off"
          + " for the project).", "zero_data_retention");
    }
  }

  /** Keeps {@code response} with the request's messages and metadata; returns the response as stored (with metadata). */
  ChatCompletion store(Project project, ChatCompletionRequest request, ChatCompletion response) {
    refuseInZdr(project, true);
    Map<String, String> metadata = request.metadata() == null ? Map.of() : request.metadata();
    ChatCompletion stored = new ChatCompletion(response.id(), response.object(), response.created(), response.model(),
        response.choices(), response.usage(), response.systemFingerprint(), response.serviceTier(), null);
    Instant created = Instant.ofEpochSecond(response.created());
    store.insert(new StoredCompletion(response.id(), project.id(), response.model(), created,
        StoredCompletionStore.expiry(created, project.retentionDays()),
        mapper.writeValueAsString(request.messages()), mapper.writeValueAsString(stored), metadata));
    return new ChatCompletion(response.id(), response.object(), response.created(), response.model(),
        response.choices(), response.usage(), response.systemFingerprint(), response.serviceTier(), Map.copyOf(metadata));
  }

  ChatCompletionList list(String projectId, String model, Map<String, String> metadata, PageRequest request) {
    Page<StoredCompletion> page = store.list(projectId, model, metadata, request);
    List<JsonNode> data = page.data().stream().map(this::toWire).toList();
    return ChatCompletionList.of(data, page.hasMore(), n -> n.get("id").asString());
  }

  JsonNode get(String projectId, String id) {
    return toWire(find(projectId, id));
  }

  JsonNode update(String projectId, String id, Map<String, String> metadata) {
    Map<String, String> valid = validMetadata(metadata);
    return toWire(store.replaceMetadata(projectId, id, valid).orElseThrow(() -> notFound(id)));
  }

  ChatCompletionDeleted delete(String projectId, String id) {
    if (!store.delete(projectId, id)) {
      throw notFound(id);
    }
    return ChatCompletionDeleted.of(id);
  }

  ChatCompletionMessageList messages(String projectId, String id, PageRequest request) {
    StoredCompletion completion = find(projectId, id);
    List<ChatMessageParam> params = mapper.readValue(completion.requestMessages(), MESSAGES);
    List<ChatCompletionStoreMessage> all = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      all.add(message(id + "-" + i, params.get(i)));
    }
    boolean backwards = request.before() != null;
    boolean ascending = (request.order() == SortOrder.ASC) != backwards;
    List<ChatCompletionStoreMessage> ordered = new ArrayList<>(all);
    if (!ascending) {
      java.util.Collections.reverse(ordered);
    }
    int start = 0;
    String cursor = backwards ? request.before() : request.after();
    if (cursor != null) {
      int at = -1;
      for (int i = 0; i < ordered.size(); i++) {
        if (ordered.get(i).id().equals(cursor)) {
          at = i;
        }
      }
      if (at < 0) {
        String param = backwards ? "before" : "after";
        throw new InvalidPageRequest(param, "No message with id '" + cursor + "' in chat completion " + id + " to page " + param);
      }
      start = at + 1;
    }
    int end = Math.min(ordered.size(), start + request.limit());
    List<ChatCompletionStoreMessage> page = new ArrayList<>(ordered.subList(start, end));
    if (backwards) {
      java.util.Collections.reverse(page);
    }
    return ChatCompletionMessageList.of(page, end < ordered.size(), ChatCompletionStoreMessage::id);
  }

  private ChatCompletionStoreMessage message(String id, ChatMessageParam m) {
    JsonNode content = m.content();
    String text = null;
    List<JsonNode> parts = null;
    if (content != null && content.isString()) {
      text = content.asString();
    } else if (content != null && content.isArray()) {
      StringBuilder joined = new StringBuilder();
      parts = new ArrayList<>();
      for (JsonNode part : content) {
        String type = part.path("type").asString("");
        if (type.equals("text")) {
          joined.append(part.path("text").asString(""));
          parts.add(part);
        } else if (type.equals("image_url")) {
          parts.add(part);
        }
      }
      text = joined.toString();
    }
    List<JsonNode> toolCalls = m.toolCalls() == null ? null
        : m.toolCalls().stream().map(t -> (JsonNode) mapper.valueToTree(t)).toList();
    return new ChatCompletionStoreMessage(id, m.role(), text, m.refusal(), m.name(), parts, toolCalls, m.toolCallId());
  }

  private StoredCompletion find(String projectId, String id) {
    return store.find(projectId, id).orElseThrow(() -> notFound(id));
  }

  private JsonNode toWire(StoredCompletion c) {
    ObjectNode node = (ObjectNode) mapper.readTree(c.response());
    ObjectNode metadata = node.putObject("metadata");
    c.metadata().forEach(metadata::put);
    return node;
  }

  static ApiException notFound(String id) {
    return new ApiException(404, "invalid_request_error",
        "No chat completion found with id '" + id + "'.", "completion_id", "not_found");
  }

  /** The metadata rules of the spec: at most 16 pairs, keys up to 64 and values up to 512 characters. */
  static Map<String, String> validMetadata(Map<String, String> metadata) {
    if (metadata == null) {
      return Map.of();
    }
    if (metadata.size() > MAX_METADATA_PAIRS) {
      throw ApiException.invalidRequest("metadata", "Invalid 'metadata': at most " + MAX_METADATA_PAIRS
          + " key-value pairs, got " + metadata.size() + ".", "invalid_value");
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey().length() > MAX_METADATA_KEY) {
        throw ApiException.invalidRequest("metadata", "Invalid 'metadata': a key is longer than " + MAX_METADATA_KEY
            + " characters.", "invalid_value");
      }
      if (e.getValue() == null) {
        throw ApiException.invalidRequest("metadata." + e.getKey(), "Invalid 'metadata': values must be strings.",
            "invalid_type");
      }
      if (e.getValue().length() > MAX_METADATA_VALUE) {
        throw ApiException.invalidRequest("metadata." + e.getKey(), "Invalid 'metadata': the value of '" + e.getKey()
            + "' is longer than " + MAX_METADATA_VALUE + " characters.", "invalid_value");
      }
    }
    return metadata;
  }

  /** Removes expired completions in transactions of at most {@code batch}; stops after {@code maxBatches}. */
  int purge(int batch, int maxBatches) {
    int total = 0;
    for (int i = 0; i < maxBatches; i++) {
      int n = store.purgeExpired(batch);
      total += n;
      if (n < batch) {
        break;
      }
    }
    return total;
  }

  InstantSource clock() {
    return clock;
  }
}
