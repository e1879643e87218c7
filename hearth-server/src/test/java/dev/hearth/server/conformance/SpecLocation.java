package dev.hearth.server.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the shared OpenAI OpenAPI spec lives: {@code <hearth.shared>/openai-openapi/openapi.yaml}.
 * Surefire sets the system property {@code hearth.shared}; without it the default is {@code ../shared}
 * relative to the working directory.
 */
public record SpecLocation(Path sharedDir, Path specFile) {

    public static final String PROPERTY = "hearth.shared";
    public static final String DEFAULT_SHARED_DIR = "../shared";
    public static final String SPEC_RELATIVE_PATH = "openai-openapi/openapi.yaml";

    /** Resolves from the {@value #PROPERTY} system property, falling back to {@value #DEFAULT_SHARED_DIR}. */
    public static SpecLocation fromSystemProperty() {
        return ofSharedDir(Path.of(System.getProperty(PROPERTY, DEFAULT_SHARED_DIR)));
    }

    public static SpecLocation ofSharedDir(Path sharedDir) {
        Path normalized = sharedDir.toAbsolutePath().normalize();
        return new SpecLocation(normalized, normalized.resolve(SPEC_RELATIVE_PATH));
    }

    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** Why the spec cannot be used, or empty when it can. */
    public Optional<String> unavailableReason() {
        if (!Files.isDirectory(sharedDir)) {
            return Optional.of("shared directory " + sharedDir + " does not exist (set -D" + PROPERTY + "=<dir>)");
        }
        if (!Files.isRegularFile(specFile)) {
            return Optional.of("OpenAPI spec " + specFile + " is missing");
        }
        if (!Files.isReadable(specFile)) {
            return Optional.of("OpenAPI spec " + specFile + " is not readable");
        }
        return Optional.empty();
    }

    /** The spec file, or an {@link IllegalStateException} carrying the reason it is unavailable. */
    public Path requireSpecFile() {
        unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        return specFile;
    }
}
