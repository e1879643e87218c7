package dev.hearth.server.files;

import dev.hearth.server.http.ApiException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a {@code purpose=batch} file as it is uploaded: JSONL, one request per line, each an
 * object with {@code custom_id} (unique in the file), {@code method} {@code POST}, {@code url}
 * one of the batch endpoints, and an object {@code body}. Reads the file line by line; the first
 * {@value #MAX_REPORTED} problems are reported with their line numbers.
 */
public final class BatchInputValidator {
  /** The endpoints the spec's {@code CreateBatchRequest.endpoint} allows. */
  public static final Set<String> ENDPOINTS = Set.of(
      "/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations",
      "/v1/images/generations", "/v1/images/edits", "/v1/videos");
  /** The spec: "The file can contain up to 50,000 requests". */
  public static final int MAX_REQUESTS = 50_000;
  static final int MAX_REPORTED = 10;

  private final JsonMapper mapper;

  public BatchInputValidator(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** Throws a 400 naming the offending lines if the file is not a valid batch input. */
  public void validate(InputStream in) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<String> problems = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int requests = 0;
    int lineNumber = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        requests++;
        if (requests > MAX_REQUESTS) {
          problems.add("line " + lineNumber + ": more than " + MAX_REQUESTS + " requests in one batch file");
          break;
        }
        String problem = check(line, lineNumber, seen);
        if (problem != null) {
          problems.add("line " + lineNumber + ": " + problem);
          if (problems.size() >= MAX_REPORTED) {
            break;
          }
        }
      }
    } catch (CharacterCodingException e) {
      problems.add("line " + (lineNumber + 1) + ": not valid UTF-8");
    }
    if (problems.isEmpty() && requests == 0) {
      problems.add("the file contains no requests");
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalidRequest(
          "file", "Invalid batch input file: " + String.join("; ", problems) + ".", "invalid_batch_file");
    }
  }

  private String check(String line, int lineNumber, Map<String, Integer> seen) {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JacksonException e) {
      return "not valid JSON";
    }
    if (node == null || !node.isObject()) {
      return "expected a JSON object";
    }
    JsonNode customId = node.get("custom_id");
    if (customId == null || !customId.isString() || customId.asString().isEmpty()) {
      return "'custom_id' must be a non-empty string";
    }
    JsonNode method = node.get("method");
    if (method == null || !method.isString() || !method.asString().equals("POST")) {
      return "'method' must be \"POST\"";
    }
    JsonNode url = node.get("url");
    if (url == null || !url.isString() || !ENDPOINTS.contains(url.asString())) {
      return "'url' must be one of " + String.join(", ", ENDPOINTS.stream().sorted().toList());
    }
    JsonNode body = node.get("body");
    if (body == null || !body.isObject()) {
      return "'body' must be an object";
    }
    Integer first = seen.putIfAbsent(customId.asString(), lineNumber);
    if (first != null) {
      return "duplicate custom_id '" + customId.asString() + "' (first on line " + first + ")";
    }
    return null;
  }
}
