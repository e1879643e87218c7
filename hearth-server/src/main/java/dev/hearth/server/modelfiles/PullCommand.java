package dev.hearth.server.modelfiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hearth pull REF}: downloads a model file into the local cache (resuming a partial download), verifies it
 * and prints one line: {@code Pulled REF -> PATH (SIZE, sha256 HEX)}, or only {@code PATH} with {@code --quiet}.
 * Exit codes: 0 done (or already present), 1 download failed, 2 bad reference or option.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {
                "Download a model file into the local cache.",
                "REF is hf://OWNER/REPO/PATH[@REVISION] (revision defaults to main) or an http(s):// URL, "
                        + "optionally followed by #sha256=HEX to verify the download.",
                "A token for gated or private Hugging Face repositories is read from HF_TOKEN."})
public final class PullCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "hf://OWNER/REPO/PATH[@REVISION][#sha256=HEX] or URL")
    String ref;

    @Option(names = "--force", description = "Download again even if the file is already in the cache.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress output; print only the local path when done.")
    boolean quiet;

    @Option(names = "--hf-endpoint", paramLabel = "URL",
            description = "Hugging Face endpoint or mirror (default: $HF_ENDPOINT or https://huggingface.co).")
    String hfEndpoint;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5",
            description = "Retries in a row on connection errors and server errors (default: ${DEFAULT-VALUE}).")
    int retries;

    private final Supplier<Path> cacheDir;
    private final Map<String, String> env;
    private final BooleanSupplier stdoutIsTerminal;
    private Duration initialBackoff = Duration.ofSeconds(1);

    /** For the CLI: environment from the process, terminal detection from {@link System#console()}. */
    public PullCommand(Supplier<Path> cacheDir) {
        this(cacheDir, System.getenv(), TerminalProgressBar::stdoutIsTerminal);
    }

    /** For tests and embedding: explicit environment (HF_ENDPOINT, HF_TOKEN) and terminal detection. */
    public PullCommand(Supplier<Path> cacheDir, Map<String, String> env, BooleanSupplier stdoutIsTerminal) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.env = Map.copyOf(env);
        this.stdoutIsTerminal = Objects.requireNonNull(stdoutIsTerminal);
    }

    /** Delay before the first retry (default 1 s); tests shorten it. */
    PullCommand initialBackoff(Duration d) {
        this.initialBackoff = d;
        return this;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (retries < 0) {
                throw new IllegalArgumentException("--retries must not be negative");
            }
            URI endpoint = hfEndpoint != null
                    ? ModelReference.parseEndpoint(hfEndpoint, "--hf-endpoint")
                    : ModelReference.hfEndpointFrom(env);
            ModelReference r = ModelReference.parse(ref, endpoint);
            ModelCache cache = new ModelCache(cacheDir.get());
            Path target = cache.pathFor(r);

            if (!force) {
                Optional<CachedFile> hit = cache.find(r);
                if (hit.isPresent() && r.expectedSha256().map(hit.get().sha256()::equalsIgnoreCase).orElse(true)) {
                    CachedFile f = hit.get();
                    out.println(quiet ? f.path().toString()
                            : "Already present: " + r.canonical() + " -> " + f.path() + " (" + Sizes.bytes(f.size())
                              + ", sha256 " + f.sha256() + ")");
                    out.flush();
                    return 0;
                }
            } else {
                Files.deleteIfExists(ModelDownloader.partPath(target));
            }

            ProgressListener progress = quiet ? new QuietProgress(null)
                    : stdoutIsTerminal.getAsBoolean() ? new TerminalProgressBar(out, target.getFileName().toString())
                    : new QuietProgress(err);
            try (ModelDownloader downloader = ModelDownloader.builder()
                    .maxAttempts(retries + 1)
                    .backoff(initialBackoff, Duration.ofSeconds(30))
                    .bearerToken(ModelDownloader.tokenFrom(env).orElse(null))
                    .build()) {
                DownloadResult res = downloader.download(r, target, progress);
                out.println(quiet ? res.path().toString()
                        : "Pulled " + r.canonical() + " -> " + res.path() + " (" + Sizes.bytes(res.size())
                          + ", sha256 " + res.sha256() + (res.verifiedBy() == null ? ", not verified" : ", verified") + ")");
                out.flush();
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("hearth pull: " + e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("hearth pull: " + message(e));
            err.flush();
            return 1;
        } catch (RuntimeException e) {
            err.println("hearth pull: unexpected error: " + message(e));
            err.flush();
            return 1;
        }
    }

    private static String message(Throwable e) {
        if (e instanceof DownloadException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        String what = e instanceof java.nio.file.AccessDeniedException ? "permission denied: "
                : e instanceof java.nio.file.NoSuchFileException ? "no such file: "
                : e instanceof java.nio.file.FileSystemException ? "file system error: " : "";
        return what + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }
}
