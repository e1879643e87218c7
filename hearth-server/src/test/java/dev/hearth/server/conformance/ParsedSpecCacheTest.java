package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ParsedSpecCacheTest {

    @TempDir
    Path target;

    @Test
    void roundTripsTheParsedTreeKeyedByContent() throws IOException {
        byte[] yaml = Files.readAllBytes(TestSpecs.mini().file());
        JsonNode parsed = OpenApiSpec.parseYaml(yaml);
        ParsedSpecCache cache = ParsedSpecCache.forSpec(target, yaml).orElseThrow();

        assertThat(cache.read()).isEmpty();
        cache.write(parsed);

        assertThat(ParsedSpecCache.forSpec(target, yaml).orElseThrow().read()).contains(parsed);
        byte[] changed = (new String(yaml, StandardCharsets.UTF_8) + "\n# changed\n").getBytes(StandardCharsets.UTF_8);
        assertThat(ParsedSpecCache.forSpec(target, changed).orElseThrow().file()).isNotEqualTo(cache.file());
    }

    @Test
    void unusableWithoutATargetDirectoryOrWithACorruptFile() throws IOException {
        byte[] yaml = "openapi: 3.1.0\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ParsedSpecCache.forSpec(target.resolve("missing"), yaml)).isEmpty();

        ParsedSpecCache cache = ParsedSpecCache.forSpec(target, yaml).orElseThrow();
        Files.createDirectories(cache.file().getParent());
        Files.writeString(cache.file(), "{truncated");
        assertThat(cache.read()).isEmpty();
    }
}
