package dev.hearth.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.conformance.SpecLocation;
import dev.hearth.server.conformance.SpecValidator;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Assertions on OpenAI's error envelope, validated against the spec's ErrorResponse when the spec is present. */
public final class Envelopes {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Envelopes() {}

  /** Asserts status, JSON content type and the four fields of the envelope; returns {@code error}. */
  public static JsonNode assertError(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode root = JSON.readTree(response.body());
    assertThat(root.propertyNames()).containsExactly("error");
    JsonNode error = root.get("error");
    assertThat(error.propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.get("message").isString()).isTrue();
    assertThat(error.get("message").asString()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(error.get("type").isString()).isTrue();
    assertThat(error.get("param").isNull() || error.get("param").isString()).isTrue();
    assertThat(error.get("code").isNull() || error.get("code").isString()).isTrue();
    if (SpecLocation.fromSystemProperty().isAvailable()) {
      SpecValidator.shared().assertValid("ErrorResponse", response.body());
    }
    return error;
  }

  public static JsonNode json(String body) {
    return JSON.readTree(body);
  }
}
