package dev.hearth.server.generation;

import dev.hearth.server.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks of the generation parameters that the chat and legacy completions APIs share
 * (ranges, {@code stop}, {@code logit_bias}), each failure a 400 naming the parameter.
 */
public final class GenerationParams {
  public static final int MAX_STOP_SEQUENCES = 4;

  private GenerationParams() {}

  public static double range(Double value, double fallback, double min, double max, String param) {
    if (value == null) {
      return fallback;
    }
    if (value.isNaN() || value < min || value > max) {
      throw ApiException.invalidRequest(param, "Invalid '" + param + "': " + trim(value) + " is not between " + trim(min)
          + " and " + trim(max) + ".", "invalid_value");
    }
    return value;
  }

  private static String trim(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  public static List<String> stop(JsonNode stop) {
    if (stop == null || stop.isNull()) {
      return List.of();
    }
    if (stop.isString()) {
      return stop.asString().isEmpty() ? List.of() : List.of(stop.asString());
    }
    if (!stop.isArray()) {
      throw ApiException.invalidRequest("stop", "Invalid type for 'stop': expected a string or an array of strings.", "invalid_type");
    }
    if (stop.size() > MAX_STOP_SEQUENCES) {
      throw ApiException.invalidRequest("stop", "Invalid 'stop': at most " + MAX_STOP_SEQUENCES + " stop sequences are allowed, got "
          + stop.size() + ".", "invalid_value");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isString()) {
        throw ApiException.invalidRequest("stop[" + i + "]", "Invalid type for 'stop[" + i + "]': expected a string.", "invalid_type");
      }
      if (!stop.get(i).asString().isEmpty()) {
        out.add(stop.get(i).asString());
      }
    }
    return out;
  }

  public static Map<Integer, Double> logitBias(Map<String, Double> bias) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    if (bias == null) {
      return out;
    }
    for (var e : bias.entrySet()) {
      int token;
      try {
        token = Integer.parseInt(e.getKey());
      } catch (NumberFormatException ex) {
        throw ApiException.invalidRequest("logit_bias", "Invalid key in 'logit_bias': '" + e.getKey() + "' is not a token id.",
            "invalid_value");
      }
      if (token < 0) {
        throw ApiException.invalidRequest("logit_bias", "Invalid key in 'logit_bias': token ids are not negative.", "invalid_value");
      }
      Double v = e.getValue();
      if (v == null || v.isNaN() || v < -100 || v > 100) {
        throw ApiException.invalidRequest("logit_bias", "Invalid value in 'logit_bias' for token " + token
            + ": bias values are between -100 and 100.", "invalid_value");
      }
      out.put(token, v);
    }
    return out;
  }
}
