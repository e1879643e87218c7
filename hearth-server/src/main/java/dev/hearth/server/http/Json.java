package dev.hearth.server.http;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * The one JSON mapper configuration of the API. Request parsing is strict the way OpenAI is:
 * no coercion of strings into numbers or booleans, unknown fields rejected (configurable),
 * bounded nesting and string sizes so hostile bodies fail fast.
 */
public final class Json {
  /** Deeper than any real request (JSON schemas in tools nest, but not this deep). */
  public static final int MAX_NESTING_DEPTH = 128;

  private Json() {}

  public static JsonMapper mapper(boolean rejectUnknownFields) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(1000)
                    .build())
            .build();
    return JsonMapper.builder(factory)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, rejectUnknownFields)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
        .withCoercionConfigDefaults(
            c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Textual,
            c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
        .withCoercionConfig(
            LogicalType.Integer,
            c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Boolean,
            c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
        .build();
  }
}
