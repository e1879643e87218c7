package dev.hearth.server.conformance;

import java.net.http.HttpHeaders;

/** A response received by {@link RawHttp}, body decoded as UTF-8. */
public record RawResponse(int statusCode, HttpHeaders headers, String body) {

    public String contentType() {
        return headers.firstValue("Content-Type").orElse("");
    }
}
