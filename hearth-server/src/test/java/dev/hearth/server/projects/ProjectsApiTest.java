package dev.hearth.server.projects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The organization's project endpoints, with every response validated against the spec. */
@RequiresSpec
class ProjectsApiTest {
  @TempDir Path dataDir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  private static JsonNode json(RawResponse r) {
    return Envelopes.json(r.body());
  }

  @Test
  void createRetrieveRenameArchive() {
    try (TestServer server = TestServer.start(dataDir); RawHttp raw = conformance.rawHttp(server.baseUrl(), null)) {
      JsonNode created = json(raw.post("/v1/organization/projects", "{\"name\":\"Research\"}"));
      String id = created.get("id").asString();
      assertThat(id).startsWith("proj_");
      assertThat(created.get("object").asString()).isEqualTo("organization.project");
      assertThat(created.get("status").asString()).isEqualTo("active");
      assertThat(created.get("archived_at").isNull()).isTrue();

      assertThat(json(raw.get("/v1/organization/projects/" + id)).get("name").asString()).isEqualTo("Research");
      assertThat(json(raw.post("/v1/organization/projects/" + id, "{\"name\":\"R&D\"}")).get("name").asString()).isEqualTo("R&D");

      JsonNode archived = json(raw.post("/v1/organization/projects/" + id + "/archive", ""));
      assertThat(archived.get("status").asString()).isEqualTo("archived");
      assertThat(archived.get("archived_at").asLong()).isPositive();

      RawResponse duplicate = raw.post("/v1/organization/projects", "{\"name\":\"R&D\"}");
      assertThat(duplicate.statusCode()).isEqualTo(400);
      assertThat(raw.get("/v1/organization/projects/proj_missing").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void listingPagesWithCursors() {
    try (TestServer server = TestServer.start(dataDir); RawHttp raw = conformance.rawHttp(server.baseUrl(), null)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(json(raw.post("/v1/organization/projects", "{\"name\":\"p" + i + "\"}")).get("id").asString());
      }
      raw.post("/v1/organization/projects/" + ids.get(4) + "/archive", "");

      // Default order is ascending by creation for projects? OpenAI lists oldest first here; we page by creation.
      JsonNode first = json(raw.get("/v1/organization/projects?limit=2&order=asc"));
      assertThat(first.get("object").asString()).isEqualTo("list");
      assertThat(first.get("has_more").asBoolean()).isTrue();
      List<String> seen = new ArrayList<>();
      first.get("data").forEach(p -> seen.add(p.get("name").asString()));
      String after = first.get("last_id").asString();
      JsonNode page;
      do {
        page = json(raw.get("/v1/organization/projects?limit=2&order=asc&after=" + after));
        page.get("data").forEach(p -> seen.add(p.get("name").asString()));
        after = page.get("last_id").isNull() ? null : page.get("last_id").asString();
      } while (page.get("has_more").asBoolean());
      // The default project of the open loopback mode may exist too; archived ones are hidden.
      assertThat(seen).containsSubsequence("p0", "p1", "p2", "p3").doesNotContain("p4");

      JsonNode withArchived = json(raw.get("/v1/organization/projects?limit=100&include_archived=true"));
      List<String> all = new ArrayList<>();
      withArchived.get("data").forEach(p -> all.add(p.get("name").asString()));
      assertThat(all).contains("p4");

      assertThat(raw.get("/v1/organization/projects?after=proj_unknown").statusCode()).isEqualTo(400);
    }
  }
}
