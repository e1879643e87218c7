package dev.hearth.server.conformance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides which schema a response must match and validates it:
 * <ul>
 * <li>2xx: the schema the matched operation documents for that status and media type; {@code text/event-stream}
 * bodies are validated event by event (each {@code data:} payload, {@code [DONE]} excepted); binary media types are
 * not validated; an undocumented status or media type, or a body where the spec documents none, is a violation;</li>
 * <li>4xx/5xx: the schema the operation documents for that status, else {@code ErrorResponse} — also for routes
 * outside the spec, since every error body must look like OpenAI's;</li>
 * <li>2xx from a route outside the spec: recorded, not validated.</li>
 * </ul>
 */
public final class ResponseChecker {

    static final String ERROR_SCHEMA = "ErrorResponse";

    private final SpecValidator validator;

    public ResponseChecker(SpecValidator validator) {
        this.validator = validator;
    }

    /**
     * Checks one response. Never throws: if the check itself fails (a harness or schema problem), that is recorded as a
     * violation with keyword {@code harness}, so the test fails with the cause while the client still gets its bytes.
     */
    public ResponseCheck check(String method, URI uri, int status, String contentType, byte[] body) {
        String upperMethod = method.toUpperCase(Locale.ROOT);
        try {
            return checkOrThrow(upperMethod, uri, status, contentType, body);
        } catch (RuntimeException e) {
            return new ResponseCheck(upperMethod, uri.getRawPath(), status, "", "",
                    List.of(new Violation("$", "harness", "could not check the response: " + e)));
        }
    }

    private ResponseCheck checkOrThrow(String upperMethod, URI uri, int status, String contentType, byte[] body) {
        String path = uri.getRawPath();
        OpenApiSpec spec = validator.spec();
        Optional<Operation> operation = spec.find(upperMethod, path, uri.getRawQuery());
        String operationId = operation.map(Operation::operationId).orElse("");
        String mediaType = mediaType(contentType);
        Optional<ResponseContent> documented = operation.flatMap(op -> op.response(status, mediaType));
        String text = new String(body, StandardCharsets.UTF_8);

        if (documented.isPresent()) {
            ResponseContent content = documented.get();
            String schema = content.schemaName().orElse(content.schemaPointer());
            if (content.isEventStream()) {
                return new ResponseCheck(upperMethod, path, status, operationId, schema + " (per event)",
                        validateEvents(content.schemaPointer(), text));
            }
            if (content.isJson()) {
                return new ResponseCheck(upperMethod, path, status, operationId, schema,
                        validator.validateAt(content.schemaPointer(), text));
            }
            return new ResponseCheck(upperMethod, path, status, operationId, "", List.of());
        }
        if (status >= 400) {
            List<Violation> violations = new ArrayList<>();
            if (!mediaType.equals("application/json")) {
                violations.add(new Violation("$", "content-type", "error response has Content-Type '" + contentType
                        + "', expected application/json"));
            }
            violations.addAll(validator.validate(ERROR_SCHEMA, text));
            return new ResponseCheck(upperMethod, path, status, operationId, ERROR_SCHEMA, violations);
        }
        if (operation.isEmpty()) {
            return new ResponseCheck(upperMethod, path, status, "", "", List.of());
        }
        return new ResponseCheck(upperMethod, path, status, operationId, "",
                undocumented(operation.get(), status, mediaType, body.length));
    }

    private static List<Violation> undocumented(Operation operation, int status, String mediaType, int bodyLength) {
        if (!operation.documents(status)) {
            return List.of(new Violation("$", "status", "status " + status + " is not documented for "
                    + operation.operationId() + " (documented: " + String.join(", ", operation.statuses()) + ")"));
        }
        List<ResponseContent> sameStatus = operation.responses().stream().filter(r -> r.covers(status)).toList();
        if (sameStatus.isEmpty()) {
            return bodyLength == 0 ? List.of() : List.of(new Violation("$", "body", "status " + status + " of "
                    + operation.operationId() + " documents no body, got " + bodyLength + " bytes"));
        }
        String documented = sameStatus.stream().map(ResponseContent::mediaType).collect(Collectors.joining(", "));
        return List.of(new Violation("$", "content-type", "Content-Type '" + mediaType + "' is not documented for "
                + operation.operationId() + " status " + status + " (documented: " + documented + ")"));
    }

    private List<Violation> validateEvents(String schemaPointer, String stream) {
        List<Violation> violations = new ArrayList<>();
        List<String> events = ServerSentEvents.dataPayloads(stream);
        if (events.isEmpty()) {
            violations.add(new Violation("$", "event-stream", "event stream carried no data events"));
        }
        for (int i = 0; i < events.size(); i++) {
            String data = events.get(i);
            if (data.equals("[DONE]")) {
                continue;
            }
            String prefix = "event[" + i + "]";
            for (Violation v : validator.validateAt(schemaPointer, data)) {
                violations.add(new Violation(prefix + v.path().substring(1), v.keyword(), v.message()));
            }
        }
        return violations;
    }

    /** {@code application/json; charset=utf-8} to {@code application/json}; "" when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
