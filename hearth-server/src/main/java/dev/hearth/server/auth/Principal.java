package dev.hearth.server.auth;

/**
 * Who is calling: the project every stored object is scoped to, the key used (null when the
 * server runs open on loopback without keys), and whether it may use the admin endpoints.
 */
public record Principal(String projectId, String keyId, boolean admin) {
  public static final String ATTRIBUTE = "hearth.principal";
}
