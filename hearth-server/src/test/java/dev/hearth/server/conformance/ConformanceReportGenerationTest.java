package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates {@code docs/conformance.md} from the routes the real server registers, so the
 * report can't drift from the code. Every served operation must exist in the spec.
 */
@RequiresSpec
class ConformanceReportGenerationTest {
  @TempDir Path dataDir;

  @Test
  void writesTheReportFromTheServersRoutes() throws Exception {
    Set<String> operations;
    try (TestServer server = TestServer.start(dataDir)) {
      operations = server.server().operations();
    }
    assertThat(operations).contains("GET /v1/models", "GET /v1/models/{model}", "DELETE /v1/models/{model}",
        "POST /v1/organization/projects");
    OpenApiSpec spec = OpenApiSpec.shared();
    for (String op : operations) {
      String[] parts = op.split(" ", 2);
      assertThat(spec.find(parts[0], parts[1].replace("{", "x").replace("}", "x"), null))
          .as("%s is an operation of the spec", op).isPresent();
    }
    Path repo = Path.of(System.getProperty("hearth.repo", ".."));
    Path report = ConformanceReport.write(repo, operations);
    assertThat(Files.readString(report)).contains("/models/{model}");
  }
}
