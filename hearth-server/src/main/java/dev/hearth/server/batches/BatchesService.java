package dev.hearth.server.batches;

import dev.hearth.api.batches.Batch;
import dev.hearth.api.batches.BatchError;
import dev.hearth.api.batches.BatchErrors;
import dev.hearth.api.batches.BatchRequestCounts;
import dev.hearth.api.batches.CreateBatchRequest;
import dev.hearth.api.batches.ListBatchesResponse;
import dev.hearth.server.files.BatchInputValidator;
import dev.hearth.server.files.FilesService;
import dev.hearth.server.files.StoredFile;
import dev.hearth.server.http.ApiException;
import dev.hearth.store.Ids;
import dev.hearth.store.Page;
import dev.hearth.store.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Batches: creation checks, reads, cancel, and the wire form; {@link BatchRunner} does the work. */
public final class BatchesService {
  static final Duration COMPLETION_WINDOW = Duration.ofHours(24);
  static final int MAX_METADATA_KEYS = 16;

  private final BatchStore store;
  private final FilesService files;
  private final InstantSource clock;
  private final JsonMapper mapper;
  private final Runnable wake;

  BatchesService(BatchStore store, FilesService files, InstantSource clock, JsonMapper mapper, Runnable wake) {
    this.store = store;
    this.files = files;
    this.clock = clock;
    this.mapper = mapper;
    this.wake = wake;
  }

  public Batch create(String projectId, CreateBatchRequest request) {
    if (request.inputFileId() == null) {
      throw ApiException.missingParameter("input_file_id");
    }
    if (request.endpoint() == null) {
      throw ApiException.missingParameter("endpoint");
    }
    if (!BatchInputValidator.ENDPOINTS.contains(request.endpoint())) {
      throw ApiException.invalidRequest("endpoint", "Invalid value for 'endpoint': '" + request.endpoint()
          + "'. Supported values are: " + String.join(", ", BatchInputValidator.ENDPOINTS.stream().sorted().toList()) + ".");
    }
    if (request.completionWindow() == null) {
      throw ApiException.missingParameter("completion_window");
    }
    if (!request.completionWindow().equals("24h")) {
      throw ApiException.invalidRequest("completion_window",
          "Invalid value for 'completion_window': '" + request.completionWindow() + "'. The only supported value is '24h'.");
    }
    validMetadata(request.metadata());
    Long outputExpiresAfter = FilesService.expiresAfterSeconds(request.outputExpiresAfter(), "output_expires_after");
    StoredFile input;
    try {
      input = files.find(projectId, request.inputFileId());
    } catch (ApiException e) {
      throw new ApiException(404, "invalid_request_error", "No such File object: " + request.inputFileId(), "input_file_id", null);
    }
    if (!input.purpose().equals("batch")) {
      throw ApiException.invalidRequest("input_file_id",
          "The input file must be uploaded with purpose 'batch', but " + input.id() + " has purpose '" + input.purpose() + "'.");
    }
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    BatchRecord batch = new BatchRecord(Ids.newId("batch_"), projectId, request.endpoint(), null, input.id(), "24h", "validating",
        now, now.plus(COMPLETION_WINDOW), null, null, null, null, null, null, null, 0, 0, 0, null, null, null,
        request.metadata() == null ? null : mapper.writeValueAsString(request.metadata()), outputExpiresAfter);
    store.insert(batch);
    wake.run();
    return toWire(batch);
  }

  public ListBatchesResponse list(String projectId, PageRequest request) {
    Page<BatchRecord> page = store.page(projectId, request);
    return ListBatchesResponse.of(page.data().stream().map(this::toWire).toList(), page.hasMore());
  }

  public Batch retrieve(String projectId, String id) {
    return toWire(find(projectId, id));
  }

  public Batch cancel(String projectId, String id) {
    BatchRecord batch = find(projectId, id);
    if (batch.status().equals("cancelling") || batch.status().equals("cancelled")) {
      return toWire(batch);
    }
    if (!store.transition(id, List.of("validating", "in_progress"), "cancelling", "cancelling_at", clock.instant())) {
      BatchRecord now = find(projectId, id);
      if (!now.status().equals("cancelling")) {
        throw ApiException.invalidRequest(null, "Batch " + id + " is " + now.status() + " and can no longer be cancelled.",
            "batch_not_cancellable");
      }
    }
    wake.run();
    return toWire(find(projectId, id));
  }

  private BatchRecord find(String projectId, String id) {
    return store.find(projectId, id).orElseThrow(() -> ApiException.notFound("No such Batch object: " + id));
  }

  private static void validMetadata(Map<String, String> metadata) {
    if (metadata == null) {
      return;
    }
    if (metadata.size() > MAX_METADATA_KEYS) {
      throw ApiException.invalidRequest("metadata", "'metadata' may hold at most " + MAX_METADATA_KEYS + " keys.");
    }
    for (var e : metadata.entrySet()) {
      if (e.getKey().length() > 64) {
        throw ApiException.invalidRequest("metadata", "Metadata keys may be at most 64 characters.");
      }
      if (e.getValue() == null || e.getValue().length() > 512) {
        throw ApiException.invalidRequest("metadata." + e.getKey(), "Metadata values must be strings of at most 512 characters.");
      }
    }
  }

  Batch toWire(BatchRecord b) {
    BatchErrors errors = b.errorsJson() == null ? null
        : BatchErrors.of(mapper.readValue(b.errorsJson(), new TypeReference<List<BatchError>>() {}));
    Map<String, String> metadata = b.metadataJson() == null ? null
        : mapper.readValue(b.metadataJson(), new TypeReference<Map<String, String>>() {});
    return new Batch(b.id(), Batch.OBJECT, b.endpoint(), b.model(), errors, b.inputFileId(), b.completionWindow(), b.status(),
        b.outputFileId(), b.errorFileId(), b.createdAt().getEpochSecond(), seconds(b.inProgressAt()), seconds(b.expiresAt()),
        seconds(b.finalizingAt()), seconds(b.completedAt()), seconds(b.failedAt()), seconds(b.expiredAt()),
        seconds(b.cancellingAt()), seconds(b.cancelledAt()), new BatchRequestCounts(b.total(), b.completed(), b.failed()),
        metadata);
  }

  private static Long seconds(Instant i) {
    return i == null ? null : i.getEpochSecond();
  }
}
