package dev.hearth.server.modelfiles;

import dev.hearth.server.io.DurableFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads model files over HTTP(S) into place, safely:
 * <ul>
 *   <li>bytes go to {@code <target>.part}; an existing {@code .part} is resumed with {@code Range: bytes=N-}
 *       (a {@code 206} with a matching {@code Content-Range} is required; a {@code 200} means start over, as does a
 *       {@code .part} larger than the remote file);</li>
 *   <li>size is checked against Content-Length / Content-Range, sha256 against the reference's {@code #sha256=} or
 *       else a 64-hex {@code X-Linked-Etag}/{@code ETag} (as Hugging Face sends for LFS files); a mismatch deletes
 *       the {@code .part} and throws {@link ChecksumMismatchException};</li>
 *   <li>the file is fsynced, renamed atomically into place and described by a {@code <target>.hearth.json} sidecar;</li>
 *   <li>connection errors, stalls, 5xx, 408 and 429 are retried with exponential backoff, a bounded number of times
 *       in a row (an attempt that received bytes resets the count);</li>
 *   <li>redirects are followed by hand so that the bearer token goes only to the origin (scheme, host, port) of
 *       the first URL, and only for {@code hf://} references; https never redirects to plain http.</li>
 * </ul>
 * One downloader may serve many downloads, also concurrently (for different targets); close it when done.
 */
public final class ModelDownloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelDownloader.class);

    /** Environment variables the token is read from by {@link #tokenFrom(Map)}, first match wins. */
    public static final String HF_TOKEN_ENV = "HF_TOKEN";
    private static final String HF_TOKEN_ENV_LEGACY = "HUGGING_FACE_HUB_TOKEN";

    private static final int MAX_REDIRECTS = 10;
    private static final int BUFFER_SIZE = 1 << 16;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTENT_RANGE_UNSATISFIED = Pattern.compile("bytes\\s+\\*/(\\d+)", Pattern.CASE_INSENSITIVE);

    private final HttpClient client;
    private final boolean ownsClient;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Duration readTimeout;
    private final String token;
    private final String userAgent;
    private final Clock clock;
    private final ScheduledExecutorService watchdog;

    private ModelDownloader(Builder b) {
        this.ownsClient = b.client == null;
        this.client = b.client != null ? b.client : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, see open()
                .connectTimeout(b.connectTimeout)
                .build();
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout;
        this.readTimeout = b.readTimeout;
        this.token = b.token == null || b.token.isBlank() ? null : b.token.strip();
        this.userAgent = b.userAgent;
        this.clock = b.clock;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-download-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Hugging Face token from {@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}) in {@code env}. */
    public static Optional<String> tokenFrom(Map<String, String> env) {
        for (String name : new String[] {HF_TOKEN_ENV, HF_TOKEN_ENV_LEGACY}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return Optional.of(v.strip());
            }
        }
        return Optional.empty();
    }

    /** The file name used for the partial download of {@code target}. */
    public static Path partPath(Path target) {
        return target.resolveSibling(target.getFileName() + ModelReference.PART_SUFFIX);
    }

    /** The sidecar metadata file of {@code target}. */
    public static Path metadataPath(Path target) {
        return Sidecar.pathFor(target);
    }

    /**
     * Downloads {@code ref} to {@code target} (creating parent directories), resuming {@code target.part} if it
     * exists, and writes the sidecar. An existing {@code target} is replaced only once the new file is verified.
     *
     * @throws ChecksumMismatchException when size or digest do not match (the .part is deleted)
     * @throws DownloadException         for HTTP errors, exhausted retries and the like; the message is one line
     * @throws IOException               for local file-system trouble
     */
    public DownloadResult download(ModelReference ref, Path target, ProgressListener listener) throws IOException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(target, "target");
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        boolean ok = false;
        try {
            DownloadResult r = new Job(ref, target.toAbsolutePath(), progress).run();
            ok = true;
            return r;
        } finally {
            progress.onEnd(ok);
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }

    /** A failed attempt that may be retried. */
    private static final class RetryableException extends IOException {
        final Duration retryAfter;
        final boolean madeProgress;

        RetryableException(String message, Duration retryAfter, boolean madeProgress, Throwable cause) {
            super(message, cause);
            this.retryAfter = retryAfter;
            this.madeProgress = madeProgress;
        }
    }

    /** One download: the .part channel, its lock and the running digest survive across attempts. */
    private final class Job {
        final ModelReference ref;
        final Path target;
        final Path part;
        final ProgressListener progress;
        final URI origin;
        final MessageDigest digest;
        long hashed; // bytes [0, hashed) of the .part are in digest
        String linkedEtag; // from the latest request's redirect chain
        String finalEtag;
        boolean resumed; // some bytes kept came from before the latest full (200) response

        Job(ModelReference ref, Path target, ProgressListener progress) {
            this.ref = ref;
            this.target = target;
            this.part = partPath(target);
            this.progress = progress;
            this.origin = origin(ref.url());
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }

        DownloadResult run() throws IOException {
            Files.createDirectories(target.getParent());
            long size;
            String actual;
            String expected;
            String verifiedBy;
            boolean locked = false;
            boolean transferred = false;
            try {
                try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
                    FileLock lock;
                    try {
                        lock = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        lock = null;
                    }
                    if (lock == null) {
                        throw new DownloadException("another download of " + target + " is in progress");
                    }
                    locked = true;
                    boolean mayRestart = true;
                    while (true) {
                        size = transferWithRetries(ch);
                        actual = HexFormat.of().formatHex(digest.digest());
                        hashed = 0; // digest() reset the digest
                        expected = ref.expectedSha256().orElse(null);
                        verifiedBy = expected != null ? "reference" : null;
                        if (expected == null && (linkedEtag != null || finalEtag != null)) {
                            expected = linkedEtag != null ? linkedEtag : finalEtag;
                            verifiedBy = "etag";
                        }
                        if (expected == null || expected.equals(actual) || !resumed || !mayRestart) {
                            break;
                        }
                        // The bytes we resumed from may belong to an older version of the file: start over once.
                        mayRestart = false;
                        resumed = false;
                        truncate(ch);
                        String why = "sha256 mismatch after resuming a partial download (the remote file may have changed); starting over";
                        log.debug("{}: {}", ref.url(), why);
                        progress.onRetry(1, maxAttempts, Duration.ZERO, why);
                    }
                    if (expected == null || expected.equals(actual)) {
                        ch.force(true);
                        transferred = true;
                    }
                }
            } finally {
                if (locked && !transferred) {
                    deleteIfEmpty(part); // nothing worth resuming: do not leave an empty .part behind
                }
            }
            if (!transferred) {
                Files.deleteIfExists(part);
                throw new ChecksumMismatchException("sha256 mismatch for " + ref.canonical() + ": expected " + expected
                        + ("etag".equals(verifiedBy) ? " (from the server's ETag)" : "") + ", got " + actual
                        + "; the partial download was deleted", expected, actual);
            }
            DurableFiles.moveAtomically(part, target);
            Instant now = clock.instant();
            DownloadResult result = new DownloadResult(target, ref.url(), size, actual, verifiedBy, now);
            Sidecar.write(target, new FileMetadata(ref.canonical(), ref.url().toString(), size, actual, verifiedBy,
                    now.toString()));
            return result;
        }

        long transferWithRetries(FileChannel ch) throws IOException {
            int failures = 0;
            while (true) {
                try {
                    return transfer(ch);
                } catch (RetryableException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("download of " + ref.url() + " interrupted");
                    }
                    failures = e.madeProgress ? 1 : failures + 1;
                    if (failures >= maxAttempts) {
                        throw new DownloadException("download of " + ref.url() + " failed after " + failures
                                + (failures == 1 ? " attempt: " : " attempts in a row: ") + e.getMessage(), e);
                    }
                    Duration delay = backoff(failures, e.retryAfter);
                    log.debug("retrying {} in {} after: {}", ref.url(), delay, e.getMessage());
                    progress.onRetry(failures, maxAttempts, delay, e.getMessage());
                    sleep(delay);
                }
            }
        }

        /** One attempt: request from the current .part size on, stream to the channel. Returns the final size. */
        long transfer(FileChannel ch) throws IOException {
            long have = ch.size();
            syncDigest(ch, have);
            HttpResponse<InputStream> resp = open(have);
            long total;
            long offset;
            try {
                int sc = resp.statusCode();
                HttpHeaders h = resp.headers();
                if (sc == 416) {
                    Matcher m = CONTENT_RANGE_UNSATISFIED.matcher(h.firstValue("content-range").orElse(""));
                    if (m.matches() && Long.parseLong(m.group(1)) == have) {
                        resumed = have > 0;
                        progress.onStart(have, have);
                        progress.onProgress(have, have);
                        return have; // the .part was already complete
                    }
                    truncate(ch);
                    throw new RetryableException("the partial download did not match the remote file (HTTP 416); starting over",
                            null, false, null);
                }
                if (sc == 200) {
                    resumed = false;
                    if (have > 0) {
                        log.debug("{} ignored the Range request; starting over", resp.uri());
                        truncate(ch);
                    }
                    offset = 0;
                    total = h.firstValueAsLong("content-length").orElse(-1);
                } else if (sc == 206) {
                    Matcher m = CONTENT_RANGE.matcher(h.firstValue("content-range").orElse(""));
                    if (!m.matches() || Long.parseLong(m.group(1)) != have || have == 0) {
                        truncate(ch);
                        throw new RetryableException("the server answered the resume request with a different range ("
                                + h.firstValue("content-range").orElse("no Content-Range") + "); starting over",
                                null, false, null);
                    }
                    offset = have;
                    resumed = true;
                    total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                } else if (sc >= 500 || sc == 408 || sc == 429) {
                    throw new RetryableException("HTTP " + sc + " from " + hostOf(resp.uri()), retryAfter(h), false, null);
                } else {
                    throw new DownloadException(httpError(sc, resp.uri()));
                }
                if (total >= 0 && have > total) { // cannot happen with a consistent 206, but be safe
                    truncate(ch);
                    throw new RetryableException("the partial download is larger than the remote file; starting over",
                            null, false, null);
                }
                progress.onStart(offset, total);
                long pos = stream(resp.body(), ch, offset, total);
                if (total >= 0 && pos < total) {
                    throw new RetryableException("connection closed after " + pos + " of " + total + " bytes",
                            null, pos > offset, null);
                }
                return pos;
            } finally {
                try {
                    resp.body().close();
                } catch (IOException ignored) {
                    // closing an aborted stream
                }
            }
        }

        /** Copies the body to the channel from {@code offset}; a read error becomes retryable, a write error does not. */
        long stream(InputStream in, FileChannel ch, long offset, long total) throws IOException {
            AtomicLong lastRead = new AtomicLong(System.nanoTime());
            AtomicBoolean stalled = new AtomicBoolean();
            long limit = readTimeout.toNanos();
            long period = Math.max(10, readTimeout.toMillis() / 4);
            ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastRead.get() > limit && stalled.compareAndSet(false, true)) {
                    try {
                        in.close(); // unblocks the reader
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }, period, period, TimeUnit.MILLISECONDS);
            long pos = offset;
            byte[] buf = new byte[BUFFER_SIZE];
            try {
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        if (stalled.get()) {
                            throw new RetryableException("no data received for " + readTimeout.toMillis() + " ms",
                                    null, pos > offset, e);
                        }
                        throw new RetryableException("connection lost after " + pos + " bytes (" + describe(e) + ")",
                                null, pos > offset, e);
                    }
                    if (n < 0) {
                        if (stalled.get()) {
                            throw new RetryableException("no data received for " + readTimeout.toMillis() + " ms",
                                    null, pos > offset, null);
                        }
                        return pos;
                    }
                    lastRead.set(System.nanoTime());
                    if (total >= 0 && pos + n > total) {
                        truncate(ch);
                        throw new RetryableException("the server sent more than the announced " + total
                                + " bytes; starting over", null, false, null);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    long p = pos;
                    try {
                        while (bb.hasRemaining()) {
                            p += ch.write(bb, p);
                        }
                    } catch (IOException e) {
                        throw new IOException("cannot write " + part + ": " + describe(e), e);
                    }
                    digest.update(buf, 0, n);
                    pos += n;
                    hashed = pos;
                    progress.onProgress(pos, total);
                }
            } finally {
                guard.cancel(false);
            }
        }

        /** Makes {@link #digest} cover exactly bytes [0, have) of the .part, re-reading it when needed. */
        void syncDigest(FileChannel ch, long have) throws IOException {
            if (hashed == have) {
                return;
            }
            digest.reset();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < have) {
                buf.clear();
                if (have - pos < buf.capacity()) {
                    buf.limit((int) (have - pos));
                }
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                buf.flip();
                digest.update(buf);
                pos += n;
            }
            hashed = pos;
        }

        void truncate(FileChannel ch) throws IOException {
            ch.truncate(0);
            digest.reset();
            hashed = 0;
        }

        /** Sends GET (with Range from {@code offset} when > 0), following redirects by hand. */
        HttpResponse<InputStream> open(long offset) throws IOException {
            URI uri = ref.url();
            linkedEtag = null;
            for (int hop = 0; ; hop++) {
                HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().timeout(requestTimeout)
                        .header("User-Agent", userAgent);
                if (offset > 0) {
                    rb.header("Range", "bytes=" + offset + "-");
                }
                if (token != null && ref.isHuggingFace() && origin(uri).equals(origin)) {
                    rb.header("Authorization", "Bearer " + token);
                }
                HttpResponse<InputStream> resp;
                try {
                    resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("download of " + ref.url() + " interrupted");
                } catch (IOException e) {
                    throw new RetryableException("cannot reach " + hostOf(uri) + " (" + describe(e) + ")", null, false, e);
                }
                HttpHeaders h = resp.headers();
                h.firstValue("x-linked-etag").map(ModelDownloader::sha256FromEtag).ifPresent(s -> {
                    if (linkedEtag == null) {
                        linkedEtag = s;
                    }
                });
                int sc = resp.statusCode();
                if (sc == 301 || sc == 302 || sc == 303 || sc == 307 || sc == 308) {
                    resp.body().close();
                    if (hop >= MAX_REDIRECTS) {
                        throw new DownloadException("too many redirects fetching " + ref.url());
                    }
                    String location = h.firstValue("location").orElse(null);
                    if (location == null) {
                        throw new DownloadException("redirect without a Location from " + hostOf(uri));
                    }
                    URI next;
                    try {
                        next = uri.resolve(new URI(location.strip()));
                    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                        throw new DownloadException("bad redirect Location from " + hostOf(uri) + ": " + location);
                    }
                    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("https") && !scheme.equals("http")) {
                        throw new DownloadException("refusing redirect to " + next);
                    }
                    if (scheme.equals("http") && "https".equalsIgnoreCase(uri.getScheme())) {
                        throw new DownloadException("refusing redirect from https to plain http (" + hostOf(next) + ")");
                    }
                    uri = next;
                    continue;
                }
                finalEtag = h.firstValue("etag").map(ModelDownloader::sha256FromEtag).orElse(null);
                return resp;
            }
        }
    }

    private static void deleteIfEmpty(Path p) {
        try {
            if (Files.size(p) == 0) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // gone already, or not ours to worry about
        }
    }

    private Duration backoff(int failures, Duration retryAfter) {
        long base = initialBackoff.toMillis() << Math.min(20, failures - 1);
        Duration d = Duration.ofMillis(Math.min(maxBackoff.toMillis(), base));
        if (retryAfter != null && retryAfter.compareTo(d) > 0) {
            d = retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter;
        }
        return d;
    }

    private static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        }
    }

    /** A 64-hex sha256 from an ETag value ({@code "..."} or {@code W/"..."}), or null when it is something else. */
    static String sha256FromEtag(String etag) {
        String s = etag.strip();
        if (s.startsWith("W/")) {
            s = s.substring(2);
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        s = s.toLowerCase(Locale.ROOT);
        return SHA256_HEX.matcher(s).matches() ? s : null;
    }

    private static Duration retryAfter(HttpHeaders h) {
        return h.firstValue("retry-after").map(v -> {
            try {
                return Duration.ofSeconds(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                return null; // HTTP dates are not worth the trouble here
            }
        }).orElse(null);
    }

    private static URI origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
    }

    private static String hostOf(URI uri) {
        return uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
    }

    private String httpError(int sc, URI uri) {
        String base = "HTTP " + sc + " from " + hostOf(uri) + " for " + ref(uri);
        if (sc == 401 || sc == 403) {
            return base + (token == null
                    ? " (the file may be gated or private: set " + HF_TOKEN_ENV + " to a token that can read it)"
                    : " (the token in " + HF_TOKEN_ENV + " was not accepted for this file)");
        }
        if (sc == 404) {
            return base + " (not found: check the owner, repository, revision and file path)";
        }
        return base;
    }

    private static String ref(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        return q >= 0 ? s.substring(0, q) : s; // query strings of CDN URLs carry signatures: keep them out of messages
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Settings for a {@link ModelDownloader}. */
    public static final class Builder {
        private HttpClient client;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration readTimeout = Duration.ofSeconds(60);
        private String token;
        private String userAgent = "hearth";
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Use this client (it must not follow redirects itself); by default the downloader makes and closes its own. */
        public Builder httpClient(HttpClient client) {
            this.client = client;
            return this;
        }

        /** Attempts in a row without progress before giving up (default 5, at least 1). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Delay before the first retry, doubled for each further one up to {@code max} (defaults 1 s and 30 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = requirePositive(initial, "initial backoff");
            this.maxBackoff = requirePositive(max, "max backoff");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = requirePositive(d, "connect timeout");
            return this;
        }

        /** Time to wait for response headers (default 60 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = requirePositive(d, "request timeout");
            return this;
        }

        /** Longest pause in the body before the attempt is abandoned and retried (default 60 s). */
        public Builder readTimeout(Duration d) {
            this.readTimeout = requirePositive(d, "read timeout");
            return this;
        }

        /** Bearer token for {@code hf://} references, sent only to the hub's origin (never to a CDN it redirects to). */
        public Builder bearerToken(String token) {
            this.token = token;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public ModelDownloader build() {
            return new ModelDownloader(this);
        }

        private static Duration requirePositive(Duration d, String what) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative");
            }
            return d;
        }
    }
}
