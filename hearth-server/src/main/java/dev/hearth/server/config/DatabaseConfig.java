package dev.hearth.server.config;

/** Where state lives: a JDBC URL (SQLite file by default, PostgreSQL for replicas). */
public record DatabaseConfig(String url, String user, String password) {}
