package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.api.chat.ChatCompletionRequest;
import dev.hearth.api.completions.CompletionRequest;
import dev.hearth.server.conformance.OpenApiSpec;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.http.Json;
import dev.hearth.server.http.JsonBodies;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Hearth rejects unknown request fields as OpenAI does, so the wire record must know every
 * property the spec defines, or an SDK sending a valid field would get a 400.
 */
@RequiresSpec
class RequestSpecCoverageTest {
  @Test
  void everySpecPropertyOfCreateChatCompletionRequestParses() {
    assertEveryPropertyParses("CreateChatCompletionRequest", ChatCompletionRequest.class);
  }

  @Test
  void everySpecPropertyOfCreateCompletionRequestParses() {
    assertEveryPropertyParses("CreateCompletionRequest", CompletionRequest.class);
  }

  private static void assertEveryPropertyParses(String schema, Class<?> record) {
    Set<String> properties = new TreeSet<>();
    collect(OpenApiSpec.shared(), OpenApiSpec.shared().schema(schema), properties);
    assertThat(properties).contains("model", "temperature", "stream_options");

    StringBuilder body = new StringBuilder("{");
    for (String p : properties) {
      body.append(body.length() > 1 ? "," : "").append('"').append(p).append("\":null");
    }
    JsonBodies bodies = new JsonBodies(Json.mapper(true));
    Object parsed = bodies.parse(body.append('}').toString().getBytes(StandardCharsets.UTF_8), record);
    assertThat(parsed).isNotNull();
  }

  private static void collect(OpenApiSpec spec, JsonNode schema, Set<String> out) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asString();
      collect(spec, spec.schema(ref.substring(ref.lastIndexOf('/') + 1)), out);
      return;
    }
    if (schema.has("allOf")) {
      schema.get("allOf").forEach(part -> collect(spec, part, out));
    }
    if (schema.has("properties")) {
      out.addAll(schema.get("properties").propertyNames());
    }
  }
}
