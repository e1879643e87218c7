package dev.hearth.server.conformance;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates JSON against schemas of an {@link OpenApiSpec} with networknt json-schema-validator 3.x, dialect JSON
 * Schema 2020-12. The whole spec document is registered as one schema resource, so every
 * {@code $ref: '#/components/schemas/X'} resolves inside it; component schemas are sub-schemas addressed by JSON
 * pointer. Spec extensions ({@code x-*}), {@code discriminator}, {@code example} are ignored; the OpenAPI 3.0 keywords
 * the spec still uses ({@code nullable: true}, boolean {@code exclusiveMinimum}) are translated (see
 * {@link LegacyKeywords}).
 */
public final class SpecValidator {

    /** The IRI the spec document is registered under; nothing is ever fetched from it. */
    static final String SPEC_IRI = "https://openapi.hearth.invalid/openai/openapi.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_LISTED = 40;

    private static volatile SpecValidator shared;

    private final OpenApiSpec spec;
    private final Schema document;
    private final Map<String, Schema> byPointer = new ConcurrentHashMap<>();

    private SpecValidator(OpenApiSpec spec) {
        this.spec = spec;
        JsonNode root = spec.root().deepCopy();
        LegacyKeywords.rewrite(root);
        Dialect dialect = Dialect.builder(Dialects.getDraft202012())
                .unknownKeywordFactory((keyword, context) -> new NonValidationKeyword(keyword))
                .build();
        SchemaRegistry registry = SchemaRegistry.withDialect(dialect, builder -> builder
                .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build()));
        this.document = registry.getSchema(SchemaLocation.of(SPEC_IRI), root);
    }

    /** The validator for {@link OpenApiSpec#shared()}, built once per JVM. */
    public static SpecValidator shared() {
        SpecValidator validator = shared;
        if (validator == null) {
            synchronized (SpecValidator.class) {
                validator = shared;
                if (validator == null) {
                    validator = new SpecValidator(OpenApiSpec.shared());
                    shared = validator;
                }
            }
        }
        return validator;
    }

    public static SpecValidator of(OpenApiSpec spec) {
        return new SpecValidator(spec);
    }

    public OpenApiSpec spec() {
        return spec;
    }

    /** Violations of {@code #/components/schemas/NAME}; a body that is not JSON is one violation at {@code $}. */
    public List<Violation> validate(String schemaName, String json) {
        return validateAt(componentPointer(schemaName), json);
    }

    public List<Violation> validate(String schemaName, JsonNode instance) {
        return validateAt(componentPointer(schemaName), instance);
    }

    /** Violations of the schema at a JSON pointer into the spec, e.g. {@code /components/schemas/Model}. */
    public List<Violation> validateAt(String schemaPointer, String json) {
        JsonNode instance;
        try {
            instance = JSON.readTree(json);
        } catch (JacksonException e) {
            return List.of(new Violation("$", "json", "body is not valid JSON: " + e.getOriginalMessage()));
        }
        return validateAt(schemaPointer, instance);
    }

    public List<Violation> validateAt(String schemaPointer, JsonNode instance) {
        List<Error> errors = schemaAt(schemaPointer).validate(instance);
        return errors.stream()
                .map(e -> new Violation(e.getInstanceLocation().toString(), e.getKeyword(), e.getMessage()))
                .toList();
    }

    /** Throws an {@link AssertionError} listing every violation of {@code #/components/schemas/NAME}. */
    public void assertValid(String schemaName, String json) {
        List<Violation> violations = validate(schemaName, json);
        if (!violations.isEmpty()) {
            throw new AssertionError("JSON does not match #/components/schemas/" + schemaName + ":\n"
                    + describe(violations) + "\nbody: " + abbreviate(json));
        }
    }

    static String describe(List<Violation> violations) {
        String listed = violations.stream().limit(MAX_LISTED).map(v -> "  - " + v).collect(Collectors.joining("\n"));
        return violations.size() > MAX_LISTED ? listed + "\n  ... and " + (violations.size() - MAX_LISTED) + " more" : listed;
    }

    static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + text.length() + " chars)";
    }

    private String componentPointer(String schemaName) {
        if (!spec.hasSchema(schemaName)) {
            throw new IllegalArgumentException("no schema #/components/schemas/" + schemaName + " in " + spec.file());
        }
        return "/components/schemas/" + OpenApiSpec.escape(schemaName);
    }

    private Schema schemaAt(String pointer) {
        return byPointer.computeIfAbsent(pointer, p -> document.getSubSchema(nodePath(p)));
    }

    private static NodePath nodePath(String pointer) {
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("not a JSON pointer: " + pointer);
        }
        NodePath path = new NodePath(PathType.JSON_POINTER);
        for (String token : pointer.substring(1).split("/", -1)) {
            path = path.append(token.replace("~1", "/").replace("~0", "~"));
        }
        return path;
    }
}
