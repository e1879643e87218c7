package dev.hearth.server.conformance;

import java.util.Optional;

/**
 * One documented response body of an operation: status code ("200", "4XX", "default"), media type, and
 * where its schema sits in the spec document as a JSON pointer. {@code schemaName} is set when the schema is
 * a plain {@code $ref: '#/components/schemas/NAME'}.
 */
public record ResponseContent(String status, String mediaType, String schemaPointer, Optional<String> schemaName) {

    public boolean isJson() {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    public boolean isEventStream() {
        return mediaType.equals("text/event-stream");
    }

    /** Whether this entry documents the given status: exact code, "4XX"-style range, or "default". */
    public boolean covers(int statusCode) {
        return covers(status, statusCode);
    }

    static boolean covers(String documentedStatus, int statusCode) {
        String code = Integer.toString(statusCode);
        boolean range = documentedStatus.length() == 3 && documentedStatus.endsWith("XX");
        return documentedStatus.equals(code)
                || (range && documentedStatus.charAt(0) == code.charAt(0))
                || documentedStatus.equals("default");
    }
}
