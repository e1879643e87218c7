package dev.hearth.server.config;

import java.time.Duration;

/** The HTTP listener and its limits. */
public record ServerConfig(
    String host,
    int port,
    long maxRequestBytes,
    boolean rejectUnknownFields,
    Duration shutdownGrace,
    Duration keyCache) {}
