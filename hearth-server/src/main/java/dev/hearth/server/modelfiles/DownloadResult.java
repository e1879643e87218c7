package dev.hearth.server.modelfiles;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A file that was downloaded and verified.
 *
 * @param path         where it now is
 * @param source       the URL it was requested from (before redirects)
 * @param size         its size in bytes
 * @param sha256       its lower-case hex sha256
 * @param verifiedBy   what the digest was checked against: {@code "reference"} (the {@code #sha256=} of the
 *                     reference), {@code "etag"} (the server's X-Linked-Etag/ETag) or {@code null} when nothing
 *                     to check against was known
 * @param downloadedAt when the download completed
 */
public record DownloadResult(Path path, URI source, long size, String sha256, String verifiedBy, Instant downloadedAt) {

    public Optional<String> verifiedByOptional() {
        return Optional.ofNullable(verifiedBy);
    }
}
