package dev.hearth.server.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The OpenAI OpenAPI document, parsed once. {@link #shared()} loads the spec found by
 * {@link SpecLocation#fromSystemProperty()} a single time per JVM; {@link #load(Path)} parses any file (for
 * small test specs).
 */
public final class OpenApiSpec {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String SCHEMA_REF_PREFIX = "#/components/schemas/";
    /**
     * Lines holding only blanks. The spec has a few inside block scalars ({@code example: |+}) with more indentation
     * than the next line, which YAML 1.2 forbids and SnakeYAML Engine rejects; blanking them only changes whitespace
     * inside descriptions/examples.
     */
    private static final Pattern BLANK_LINES = Pattern.compile("(?m)^[ \\t]+$");

    private static volatile OpenApiSpec shared;

    private final Path file;
    private final JsonNode root;
    private final List<Operation> operations;
    private final String basePath;
    private final Duration loadTime;
    private final boolean fromCache;

    private OpenApiSpec(Path file, JsonNode root, Duration loadTime, boolean fromCache) {
        this.file = file;
        this.root = root;
        this.operations = List.copyOf(readOperations(root));
        this.basePath = readBasePath(root);
        this.loadTime = loadTime;
        this.fromCache = fromCache;
    }

    /** The shared spec, parsed on first use; throws {@link IllegalStateException} with the reason when absent. */
    public static OpenApiSpec shared() {
        OpenApiSpec spec = shared;
        if (spec == null) {
            synchronized (OpenApiSpec.class) {
                spec = shared;
                if (spec == null) {
                    spec = load(SpecLocation.fromSystemProperty().requireSpecFile());
                    shared = spec;
                }
            }
        }
        return spec;
    }

    /** Parses a spec file, or reads it from the {@link ParsedSpecCache} when the same bytes were parsed before. */
    public static OpenApiSpec load(Path file) {
        long start = System.nanoTime();
        byte[] yaml;
        try {
            yaml = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenAPI spec " + file, e);
        }
        Optional<ParsedSpecCache> cache = ParsedSpecCache.forSpec(yaml);
        Optional<JsonNode> cached = cache.flatMap(ParsedSpecCache::read);
        JsonNode root = cached.orElseGet(() -> parseYaml(yaml));
        if (cached.isEmpty()) {
            cache.ifPresent(c -> c.write(root));
        }
        return new OpenApiSpec(file, root, Duration.ofNanos(System.nanoTime() - start), cached.isPresent());
    }

    static JsonNode parseYaml(byte[] yaml) {
        String text = BLANK_LINES.matcher(new String(yaml, StandardCharsets.UTF_8)).replaceAll("");
        return YAMLMapper.builder().build().readTree(text);
    }

    public Path file() {
        return file;
    }

    /** The whole document as a tree. Shared: do not modify it. */
    public JsonNode root() {
        return root;
    }

    /** How long reading and parsing took (YAML, or the cached JSON when {@link #loadedFromCache()}). */
    public Duration loadTime() {
        return loadTime;
    }

    public boolean loadedFromCache() {
        return fromCache;
    }

    /** The path prefix of the first server URL ({@code /v1} for {@code https://api.openai.com/v1}), or "". */
    public String basePath() {
        return basePath;
    }

    private static String readBasePath(JsonNode root) {
        String url = root.path("servers").path(0).path("url").asString("");
        String path = url.isEmpty() ? "" : URI.create(url).getPath();
        return path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
    }

    /** All operations, in document order. */
    public List<Operation> operations() {
        return operations;
    }

    /** Tag names in the order the document's top-level {@code tags} list gives them. */
    public List<String> tagOrder() {
        List<String> tags = new ArrayList<>();
        root.path("tags").forEach(tag -> tags.add(tag.path("name").asString()));
        return tags;
    }

    /** {@code #/components/schemas/NAME}; throws {@link IllegalArgumentException} when there is no such schema. */
    public JsonNode schema(String name) {
        JsonNode schema = root.path("components").path("schemas").path(name);
        if (schema.isMissingNode()) {
            throw new IllegalArgumentException("no schema #/components/schemas/" + name + " in " + file);
        }
        return schema;
    }

    public boolean hasSchema(String name) {
        return root.path("components").path("schemas").has(name);
    }

    public Optional<Operation> operation(String operationId) {
        return operations.stream().filter(op -> op.operationId().equals(operationId)).findFirst();
    }

    /**
     * The operation serving a concrete request, e.g. {@code ("GET", "/v1/models/gpt-4o", "")}. The path must start
     * with {@link #basePath()}; {@code query} is the raw query string (may be null or empty).
     */
    public Optional<Operation> find(String method, String requestPath, String query) {
        String base = basePath;
        if (!requestPath.equals(base) && !requestPath.startsWith(base + "/")) {
            return Optional.empty();
        }
        return PathTemplates.find(operations, method, requestPath.substring(base.length()), PathTemplates.queryNames(query));
    }

    private static List<Operation> readOperations(JsonNode root) {
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> pathEntry : root.path("paths").properties()) {
            String path = pathEntry.getKey();
            for (Map.Entry<String, JsonNode> methodEntry : pathEntry.getValue().properties()) {
                if (!METHODS.contains(methodEntry.getKey())) {
                    continue;
                }
                JsonNode op = methodEntry.getValue();
                List<String> tags = new ArrayList<>();
                op.path("tags").forEach(tag -> tags.add(tag.asString()));
                String pointer = "/paths/" + escape(path) + "/" + methodEntry.getKey() + "/responses";
                List<String> statuses = new ArrayList<>(op.path("responses").propertyNames());
                operations.add(new Operation(methodEntry.getKey(), path, op.path("operationId").asString(""), tags,
                        statuses, readResponses(op.path("responses"), pointer)));
            }
        }
        return operations;
    }

    private static List<ResponseContent> readResponses(JsonNode responses, String pointer) {
        List<ResponseContent> contents = new ArrayList<>();
        for (Map.Entry<String, JsonNode> response : responses.properties()) {
            for (Map.Entry<String, JsonNode> media : response.getValue().path("content").properties()) {
                JsonNode schema = media.getValue().path("schema");
                if (schema.isMissingNode()) {
                    continue;
                }
                String ref = schema.path("$ref").asString("");
                Optional<String> name = ref.startsWith(SCHEMA_REF_PREFIX) && schema.size() == 1
                        ? Optional.of(ref.substring(SCHEMA_REF_PREFIX.length()))
                        : Optional.empty();
                String schemaPointer = name.map(n -> "/components/schemas/" + escape(n))
                        .orElse(pointer + "/" + escape(response.getKey()) + "/content/" + escape(media.getKey()) + "/schema");
                contents.add(new ResponseContent(response.getKey(), media.getKey(), schemaPointer, name));
            }
        }
        return contents;
    }

    /** JSON pointer token escaping (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
