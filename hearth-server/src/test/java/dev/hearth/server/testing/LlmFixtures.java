package dev.hearth.server.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.server.conformance.SpecLocation;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of {@code ../shared/llm-fixtures} (real vocabularies and chat templates), found through the
 * same setting as the OpenAPI spec ({@link SpecLocation#PROPERTY}, default {@code ../shared}). A test
 * that needs one is skipped, with the path it needed, where the fixtures are absent.
 */
public final class LlmFixtures {
  private LlmFixtures() {}

  /** {@code llm-fixtures/<relative>} (a file or a directory), or the calling test skipped. */
  public static Path require(String relative) {
    Path path = Path.of(System.getProperty(SpecLocation.PROPERTY, SpecLocation.DEFAULT_SHARED_DIR), "llm-fixtures", relative);
    assumeTrue(Files.exists(path), "needs ../shared/llm-fixtures/" + relative);
    return path;
  }
}
