package dev.hearth.server.batches;

import dev.hearth.api.error.ApiError;
import dev.hearth.api.error.ErrorResponse;
import dev.hearth.server.auth.Principal;
import dev.hearth.server.http.ApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Routes batch lines to endpoint handlers (endpoint path → {@link BatchEndpoint}). A line for an
 * endpoint no family has registered gets what a live {@code POST} to an unserved path gets: 404
 * with OpenAI's "Invalid URL" envelope ({@code code: unknown_url}).
 */
public final class BatchDispatcher {
  private static final Logger log = LoggerFactory.getLogger(BatchDispatcher.class);

  private final Map<String, BatchEndpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, Yield> yields = new ConcurrentHashMap<>();

  private record Yield(LiveTraffic traffic, String resource) {}

  private volatile Observer observer = (caller, endpoint, response) -> {};

  /** Sees every line's response (usage records); it must not throw. */
  public interface Observer {
    void answered(Principal caller, String endpoint, BatchResponse response);
  }

  public BatchDispatcher observe(Observer observer) {
    this.observer = observer;
    return this;
  }

  private volatile Interceptor interceptor = (endpoint, caller, body) -> null;

  /** Answers a line before its endpoint's handler does (requests for upstream models), or returns null. */
  @FunctionalInterface
  public interface Interceptor {
    BatchResponse handle(String endpoint, Principal caller, JsonNode body);
  }

  public BatchDispatcher intercept(Interceptor interceptor) {
    this.interceptor = interceptor;
    return this;
  }

  public BatchDispatcher register(String endpoint, BatchEndpoint handler) {
    if (endpoints.putIfAbsent(endpoint, handler) != null) {
      throw new IllegalStateException(endpoint + " already has a batch handler");
    }
    return this;
  }

  /**
   * Lines for {@code endpoint} first yield to live requests using {@code resource} (see {@link
   * LiveTraffic#yieldTo}): engines without a scheduler of their own rank batch work below live
   * traffic this way.
   */
  BatchDispatcher yieldTo(String endpoint, LiveTraffic traffic, String resource) {
    yields.put(endpoint, new Yield(traffic, resource));
    return this;
  }

  public boolean serves(String endpoint) {
    return endpoints.containsKey(endpoint);
  }

  /** Runs one line; never throws: failures become the error response a live client would see. */
  public BatchResponse dispatch(String endpoint, Principal caller, JsonNode body, String requestId) {
    BatchEndpoint handler = endpoints.get(endpoint);
    if (handler == null) {
      return new BatchResponse(404, new ErrorResponse(
          new ApiError("Invalid URL (POST " + endpoint + ")", "invalid_request_error", null, "unknown_url")));
    }
    try {
      BatchResponse response = interceptor.handle(endpoint, caller, body);
      if (response == null) {
        Yield yield = yields.get(endpoint);
        try (LiveTraffic.Permit permit = yield == null ? () -> {} : yield.traffic().yieldTo(yield.resource())) {
          response = handler.handle(caller, body);
        }
      }
      observer.answered(caller, endpoint, response);
      return response;
    } catch (ApiException e) {
      return new BatchResponse(e.status(), new ErrorResponse(e.toError()));
    } catch (RuntimeException e) {
      log.error("batch request {} to {} failed", requestId, endpoint, e);
      return new BatchResponse(500, new ErrorResponse(new ApiError(
          "The server had an error while processing your request. Sorry about that! Please quote"
              + " the request id " + requestId + " if you report it.", "server_error", null, "server_error")));
    }
  }
}
