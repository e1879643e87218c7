package dev.hearth.server.modelfiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hearth files}: lists the model files in the local cache; {@code hearth files rm REF|PATH} removes one.
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = "List model files in the local cache (pulled with 'hearth pull').")
public final class ModelFilesCommand implements Callable<Integer> {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    private final Supplier<Path> cacheDir;

    public ModelFilesCommand(Supplier<Path> cacheDir) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            printCache(new ModelCache(cacheDir.get()), out);
            return 0;
        } catch (UncheckedIOException e) {
            return fail(e.getMessage());
        } catch (RuntimeException e) {
            return fail("cannot list the model cache: " + e.getMessage());
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a model file (and its metadata and any partial download) from the local cache.")
    int rm(@Parameters(paramLabel = "REF|PATH",
            description = "the reference it was pulled as, or its path (relative to the cache or absolute)") String what) {
        PrintWriter out = spec.commandLine().getOut();
        try {
            ModelCache cache = new ModelCache(cacheDir.get());
            if (!cache.remove(what)) {
                return fail("not in the model cache: " + what);
            }
            out.println("Removed " + what);
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail("cannot remove " + what + ": " + e.getMessage());
        }
    }

    private int fail(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("hearth files: " + message);
        err.flush();
        return 1;
    }

    /**
     * Prints the cache as a table (SIZE, DOWNLOADED, SHA256 prefix, REF, PATH relative to the cache) followed by a
     * total, or a one-line note when the cache is empty.
     *
     * @throws UncheckedIOException when the cache directory cannot be read
     */
    public static void printCache(ModelCache cache, PrintWriter out) {
        List<CachedFile> files;
        try {
            files = cache.list();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model cache " + cache.root() + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            out.println("No model files in " + cache.root());
            out.flush();
            return;
        }
        String fmt = "%-10s  %-17s  %-12s  %s%n";
        out.printf(Locale.ROOT, fmt, "SIZE", "DOWNLOADED", "SHA256", "REF  ->  PATH");
        long total = 0;
        for (CachedFile f : files) {
            total += f.size();
            out.printf(Locale.ROOT, fmt, Sizes.bytes(f.size()),
                    f.downloadedAt() == null ? "?" : WHEN.format(f.downloadedAt()),
                    f.sha256().length() > 12 ? f.sha256().substring(0, 12) : f.sha256(),
                    (f.ref() == null ? f.source() : f.ref()) + "  ->  " + cache.root().relativize(f.path()));
        }
        out.println(files.size() + (files.size() == 1 ? " file, " : " files, ") + Sizes.bytes(total) + " in " + cache.root());
        out.flush();
    }
}
