package dev.hearth.server.modelfiles;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A model file present in the local cache.
 *
 * @param path         absolute path of the file
 * @param ref          the canonical reference it was pulled as
 * @param source       the URL it was downloaded from
 * @param size         size in bytes
 * @param sha256       lower-case hex sha256
 * @param downloadedAt when it was downloaded
 */
public record CachedFile(Path path, String ref, URI source, long size, String sha256, Instant downloadedAt) {
}
