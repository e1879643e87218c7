package dev.hearth.server.modelfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ModelDownloaderTest {

    static final byte[] CONTENT = new byte[300_000];
    static final String SHA;

    static {
        new Random(42).nextBytes(CONTENT);
        SHA = sha256(CONTENT);
    }

    @TempDir
    Path cache;

    TestFileServer server;
    ModelDownloader downloader;
    final Events events = new Events();

    @BeforeEach
    void start() throws IOException {
        server = new TestFileServer();
        downloader = fastDownloader(5);
    }

    @AfterEach
    void stop() {
        downloader.close();
        server.close();
    }

    static ModelDownloader fastDownloader(int attempts) {
        return ModelDownloader.builder().maxAttempts(attempts)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
    }

    ModelReference url(String path, String sha) {
        return ModelReference.parse(server.uri(path) + (sha == null ? "" : "#sha256=" + sha));
    }

    @Test
    void downloadsVerifiesAndWritesSidecar() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        ModelReference ref = url("/m.gguf", SHA);
        Path target = ref.cachePath(cache);

        DownloadResult r = downloader.download(ref, target, events);

        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(ModelDownloader.partPath(target)).doesNotExist();
        assertThat(r.size()).isEqualTo(CONTENT.length);
        assertThat(r.sha256()).isEqualTo(SHA);
        assertThat(r.verifiedBy()).isEqualTo("reference");
        JsonNode meta = JsonMapper.builder().build().readTree(ModelDownloader.metadataPath(target).toFile());
        assertThat(meta.get("source").asString()).isEqualTo(server.uri("/m.gguf").toString());
        assertThat(meta.get("size").asLong()).isEqualTo(CONTENT.length);
        assertThat(meta.get("sha256").asString()).isEqualTo(SHA);
        assertThat(meta.get("downloadedAt").asString()).isNotBlank();
        assertThat(events.ended).containsExactly(true);
    }

    @Test
    void interruptedDownloadResumesWithARangeRequest() throws Exception {
        server.route("/m.gguf", (ex, n) -> {
            if (n == 1) {
                TestFileServer.serveTruncated(ex, CONTENT, 100_000, events.reached(100_000));
            } else {
                TestFileServer.serve(ex, CONTENT, true);
            }
        });
        ModelReference ref = url("/m.gguf", SHA);
        Path target = ref.cachePath(cache);

        downloader.download(ref, target, events);

        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::range)
                .containsExactly(null, "bytes=100000-");
        assertThat(events.starts).containsExactly(0L, 100_000L);
        assertThat(events.retries).hasSize(1);
    }

    @Test
    void leftoverPartFromAnEarlierRunIsResumed() throws Exception {
        server.route("/m.gguf", (ex, n) -> {
            if (n == 1) {
                TestFileServer.serveTruncated(ex, CONTENT, 123_456, events.reached(123_456));
            } else {
                TestFileServer.serve(ex, CONTENT, true);
            }
        });
        ModelReference ref = url("/m.gguf", null);
        Path target = ref.cachePath(cache);

        try (ModelDownloader once = fastDownloader(1)) {
            assertThatThrownBy(() -> once.download(ref, target, events))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageContaining("failed after 1 attempt");
        }
        assertThat(target).doesNotExist();
        assertThat(ModelDownloader.partPath(target)).hasSize(123_456);

        try (ModelDownloader again = fastDownloader(1)) {
            again.download(ref, target, null);
        }

        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::range)
                .containsExactly(null, "bytes=123456-");
    }

    @Test
    void serverIgnoringRangeMeansStartingOver() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, false));
        ModelReference ref = url("/m.gguf", SHA);
        Path target = ref.cachePath(cache);
        Files.createDirectories(target.getParent());
        Files.write(ModelDownloader.partPath(target), new byte[] {1, 2, 3, 4, 5}); // stale bytes, not a prefix

        downloader.download(ref, target, events);

        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::range).containsExactly("bytes=5-");
        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(events.starts).containsExactly(0L);
    }

    @Test
    void partLargerThanTheRemoteFileIsDiscarded() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        ModelReference ref = url("/m.gguf", null);
        Path target = ref.cachePath(cache);
        Files.createDirectories(target.getParent());
        Files.write(ModelDownloader.partPath(target), new byte[CONTENT.length + 10]);

        downloader.download(ref, target, null);

        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::range)
                .containsExactly("bytes=" + (CONTENT.length + 10) + "-", null);
    }

    @Test
    void completePartIsVerifiedWithoutDownloadingAgain() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        ModelReference ref = url("/m.gguf", SHA);
        Path target = ref.cachePath(cache);
        Files.createDirectories(target.getParent());
        Files.write(ModelDownloader.partPath(target), CONTENT);

        DownloadResult r = downloader.download(ref, target, null);

        assertThat(r.sha256()).isEqualTo(SHA);
        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(server.seen("/m.gguf")).hasSize(1); // answered 416 with the full size
    }

    @Test
    void resumingFromAPartOfAnOlderVersionStartsOverOnce() throws Exception {
        server.route("/m.gguf", (ex, n) -> {
            ex.getResponseHeaders().set("ETag", "\"" + SHA + "\"");
            TestFileServer.serve(ex, CONTENT, true);
        });
        ModelReference ref = url("/m.gguf", null);
        Path target = ref.cachePath(cache);
        Files.createDirectories(target.getParent());
        Files.write(ModelDownloader.partPath(target), new byte[100_000]); // same length, other bytes

        DownloadResult r = downloader.download(ref, target, events);

        assertThat(target).hasBinaryContent(CONTENT);
        assertThat(r.verifiedBy()).isEqualTo("etag");
        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::range).containsExactly("bytes=100000-", null);
        assertThat(events.retries).singleElement().asString().contains("sha256 mismatch after resuming");
    }

    @Test
    void checksumMismatchFailsAndLeavesNothingInPlace() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        String wrong = "0".repeat(64);
        ModelReference ref = url("/m.gguf", wrong);
        Path target = ref.cachePath(cache);

        assertThatThrownBy(() -> downloader.download(ref, target, events))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("sha256 mismatch")
                .hasMessageContaining("expected " + wrong)
                .hasMessageContaining("got " + SHA);

        assertThat(target).doesNotExist();
        assertThat(ModelDownloader.partPath(target)).doesNotExist();
        assertThat(ModelDownloader.metadataPath(target)).doesNotExist();
        assertThat(events.ended).containsExactly(false);
    }

    @Test
    void etagDigestIsCheckedWhenTheReferenceHasNone() throws Exception {
        String wrong = "b".repeat(64);
        server.route("/good", (ex, n) -> {
            ex.getResponseHeaders().set("ETag", "\"" + SHA + "\"");
            TestFileServer.serve(ex, CONTENT, true);
        });
        server.route("/bad", (ex, n) -> {
            ex.getResponseHeaders().set("ETag", "\"" + wrong + "\"");
            TestFileServer.serve(ex, CONTENT, true);
        });
        server.route("/sha1", (ex, n) -> { // git blob ids are 40 hex: not a sha256, not checked
            ex.getResponseHeaders().set("ETag", "\"" + "c".repeat(40) + "\"");
            TestFileServer.serve(ex, CONTENT, true);
        });

        assertThat(downloader.download(url("/good", null), cache.resolve("good"), null).verifiedBy()).isEqualTo("etag");
        assertThat(downloader.download(url("/sha1", null), cache.resolve("sha1"), null).verifiedBy()).isNull();
        assertThatThrownBy(() -> downloader.download(url("/bad", null), cache.resolve("bad"), null))
                .isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("ETag");
        assertThat(cache.resolve("bad")).doesNotExist();
    }

    @Test
    void hfReferenceFollowsRedirectToCdnWithoutForwardingTheToken() throws Exception {
        try (TestFileServer cdn = new TestFileServer();
             ModelDownloader withToken = ModelDownloader.builder().bearerToken("hf_secret")
                     .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            cdn.route("/blobs/abc", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
            server.route("/owner/repo/resolve/v2/dir/m.gguf", (ex, n) -> {
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + SHA + "\"");
                TestFileServer.redirect(ex, cdn.uri("/blobs/abc?X-Amz-Signature=s3cr3t"));
            });
            ModelReference ref = ModelReference.parse("hf://owner/repo/dir/m.gguf@v2", server.base());
            Path target = ref.cachePath(cache);

            DownloadResult r = withToken.download(ref, target, null);

            assertThat(target).isEqualTo(cache.resolve("hf/owner/repo/v2/dir/m.gguf")).hasBinaryContent(CONTENT);
            assertThat(r.verifiedBy()).isEqualTo("etag");
            assertThat(server.seen("/owner/repo/resolve/v2/dir/m.gguf"))
                    .extracting(TestFileServer.Seen::authorization).containsExactly("Bearer hf_secret");
            assertThat(cdn.seen("/blobs/abc")).hasSize(1)
                    .extracting(TestFileServer.Seen::authorization).containsOnlyNulls();
        }
    }

    @Test
    void tokenIsNotSentForPlainUrls() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        try (ModelDownloader withToken = ModelDownloader.builder().bearerToken("hf_secret").build()) {
            withToken.download(url("/m.gguf", SHA), cache.resolve("m.gguf"), null);
        }
        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::authorization).containsOnlyNulls();
    }

    @Test
    void serverErrorsAreRetriedButNotFoundIsNot() throws Exception {
        server.route("/flaky", (ex, n) -> {
            if (n <= 2) {
                ex.sendResponseHeaders(503, -1);
            } else {
                TestFileServer.serve(ex, CONTENT, true);
            }
        });

        downloader.download(url("/flaky", SHA), cache.resolve("flaky"), events);
        assertThat(cache.resolve("flaky")).hasBinaryContent(CONTENT);
        assertThat(events.retries).hasSize(2).allSatisfy(r -> assertThat(r).contains("HTTP 503"));

        assertThatThrownBy(() -> downloader.download(url("/missing", null), cache.resolve("missing"), null))
                .isInstanceOf(DownloadException.class).hasMessageContaining("HTTP 404");
        assertThat(server.seen("/missing")).hasSize(1);
        assertThat(ModelDownloader.partPath(cache.resolve("missing"))).doesNotExist();
    }

    @Test
    void retriesAreBounded() {
        server.route("/down", (ex, n) -> ex.sendResponseHeaders(500, -1));

        try (ModelDownloader d = fastDownloader(3)) {
            assertThatThrownBy(() -> d.download(url("/down", null), cache.resolve("down"), null))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageContaining("failed after 3 attempts")
                    .hasMessageContaining("HTTP 500");
        }
        assertThat(server.seen("/down")).hasSize(3);
    }

    @Test
    void connectionRefusedIsReportedClearly() throws Exception {
        int port;
        try (TestFileServer gone = new TestFileServer()) {
            port = gone.base().getPort();
        }
        ModelReference ref = ModelReference.parse("http://127.0.0.1:" + port + "/m.gguf");
        try (ModelDownloader d = fastDownloader(2)) {
            assertThatThrownBy(() -> d.download(ref, cache.resolve("m"), null))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageContaining("failed after 2 attempts")
                    .hasMessageContaining("cannot reach 127.0.0.1:" + port);
        }
    }

    @Test
    void stalledTransferIsAbandonedAndResumed() throws Exception {
        server.route("/m.gguf", (ex, n) -> {
            if (n == 1) {
                server.serveStalling(ex, CONTENT, 50_000);
            } else {
                TestFileServer.serve(ex, CONTENT, true);
            }
        });
        try (ModelDownloader d = ModelDownloader.builder().readTimeout(Duration.ofMillis(500))
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build()) {
            d.download(url("/m.gguf", SHA), cache.resolve("m"), events);
        }
        assertThat(cache.resolve("m")).hasBinaryContent(CONTENT);
        assertThat(events.retries.getFirst()).contains("no data received for 500 ms");
        // (a heavily loaded machine might stall the second attempt too: only the first resume is pinned down)
        assertThat(server.seen("/m.gguf")).extracting(TestFileServer.Seen::range).startsWith(null, "bytes=50000-");
    }

    @Test
    void aSecondConcurrentDownloadOfTheSameFileIsRefused() throws Exception {
        server.route("/m.gguf", (ex, n) -> TestFileServer.serve(ex, CONTENT, true));
        Path target = cache.resolve("m.gguf");
        try (var ch = java.nio.channels.FileChannel.open(ModelDownloader.partPath(target),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var lock = ch.lock()) {
            assertThat(lock.isValid()).isTrue();
            assertThatThrownBy(() -> downloader.download(url("/m.gguf", null), target, null))
                    .isInstanceOf(DownloadException.class).hasMessageContaining("in progress");
        }
        assertThat(server.seen("/m.gguf")).isEmpty();
        assertThat(target).doesNotExist();
    }

    @Test
    void redirectLoopsEnd() {
        server.route("/loop", (ex, n) -> TestFileServer.redirect(ex, server.uri("/loop")));

        assertThatThrownBy(() -> downloader.download(url("/loop", null), cache.resolve("loop"), null))
                .isInstanceOf(DownloadException.class).hasMessageContaining("too many redirects");
        assertThat(server.seen("/loop")).hasSize(11);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static final class Events implements ProgressListener {
        final List<Long> starts = new CopyOnWriteArrayList<>();
        final List<String> retries = new CopyOnWriteArrayList<>();
        final List<Boolean> ended = new CopyOnWriteArrayList<>();
        private volatile long awaited = -1;
        private final CountDownLatch reached = new CountDownLatch(1);

        /** Released once {@code bytes} bytes are on disk. */
        CountDownLatch reached(long bytes) {
            awaited = bytes;
            return reached;
        }

        @Override
        public void onProgress(long done, long total) {
            if (done == awaited) {
                reached.countDown();
            }
        }

        @Override
        public void onStart(long offset, long total) {
            starts.add(offset);
        }

        @Override
        public void onRetry(int failures, int maxAttempts, Duration delay, String reason) {
            retries.add(reason);
        }

        @Override
        public void onEnd(boolean success) {
            ended.add(success);
        }
    }
}
