/**
 * Model files: {@code hearth pull REF} and the local model cache.
 *
 * <ul>
 *   <li>{@link dev.hearth.server.modelfiles.ModelReference} parses {@code hf://OWNER/REPO/PATH[@REV][#sha256=HEX]}
 *       and {@code http(s)://} references into a URL and a path inside the cache;</li>
 *   <li>{@link dev.hearth.server.modelfiles.ModelDownloader} downloads with resume, verification, retries and
 *       token-safe redirects, writing a {@code .hearth.json} sidecar next to each file;</li>
 *   <li>{@link dev.hearth.server.modelfiles.ModelCache} lists and removes cached files;</li>
 *   <li>{@link dev.hearth.server.modelfiles.PullCommand} and {@link dev.hearth.server.modelfiles.ModelFilesCommand}
 *       are picocli subcommands for the root {@code hearth} command.</li>
 * </ul>
 */
package dev.hearth.server.modelfiles;
