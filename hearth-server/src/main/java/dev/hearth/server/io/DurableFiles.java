package dev.hearth.server.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a crash: atomic replace, then fsync of the directory. Shared by the model
 * cache and the file store, which both write to a temp file and rename it into place.
 */
public final class DurableFiles {

    private DurableFiles() {
    }

    /** Renames {@code from} to {@code to}, replacing it, atomically where the file system can; then fsyncs the directory. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(to.toAbsolutePath().getParent());
    }

    /** Best effort: not every platform can open a directory for fsync. */
    public static void fsyncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows and some file systems refuse; the rename itself is still durable enough there.
        }
    }

    /** Deletes empty directories from {@code dir} up to, not including, {@code root}. */
    public static void pruneEmptyParents(Path dir, Path root) {
        Path d = dir;
        while (d != null && d.startsWith(root) && !d.equals(root)) {
            try {
                Files.delete(d);
            } catch (IOException e) {
                return; // not empty, or gone
            }
            d = d.getParent();
        }
    }
}
