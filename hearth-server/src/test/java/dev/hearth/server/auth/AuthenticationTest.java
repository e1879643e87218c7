package dev.hearth.server.auth;

import static dev.hearth.server.testing.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.testing.TestServer;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.CreatedApiKey;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class AuthenticationTest {
  @TempDir Path dataDir;

  private CreatedApiKey createKey(HearthConfig config, String project, boolean admin) {
    try (Database db = HearthServer.openDatabase(config)) {
      var p = new ProjectStore(db, InstantSource.system()).getOrCreate(project);
      return new ApiKeyStore(db, InstantSource.system()).create(p.id(), project, admin);
    }
  }

  @Test
  void withoutKeysALoopbackServerAcceptsAnyKeyOrNone() {
    try (TestServer server = TestServer.start(dataDir)) {
      assertThat(server.get("/v1/models").statusCode()).isEqualTo(200);
      assertThat(server.withApiKey("sk-placeholder").get("/v1/models").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withKeysEveryRequestNeedsAValidOne() {
    HearthConfig config = TestServer.config(dataDir);
    CreatedApiKey key = createKey(config, "alpha", false);
    assertThat(key.secret()).startsWith("sk-");
    // No key cache here, so that the revocation below applies to the very next request.
    try (TestServer server = TestServer.start(dataDir, "server.key_cache_millis=0")) {
      JsonNode missing = assertError(server.get("/v1/models"), 401);
      assertThat(missing.get("code").asString()).isEqualTo("invalid_api_key");
      assertThat(missing.get("message").asString()).contains("Authorization: Bearer");

      String wrong = "sk-hearth-wrongwrongwrongwrongwrong1234";
      JsonNode bad = assertError(server.withApiKey(wrong).get("/v1/models"), 401);
      assertThat(bad.get("message").asString()).contains("1234").doesNotContain(wrong);

      assertThat(server.withApiKey(key.secret()).get("/v1/models").statusCode()).isEqualTo(200);
      // Non-admin keys cannot use the organization endpoints.
      JsonNode forbidden = assertError(server.withApiKey(key.secret()).get("/v1/organization/projects"), 403);
      assertThat(forbidden.get("code").asString()).isEqualTo("insufficient_permissions");
      // /health and /metrics stay open for probes and scrapers.
      assertThat(server.withApiKey(null).get("/health").statusCode()).isEqualTo(200);

      try (Database db = HearthServer.openDatabase(config)) {
        assertThat(new ApiKeyStore(db, InstantSource.system()).revoke(key.key().id())).isTrue();
      }
      assertError(server.withApiKey(key.secret()).get("/v1/models"), 401);
    }
  }

  @Test
  void adminKeysMayUseTheOrganizationEndpoints() {
    CreatedApiKey admin = createKey(TestServer.config(dataDir), "ops", true);
    try (TestServer server = TestServer.start(dataDir)) {
      assertThat(server.withApiKey(admin.secret()).get("/v1/organization/projects").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void onlyTheKeysHashIsStored() throws Exception {
    HearthConfig config = TestServer.config(dataDir);
    CreatedApiKey key = createKey(config, "alpha", false);
    try (var files = Files.walk(dataDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(file.toString()).doesNotContain(key.secret());
      }
    }
  }

  @Test
  void refusesToListenBeyondLoopbackWithoutKeys() {
    HearthConfig exposed = TestServer.config(dataDir, "server.host=0.0.0.0");
    assertThatThrownBy(() -> HearthServer.start(exposed))
        .isInstanceOf(HearthServer.StartupException.class)
        .hasMessageContaining("without API keys")
        .hasMessageContaining("keys create");

    createKey(exposed, "default", false);
    try (HearthServer server = HearthServer.start(exposed)) {
      assertThat(server.port()).isPositive();
    }
  }
}
