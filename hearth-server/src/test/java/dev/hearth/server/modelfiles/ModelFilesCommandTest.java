package dev.hearth.server.modelfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class ModelFilesCommandTest {

    static final byte[] CONTENT = ModelDownloaderTest.CONTENT;

    @TempDir
    Path cache;

    TestFileServer server;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() throws Exception {
        server = new TestFileServer();
        server.route("/o/r/resolve/main/a.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        server.route("/files/b.bin", (ex, n) -> TestFileServer.serve(ex, new byte[] {1, 2, 3}, true));
        try (ModelDownloader d = ModelDownloader.builder().build()) {
            ModelReference a = ModelReference.parse("hf://o/r/a.gguf", server.base());
            d.download(a, a.cachePath(cache), null);
            ModelReference b = ModelReference.parse(server.uri("/files/b.bin").toString());
            d.download(b, b.cachePath(cache), null);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return new CommandLine(new ModelFilesCommand(() -> cache))
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void cacheListsWhatWasPulledFromTheSidecars() throws Exception {
        ModelCache c = new ModelCache(cache);
        Files.write(cache.resolve("stray.gguf"), new byte[10]); // no sidecar: not ours
        Files.writeString(cache.resolve("hf/o/r/main/x.gguf.part"), "partial");

        assertThat(c.list()).extracting(CachedFile::ref)
                .containsExactly("hf://o/r/a.gguf@main", server.uri("/files/b.bin").toString());
        CachedFile a = c.list().getFirst();
        assertThat(a.path()).isEqualTo(cache.resolve("hf/o/r/main/a.gguf"));
        assertThat(a.size()).isEqualTo(CONTENT.length);
        assertThat(a.sha256()).isEqualTo(ModelDownloaderTest.SHA);
        assertThat(a.source()).isEqualTo(server.uri("/o/r/resolve/main/a.gguf"));
        assertThat(a.downloadedAt()).isNotNull();
    }

    @Test
    void filesPrintsATableWithATotal() {
        assertThat(run()).isZero();

        String text = out.toString();
        assertThat(text).startsWith("SIZE");
        assertThat(text).contains("293 KiB").contains("hf://o/r/a.gguf@main  ->  " + Path.of("hf/o/r/main/a.gguf"));
        assertThat(text).contains("3 B").contains(server.uri("/files/b.bin").toString());
        assertThat(text).contains("2 files, 293 KiB in " + cache.toAbsolutePath());
    }

    @Test
    void emptyOrMissingCacheSaysSo() {
        StringWriter sw = new StringWriter();
        ModelFilesCommand.printCache(new ModelCache(cache.resolve("nothing-here")), new PrintWriter(sw));
        assertThat(sw.toString()).startsWith("No model files in ");
    }

    @Test
    void rmRemovesByReferenceOrPathAndPrunesEmptyDirectories() {
        assertThat(run("rm", "hf://o/r/a.gguf")).isZero();
        assertThat(cache.resolve("hf/o/r/main/a.gguf")).doesNotExist();
        assertThat(cache.resolve("hf/o/r/main/a.gguf.hearth.json")).doesNotExist();
        assertThat(cache.resolve("hf")).doesNotExist();

        Path b = ModelReference.parse(server.uri("/files/b.bin").toString()).cacheRelativePath();
        assertThat(run("rm", b.toString())).isZero();
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void rmOfSomethingAbsentOrOutsideTheCacheFails() throws Exception {
        assertThat(run("rm", "hf://o/r/other.gguf")).isEqualTo(1);
        assertThat(err.toString()).startsWith("hearth files: not in the model cache");

        Path outside = Files.createTempFile("hearth-outside", ".bin");
        try {
            assertThat(run("rm", "../" + outside.getFileName())).isEqualTo(1);
            assertThat(run("rm", outside.toString())).isEqualTo(1);
            assertThat(err.toString()).contains("is not a file in the model cache");
            assertThat(outside).exists();
        } finally {
            Files.deleteIfExists(outside);
        }
        assertThatThrownBy(() -> new ModelCache(cache).remove("hf")).isInstanceOf(IllegalArgumentException.class);
    }
}
