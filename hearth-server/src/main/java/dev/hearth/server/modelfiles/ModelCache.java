package dev.hearth.server.modelfiles;

import dev.hearth.server.io.DurableFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local model-file cache: files pulled by {@link ModelDownloader}, each with a {@code .hearth.json} sidecar.
 * Files without a (readable) sidecar are not listed: they are either foreign or a download that did not finish.
 */
public final class ModelCache {

    private final Path root;

    public ModelCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * A sensible default cache directory: {@code $XDG_CACHE_HOME/hearth/models}, else
     * {@code ~/.cache/hearth/models} (the root CLI's configuration may choose another).
     */
    public static Path defaultDirectory(java.util.Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "hearth", "models");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "hearth", "models");
    }

    public Path root() {
        return root;
    }

    /** Where {@code ref} is (or would be) stored. */
    public Path pathFor(ModelReference ref) {
        return ref.cachePath(root);
    }

    /** Every complete file in the cache, sorted by path. A missing cache directory is an empty cache. */
    public List<CachedFile> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<CachedFile> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Sidecar::isSidecar)::iterator) {
                entry(p).ifPresent(out::add);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.sort(Comparator.comparing(CachedFile::path));
        return out;
    }

    /** The cached file for {@code ref}, when it is complete (file and matching sidecar present). */
    public Optional<CachedFile> find(ModelReference ref) {
        return entry(Sidecar.pathFor(pathFor(ref)));
    }

    private Optional<CachedFile> entry(Path sidecar) {
        Path file = Sidecar.fileFor(sidecar);
        try {
            if (!Files.isRegularFile(file) || !Files.isRegularFile(sidecar)) {
                return Optional.empty();
            }
            FileMetadata m = Sidecar.read(sidecar);
            if (Files.size(file) != m.size()) {
                return Optional.empty(); // changed behind our back: not something we vouch for
            }
            Instant at;
            try {
                at = m.downloadedAt() == null ? null : Instant.parse(m.downloadedAt());
            } catch (DateTimeParseException e) {
                at = null;
            }
            return Optional.of(new CachedFile(file, m.ref(), URI.create(m.source()), m.size(), m.sha256(), at));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes a file, its sidecar and any partial download, given as a reference ({@code hf://...}, URL) or as a
     * path inside the cache (relative to it, or absolute).
     *
     * @return whether anything was deleted
     * @throws IllegalArgumentException when {@code what} is neither a reference nor a path inside the cache
     */
    public boolean remove(String what) throws IOException {
        Path file;
        String lower = what.strip().toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("hf://") || lower.startsWith("http://") || lower.startsWith("https://")) {
            file = pathFor(ModelReference.parse(what, ModelReference.DEFAULT_HF_ENDPOINT));
        } else {
            Path given = Path.of(what.strip());
            Path p = (given.isAbsolute() ? given : root.resolve(given)).toAbsolutePath().normalize();
            if (!p.startsWith(root) || p.equals(root)) {
                throw new IllegalArgumentException("'" + what + "' is not a file in the model cache " + root);
            }
            if (Sidecar.isSidecar(p)) {
                p = Sidecar.fileFor(p);
            }
            file = p;
        }
        return remove(file);
    }

    /** Removes the cached file for {@code ref}; see {@link #remove(String)}. */
    public boolean remove(ModelReference ref) throws IOException {
        return remove(pathFor(ref));
    }

    private boolean remove(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("'" + file + "' is a directory, not a cached file");
        }
        boolean any = false;
        for (Path p : List.of(file, Sidecar.pathFor(file), file.resolveSibling(file.getFileName() + ModelReference.PART_SUFFIX))) {
            try {
                Files.delete(p);
                any = true;
            } catch (NoSuchFileException ignored) {
                // fine
            }
        }
        DurableFiles.pruneEmptyParents(file.getParent(), root);
        return any;
    }
}
