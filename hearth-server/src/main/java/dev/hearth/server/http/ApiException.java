package dev.hearth.server.http;

import dev.hearth.api.error.ApiError;

/**
 * A failure the client should see as OpenAI's error envelope, with its HTTP status. Thrown from
 * anywhere in request handling; {@link ErrorResponses} renders it.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  public ApiException(int status, String type, String message, String param, String code) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  public static ApiException invalidRequest(String param, String message) {
    return new ApiException(400, "invalid_request_error", message, param, null);
  }

  public static ApiException invalidRequest(String param, String message, String code) {
    return new ApiException(400, "invalid_request_error", message, param, code);
  }

  public static ApiException missingParameter(String param) {
    return new ApiException(
        400, "invalid_request_error", "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "invalid_request_error", message, null, null);
  }

  public static ApiException modelNotFound(String model) {
    return new ApiException(
        404,
        "invalid_request_error",
        "The model `" + model + "` does not exist or you do not have access to it.",
        "model",
        "model_not_found");
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "invalid_request_error", message, null, "invalid_api_key");
  }

  public int status() {
    return status;
  }

  public ApiError toError() {
    return new ApiError(getMessage(), type, param, code);
  }
}
