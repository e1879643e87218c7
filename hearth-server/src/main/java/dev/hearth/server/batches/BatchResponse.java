package dev.hearth.server.batches;

/** What an endpoint answered to one batch line: the HTTP status and the JSON body (a wire record or a tree). */
public record BatchResponse(int statusCode, Object body) {}
