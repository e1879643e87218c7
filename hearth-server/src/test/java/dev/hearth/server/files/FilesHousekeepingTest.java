package dev.hearth.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.uploads.CreateUploadRequest;
import dev.hearth.server.config.FilesConfig;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.Json;
import dev.hearth.store.Database;
import dev.hearth.store.PageRequest;
import dev.hearth.store.ProjectStore;
import dev.hearth.store.SortOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry and crash recovery at the service level, on a clock the test moves. */
class FilesHousekeepingTest {
  @TempDir Path dir;

  static final class Clock implements InstantSource {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }
  }

  final Clock clock = new Clock();
  Database db;
  FileStore store;
  FileBlobs blobs;
  String project;

  @BeforeEach
  void open() {
    db = Database.openSqlite(dir.resolve("hearth.db"));
    project = new ProjectStore(db, clock).getOrCreate("p").id();
    store = new FileStore(db);
    blobs = new FileBlobs(dir.resolve("files"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  FilesService service(int sweepBatch) {
    FilesConfig config = new FilesConfig(1 << 20, 1 << 30, 1 << 30, Duration.ofMinutes(1), sweepBatch);
    return new FilesService(store, blobs, config, clock, new BatchInputValidator(Json.mapper(true)));
  }

  StoredFile create(FilesService service, Long expiresAfter) throws IOException {
    Path temp = blobs.newTemp();
    Files.writeString(temp, "data");
    return service.create(project, "user_data", expiresAfter, new FilesService.Incoming(temp, "d.txt", "text/plain", 4));
  }

  @Test
  void expiredFilesDisappearAtOnceAndTheSweepDeletesRowsAndBytesInBatches() throws IOException {
    FilesService service = service(2);
    List<StoredFile> expiring = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expiring.add(create(service, 3600L));
    }
    StoredFile keeper = create(service, null);

    clock.now = clock.now.plusSeconds(3599);
    assertThat(service.sweepExpired()).isZero();
    assertThat(service.find(project, expiring.getFirst().id()).id()).isEqualTo(expiring.getFirst().id());

    clock.now = clock.now.plusSeconds(1);
    // Expired files are gone for clients before any sweep ran...
    assertThatThrownBy(() -> service.find(project, expiring.getFirst().id())).isInstanceOf(ApiException.class);
    assertThat(service.list(project, null, PageRequest.first(100, SortOrder.DESC)).data()).hasSize(1);
    // ...and the sweep removes rows and bytes, two per transaction until none is left.
    assertThat(service.sweepExpired()).isEqualTo(5);
    for (StoredFile f : expiring) {
      assertThat(store.exists(f.id())).isFalse();
      assertThat(blobs.pathOf(f.id())).doesNotExist();
    }
    assertThat(blobs.pathOf(keeper.id())).exists();
    assertThat(service.sweepExpired()).isZero();
  }

  @Test
  void bytesNoRowNamesAreRemovedOnceOldEnough() throws IOException {
    FilesService service = service(100);
    StoredFile kept = create(service, null);
    // A crash between the rename and the insert leaves bytes without a row.
    Path orphan = blobs.newTemp();
    Files.writeString(orphan, "orphan");
    blobs.commit(orphan, "file-Orphan0000000000000000");
    Path orphanPath = blobs.pathOf("file-Orphan0000000000000000");
    assertThat(service.removeOrphans(Instant.now().minusSeconds(3600))).isZero(); // too fresh: may be mid-upload
    Files.setLastModifiedTime(orphanPath, FileTime.from(Instant.now().minusSeconds(7200)));
    Files.setLastModifiedTime(blobs.pathOf(kept.id()), FileTime.from(Instant.now().minusSeconds(7200)));
    assertThat(service.removeOrphans(Instant.now().minusSeconds(3600))).isEqualTo(1);
    assertThat(orphanPath).doesNotExist();
    assertThat(blobs.pathOf(kept.id())).exists();
  }

  @Test
  void aFailedInsertLeavesNeitherRowNorBytes() throws IOException {
    FilesConfig tiny = new FilesConfig(1 << 20, 6, 1 << 30, Duration.ofMinutes(1), 10);
    FilesService service = new FilesService(store, blobs, tiny, clock, new BatchInputValidator(Json.mapper(true)));
    create(service, null);
    assertThatThrownBy(() -> create(service, null)).isInstanceOf(ApiException.class);
    try (var files = Files.walk(blobs.root())) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
    }
  }

  @Test
  void uploadsExpireAfterAnHourAndTheSweepDropsTheirParts() throws IOException {
    FilesService files = service(1);
    UploadsService uploads = new UploadsService(new UploadStore(db), files, clock);
    var upload = uploads.create(project, new CreateUploadRequest("u.txt", "user_data", 8L, "text/plain", null));
    var kept = uploads.create(project, new CreateUploadRequest("k.txt", "user_data", 8L, "text/plain", null));
    Path temp = blobs.newTemp();
    Files.writeString(temp, "1234");
    var part = uploads.addPart(project, upload.id(), temp, 4);
    assertThat(blobs.pathOf(part.id())).exists();

    clock.now = clock.now.plusSeconds(3600);
    Path late = blobs.newTemp();
    Files.writeString(late, "5678");
    assertThatThrownBy(() -> uploads.addPart(project, upload.id(), late, 4))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("expired"));
    assertThat(late).doesNotExist();
    assertThat(uploads.sweepExpired()).isEqualTo(2);
    assertThat(blobs.pathOf(part.id())).doesNotExist();
    assertThatThrownBy(() -> uploads.cancel(project, kept.id()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("expired"));
    assertThat(uploads.sweepExpired()).isZero();
  }

  @Test
  void partsOfPendingUploadsCountAgainstTheProjectsStorage() throws IOException {
    FilesConfig config = new FilesConfig(1 << 20, 10, 1 << 30, Duration.ofMinutes(1), 10);
    FilesService files = new FilesService(store, blobs, config, clock, new BatchInputValidator(Json.mapper(true)));
    UploadsService uploads = new UploadsService(new UploadStore(db), files, clock);
    create(files, null); // 4 bytes stored
    var upload = uploads.create(project, new CreateUploadRequest("u.txt", "user_data", 6L, "text/plain", null));
    Path first = blobs.newTemp();
    Files.writeString(first, "1234");
    uploads.addPart(project, upload.id(), first, 4);
    Path second = blobs.newTemp();
    Files.writeString(second, "56");
    assertThatThrownBy(() -> uploads.addPart(project, upload.id(), second, 4))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
    assertThat(second).doesNotExist();
  }

  @Test
  void pathsComeFromIdsOnly() {
    assertThat(blobs.pathOf("file-abcDEF0123456789abcdef").startsWith(blobs.root())).isTrue();
    for (String bad : new String[] {"../etc/passwd", "file-../../x", "file-a/b", "", "file-"}) {
      assertThatThrownBy(() -> blobs.pathOf(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
