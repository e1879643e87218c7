package dev.hearth.server.conformance;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parsed spec as JSON under {@code target/conformance-cache/}, keyed by a hash of the YAML bytes: reading 2 MB of
 * JSON takes a fraction of the time parsing 87k lines of YAML does, so only the first JVM after a clean (or a spec
 * change) pays for YAML. Used only when the working directory has a {@code target/} folder (Maven runs tests in the
 * module directory); any failure just means parsing the YAML.
 */
final class ParsedSpecCache {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;

    private ParsedSpecCache(Path file) {
        this.file = file;
    }

    static Optional<ParsedSpecCache> forSpec(byte[] yaml) {
        return forSpec(Path.of("target"), yaml);
    }

    static Optional<ParsedSpecCache> forSpec(Path target, byte[] yaml) {
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        return Optional.of(new ParsedSpecCache(target.resolve("conformance-cache").resolve("openapi-" + sha256(yaml) + ".json")));
    }

    Optional<JsonNode> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    void write(JsonNode root) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "openapi-", ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | JacksonException e) {
            // a cache that cannot be written costs time, not correctness
        }
    }

    Path file() {
        return file;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
