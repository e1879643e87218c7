package dev.hearth.server.http;

import dev.hearth.api.error.ApiError;
import dev.hearth.api.error.ErrorResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders every failure as OpenAI's envelope {@code {"error":{message,type,param,code}}}. Server
 * errors are logged with their stack trace and request id; the client gets neither the trace nor
 * the exception's message, only the request id to quote.
 */
public final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
  /**
   * Context attribute: when true (requests of a zero-data-retention project), a server error is
   * logged with its exception classes and stack frames but without exception messages, which may
   * quote request or response bodies.
   */
  public static final String WITHHOLD_DETAILS = "hearth.withhold-error-details";

  private final JsonMapper mapper;
  private final long maxRequestBytes;

  public ErrorResponses(JsonMapper mapper, long maxRequestBytes) {
    this.mapper = mapper;
    this.maxRequestBytes = maxRequestBytes;
  }

  public void write(Context ctx, ApiException e) {
    write(ctx, e.status(), e.toError());
  }

  public void write(Context ctx, int status, ApiError error) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(mapper.writeValueAsBytes(new ErrorResponse(error)));
  }

  /** Javalin's own responses: unmatched route, wrong method, body too large, … */
  public void write(Context ctx, HttpResponseException e) {
    write(ctx, e.getStatus(), forStatus(e.getStatus(), ctx.method().name(), ctx.path()));
  }

  public void serverError(Context ctx, Exception e) {
    String requestId = ctx.attribute(RequestIds.MDC_KEY);
    if (Boolean.TRUE.equals(ctx.attribute(WITHHOLD_DETAILS))) {
      log.error("unhandled error in {} {} (zero data retention: exception messages withheld){}", ctx.method(), ctx.path(),
          withoutMessages(e));
    } else {
      log.error("unhandled error in {} {}", ctx.method(), ctx.path(), e);
    }
    write(
        ctx,
        500,
        new ApiError(
            "The server had an error while processing your request. Sorry about that! Please quote"
                + " the request id " + requestId + " if you report it.",
            "server_error",
            null,
            "server_error"));
  }

  /** The stack trace of {@code e} and its causes, with class names and frames only. */
  public static String withoutMessages(Throwable e) {
    StringBuilder out = new StringBuilder();
    java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      out.append(t == e ? "\n" : "\nCaused by: ").append(t.getClass().getName());
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append("\n\tat ").append(frame);
      }
    }
    return out.toString();
  }

  ApiError forStatus(int status, String method, String path) {
    return switch (status) {
      case 404 -> new ApiError("Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, "unknown_url");
      case 405 -> new ApiError(
          "Method not allowed: " + method + " is not supported for " + path + ".", "invalid_request_error", null, "method_not_allowed");
      case 413 -> new ApiError(
          "Request body too large: the limit is " + maxRequestBytes + " bytes (server.max_request_bytes).",
          "invalid_request_error", null, "request_too_large");
      case 400 -> new ApiError("Bad request.", "invalid_request_error", null, null);
      case 408 -> new ApiError("Request timed out.", "invalid_request_error", null, "timeout");
      default -> status >= 500
          ? new ApiError("The server had an error while processing your request.", "server_error", null, "server_error")
          : new ApiError("HTTP " + status + ".", "invalid_request_error", null, null);
    };
  }
}
