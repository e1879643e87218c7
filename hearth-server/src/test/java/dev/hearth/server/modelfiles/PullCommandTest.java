package dev.hearth.server.modelfiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class PullCommandTest {

    static final byte[] CONTENT = ModelDownloaderTest.CONTENT;
    static final String SHA = ModelDownloaderTest.SHA;
    static final String HUB_PATH = "/owner/repo/resolve/main/m.gguf";

    @TempDir
    Path cache;

    TestFileServer hub;
    final Map<String, String> env = new HashMap<>();
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() throws Exception {
        hub = new TestFileServer();
        env.put("HF_ENDPOINT", hub.base().toString());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    int run(boolean terminal, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        PullCommand cmd = new PullCommand(() -> cache, env, () -> terminal).initialBackoff(Duration.ofMillis(1));
        return new CommandLine(cmd).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void pipedOutputIsASingleFinalLineEvenWhenTheDownloadIsRetried() {
        hub.route(HUB_PATH, (ex, n) -> {
            if (n == 1) {
                TestFileServer.serveTruncated(ex, CONTENT, 1000);
            } else {
                TestFileServer.serve(ex, CONTENT, true);
            }
        });
        Path file = cache.resolve("hf/owner/repo/main/m.gguf");

        int rc = run(false, "hf://owner/repo/m.gguf#sha256=" + SHA);

        assertThat(rc).isZero();
        assertThat(file).hasBinaryContent(CONTENT);
        assertThat(out.toString()).isEqualTo("Pulled hf://owner/repo/m.gguf@main -> " + file
                + " (293 KiB, sha256 " + SHA + ", verified)" + System.lineSeparator());
        assertThat(err.toString()).contains("retrying").doesNotContain("\r");
    }

    @Test
    void quietPrintsOnlyThePathAndNothingElse() {
        hub.route(HUB_PATH, (ex, n) -> TestFileServer.serve(ex, CONTENT, true));

        int rc = run(true, "--quiet", "hf://owner/repo/m.gguf");

        assertThat(rc).isZero();
        assertThat(out.toString()).isEqualTo(cache.resolve("hf/owner/repo/main/m.gguf") + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void terminalGetsAProgressBar() {
        hub.route(HUB_PATH, (ex, n) -> TestFileServer.serve(ex, CONTENT, true));

        assertThat(run(true, "hf://owner/repo/m.gguf")).isZero();

        assertThat(out.toString()).startsWith("\rm.gguf").contains("100%").contains("\nPulled hf://owner/repo/m.gguf@main");
    }

    @Test
    void secondPullUsesTheCacheUnlessForced() {
        hub.route(HUB_PATH, (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        assertThat(run(false, "hf://owner/repo/m.gguf")).isZero();

        assertThat(run(false, "hf://owner/repo/m.gguf")).isZero();
        assertThat(out.toString()).startsWith("Already present: hf://owner/repo/m.gguf@main -> ");
        assertThat(hub.seen(HUB_PATH)).hasSize(1);

        assertThat(run(false, "--force", "hf://owner/repo/m.gguf")).isZero();
        assertThat(out.toString()).startsWith("Pulled ");
        assertThat(hub.seen(HUB_PATH)).hasSize(2);
    }

    @Test
    void endpointOptionOverridesTheEnvironmentAndTokenComesFromHfToken() throws Exception {
        env.put("HF_ENDPOINT", "http://127.0.0.1:1");
        env.put("HF_TOKEN", "hf_abc");
        hub.route(HUB_PATH, (ex, n) -> TestFileServer.serve(ex, CONTENT, true));

        assertThat(run(false, "--hf-endpoint", hub.base().toString(), "hf://owner/repo/m.gguf")).isZero();
        assertThat(hub.seen(HUB_PATH)).extracting(TestFileServer.Seen::authorization).containsExactly("Bearer hf_abc");
    }

    @Test
    void failuresAreOneLineWithoutStackTrace() {
        int bad = run(false, "hf://owner/../m.gguf");
        assertThat(bad).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("hearth pull: ").doesNotContain("\tat ").hasLineCount(1);

        int missing = run(false, "--retries", "0", "hf://owner/repo/nope.gguf");
        assertThat(missing).isEqualTo(1);
        assertThat(err.toString()).startsWith("hearth pull: HTTP 404").doesNotContain("\tat ").hasLineCount(1);

        hub.route(HUB_PATH, (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        int mismatch = run(false, "hf://owner/repo/m.gguf#sha256=" + "0".repeat(64));
        assertThat(mismatch).isEqualTo(1);
        assertThat(err.toString()).contains("sha256 mismatch").hasLineCount(1);
        assertThat(cache.resolve("hf/owner/repo/main/m.gguf")).doesNotExist();
    }
}
