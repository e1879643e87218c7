package dev.hearth.server.files;

import dev.hearth.server.io.DurableFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The bytes of uploaded files, under {@code <data_dir>/files}. A file's path comes from its id
 * only ({@code files/ab/file-ab…}, sharded by the id's first two random characters), never from
 * the name the user gave it: file names are data, not paths.
 *
 * <p>Writes go to {@code files/tmp/}, are fsynced, then renamed atomically into place (and the
 * directory fsynced), so a file is either wholly there or not at all. The metadata row is
 * inserted only after the rename, so a crash at any point leaves at worst an orphan temp file or
 * unreferenced bytes, never a listed file with partial content. {@link #clearTemp()} removes temp
 * files at start-up.
 */
public final class FileBlobs {
  private static final Pattern ID = Pattern.compile("[a-z]+[-_][0-9A-Za-z]{8,64}");

  private final Path root;
  private final Path tmp;

  public FileBlobs(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.tmp = this.root.resolve("tmp");
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + tmp, e);
    }
  }

  public Path root() {
    return root;
  }

  /** The temp directory; uploads spool here so that the final rename stays on one filesystem. */
  public Path tempDir() {
    return tmp;
  }

  /** Where the bytes of {@code id} live. Only well-formed ids become paths. */
  public Path pathOf(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a stored object id: " + id);
    }
    int dash = Math.max(id.indexOf('-'), id.indexOf('_'));
    return root.resolve(id.substring(dash + 1, dash + 3)).resolve(id);
  }

  /** A fresh, empty temp file. */
  public Path newTemp() {
    try {
      return Files.createFile(tmp.resolve(UUID.randomUUID() + ".part"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An output stream to append to a temp file. */
  public OutputStream append(Path temp) throws IOException {
    return Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Fsyncs {@code temp}, renames it atomically to the path of {@code id} and fsyncs the directory. */
  public void commit(Path temp, String id) throws IOException {
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Path target = pathOf(id);
    Files.createDirectories(target.getParent());
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the files directory must be on one filesystem: " + root, e);
    }
    DurableFiles.fsyncDirectory(target.getParent());
  }

  public InputStream open(String id) throws IOException {
    return Files.newInputStream(pathOf(id));
  }

  /** Removes the bytes of {@code id}; absent bytes are not an error. */
  public void delete(String id) {
    try {
      Files.deleteIfExists(pathOf(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a leftover temp file is removed at the next start
    }
  }

  /** Removes what a crash left in the temp directory. Run before the server accepts requests. */
  public int clearTemp() {
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      for (Path p : entries) {
        if (Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
          removed++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return removed;
  }
}
