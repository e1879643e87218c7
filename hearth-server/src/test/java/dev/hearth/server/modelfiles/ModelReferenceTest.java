package dev.hearth.server.modelfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelReferenceTest {

    private static final URI HF = URI.create("https://huggingface.co");
    private static final String SHA = "a".repeat(63) + "F";

    @TempDir
    Path cache;

    @Test
    void hfReferenceDefaultsToMainAndResolvesAgainstTheEndpoint() {
        ModelReference r = ModelReference.parse("hf://Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf", HF);

        assertThat(r.isHuggingFace()).isTrue();
        assertThat(r.url()).hasToString("https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf");
        assertThat(r.canonical()).isEqualTo("hf://Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf@main");
        assertThat(r.expectedSha256()).isEmpty();
        assertThat(r.cachePath(cache)).isEqualTo(cache.resolve("hf/Qwen/Qwen3-0.6B-GGUF/main/Qwen3-0.6B-Q8_0.gguf"));
    }

    @Test
    void hfReferenceWithRevisionNestedPathAndDigest() {
        ModelReference r = ModelReference.parse(
                "hf://owner/repo/sub dir/model.gguf@v1.0#sha256=" + SHA, URI.create("http://127.0.0.1:8080/"));

        assertThat(r.url()).hasToString("http://127.0.0.1:8080/owner/repo/resolve/v1.0/sub%20dir/model.gguf");
        assertThat(r.expectedSha256()).contains(SHA.toLowerCase());
        assertThat(r.cacheRelativePath()).isEqualTo(Path.of("hf", "owner", "repo", "v1.0", "sub dir", "model.gguf"));
        assertThat(r.toString()).isEqualTo("hf://owner/repo/sub dir/model.gguf@v1.0#sha256=" + SHA.toLowerCase());
    }

    @Test
    void hfFileSystemFormWithRevisionAfterRepoAndPullRequestRevision() {
        ModelReference a = ModelReference.parse("hf://owner/repo@dev/model.gguf", HF);
        ModelReference b = ModelReference.parse("hf://owner/repo/model.gguf@refs/pr/3", HF);

        assertThat(a.url()).hasToString("https://huggingface.co/owner/repo/resolve/dev/model.gguf");
        assertThat(b.url()).hasToString("https://huggingface.co/owner/repo/resolve/refs%2Fpr%2F3/model.gguf");
        assertThat(b.cacheRelativePath()).isEqualTo(Path.of("hf/owner/repo/refs--pr--3/model.gguf"));
    }

    @Test
    void hfEndpointComesFromTheEnvironmentVariableHuggingFaceToolsUse() {
        assertThat(ModelReference.hfEndpointFrom(Map.of())).isEqualTo(HF);
        assertThat(ModelReference.hfEndpointFrom(Map.of("HF_ENDPOINT", "https://hf-mirror.com/")))
                .hasToString("https://hf-mirror.com");
        assertThatThrownBy(() -> ModelReference.hfEndpointFrom(Map.of("HF_ENDPOINT", "ftp://x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HF_ENDPOINT");
    }

    @Test
    void plainUrlsMapToHostAndPath() {
        ModelReference r = ModelReference.parse("https://Example.com:8443/models/tiny.gguf?sig=abc#sha256=" + SHA, HF);

        assertThat(r.isHuggingFace()).isFalse();
        assertThat(r.url()).hasToString("https://Example.com:8443/models/tiny.gguf?sig=abc");
        assertThat(r.cachePath(cache)).isEqualTo(cache.resolve("url/example.com_8443/models/tiny.gguf"));
        assertThat(r.expectedSha256()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "hf://owner/repo/../../etc/passwd",
            "hf://owner/repo/a/../../../x",
            "hf://../repo/file",
            "hf://owner/../file",
            "hf://owner/repo//etc/passwd",
            "hf://owner/repo/./file",
            "hf://owner/repo/file@../../x",
            "hf://owner/repo/dir\\..\\..\\file",
            "hf://owner/repo/C:file",
            "https://example.com/a/../../../etc/passwd",
            "https://example.com/%2e%2e/%2e%2e/etc/passwd",
            "https://example.com/a/%2F..%2Fx",
            "http://example.com/dir/",
    })
    void pathTraversalAndOddPathsAreRejected(String ref) {
        assertThatThrownBy(() -> ModelReference.parse(ref, HF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + ref + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "model.gguf", "hf://owner", "hf://owner/repo", "hf://owner/repo/", "s3://bucket/x",
            "hf://owner/repo/file#md5=abc", "hf://owner/repo/file#sha256=abc", "https:///nohost/x",
            "https://user:pw@example.com/x.gguf", "hf://owner/repo/file.gguf.part", "hf://ow ner/repo/file"})
    void malformedReferencesGetAClearMessage(String ref) {
        assertThatThrownBy(() -> ModelReference.parse(ref, HF))
                .isInstanceOf(IllegalArgumentException.class)
                .message().isNotBlank().doesNotContain("Exception");
    }

    @Test
    void cachePathStaysInsideTheCacheEvenForARelativeCacheDir() {
        ModelReference r = ModelReference.parse("hf://o/r/f.gguf", HF);
        Path rel = Path.of("some/cache");

        assertThat(r.cachePath(rel)).startsWithRaw(rel.toAbsolutePath().normalize());
    }
}
