package dev.hearth.server.modelfiles;

/**
 * The sidecar written next to every downloaded file as {@code <file>.hearth.json}.
 *
 * @param ref          the canonical reference it was pulled as ({@code hf://...@rev} or the URL)
 * @param source       the URL requested (before redirects)
 * @param size         size in bytes
 * @param sha256       lower-case hex sha256 of the content
 * @param verifiedBy   {@code "reference"}, {@code "etag"} or null, see {@link DownloadResult#verifiedBy()}
 * @param downloadedAt ISO-8601 instant
 */
public record FileMetadata(String ref, String source, long size, String sha256, String verifiedBy, String downloadedAt) {
}
