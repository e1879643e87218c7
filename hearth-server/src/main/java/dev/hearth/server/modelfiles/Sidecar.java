package dev.hearth.server.modelfiles;

import dev.hearth.server.io.DurableFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes the {@code <file>.hearth.json} metadata next to cached files. */
final class Sidecar {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Sidecar() {
    }

    static Path pathFor(Path file) {
        return file.resolveSibling(file.getFileName() + ModelReference.SIDECAR_SUFFIX);
    }

    static boolean isSidecar(Path p) {
        return p.getFileName().toString().endsWith(ModelReference.SIDECAR_SUFFIX);
    }

    /** The file a sidecar describes. */
    static Path fileFor(Path sidecar) {
        String name = sidecar.getFileName().toString();
        return sidecar.resolveSibling(name.substring(0, name.length() - ModelReference.SIDECAR_SUFFIX.length()));
    }

    /** Writes the sidecar for {@code file} atomically (temporary file, fsync, rename). */
    static void write(Path file, FileMetadata meta) throws IOException {
        Path sidecar = pathFor(file);
        Path tmp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp");
        byte[] bytes;
        try {
            bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
        } catch (JacksonException e) {
            throw new IOException("cannot encode metadata for " + file + ": " + e.getOriginalMessage(), e);
        }
        try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        DurableFiles.moveAtomically(tmp, sidecar);
    }

    /** Reads a sidecar; IOException when it is missing or not valid metadata. */
    static FileMetadata read(Path sidecar) throws IOException {
        try {
            FileMetadata m = JSON.readValue(Files.readAllBytes(sidecar), FileMetadata.class);
            if (m == null || m.sha256() == null || m.source() == null || m.size() < 0) {
                throw new IOException("incomplete metadata in " + sidecar);
            }
            return m;
        } catch (JacksonException e) {
            throw new IOException("unreadable metadata in " + sidecar + ": " + e.getOriginalMessage(), e);
        }
    }
}
