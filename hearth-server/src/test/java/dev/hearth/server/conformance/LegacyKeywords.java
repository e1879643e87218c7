package dev.hearth.server.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rewrites, in place, the OpenAPI 3.0 keywords the OpenAI spec still uses into their 3.1 / JSON Schema 2020-12 form:
 * <ul>
 * <li>{@code nullable: true} (about a hundred times; 2020-12 ignores it, so nulls the authors allow would be reported):
 * {@code type: T} becomes {@code type: [T, "null"]} (and {@code null} joins an {@code enum}), an
 * {@code anyOf}/{@code oneOf} gains a {@code {type: "null"}} branch, a bare {@code $ref} becomes
 * {@code anyOf: [{$ref}, {type: "null"}]};</li>
 * <li>boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} next to {@code minimum}/{@code maximum} (a handful of
 * times; networknt refuses to compile such schemas): {@code minimum: 0, exclusiveMinimum: true} becomes
 * {@code exclusiveMinimum: 0}.</li>
 * </ul>
 */
final class LegacyKeywords {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LegacyKeywords() {
    }

    /** Rewrites {@code node} and everything under it; returns the number of schemas rewritten. */
    static int rewrite(JsonNode node) {
        int count = 0;
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> child : object.properties()) {
                count += rewrite(child.getValue());
            }
            JsonNode nullable = object.get("nullable");
            if (nullable != null && nullable.isBoolean() && nullable.booleanValue()) {
                object.remove("nullable");
                allowNull(object);
                count++;
            }
            count += exclusiveBound(object, "exclusiveMinimum", "minimum");
            count += exclusiveBound(object, "exclusiveMaximum", "maximum");
        } else if (node instanceof ArrayNode array) {
            for (JsonNode child : array) {
                count += rewrite(child);
            }
        }
        return count;
    }

    private static int exclusiveBound(ObjectNode schema, String exclusiveKeyword, String boundKeyword) {
        JsonNode exclusive = schema.get(exclusiveKeyword);
        if (exclusive == null || !exclusive.isBoolean()) {
            return 0;
        }
        schema.remove(exclusiveKeyword);
        if (exclusive.booleanValue() && schema.has(boundKeyword)) {
            schema.set(exclusiveKeyword, schema.remove(boundKeyword));
        }
        return 1;
    }

    private static void allowNull(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isString()) {
            schema.set("type", NODES.arrayNode().add(type.asString()).add("null"));
            addNullToEnum(schema);
        } else if (type instanceof ArrayNode types) {
            if (!contains(types, "null")) {
                types.add("null");
            }
            addNullToEnum(schema);
        } else if (schema.get("anyOf") instanceof ArrayNode anyOf) {
            anyOf.add(nullSchema());
        } else if (schema.get("oneOf") instanceof ArrayNode oneOf) {
            oneOf.add(nullSchema());
        } else if (schema.has("$ref")) {
            JsonNode ref = schema.remove("$ref");
            schema.set("anyOf", NODES.arrayNode().add(NODES.objectNode().set("$ref", ref)).add(nullSchema()));
        }
        // no type and no composition: null is already allowed
    }

    private static void addNullToEnum(ObjectNode schema) {
        if (schema.get("enum") instanceof ArrayNode values) {
            List<JsonNode> existing = new ArrayList<>();
            values.forEach(existing::add);
            if (existing.stream().noneMatch(JsonNode::isNull)) {
                values.addNull();
            }
        }
    }

    private static boolean contains(ArrayNode array, String text) {
        for (JsonNode value : array) {
            if (value.isString() && value.asString().equals(text)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode nullSchema() {
        return NODES.objectNode().put("type", "null");
    }
}
