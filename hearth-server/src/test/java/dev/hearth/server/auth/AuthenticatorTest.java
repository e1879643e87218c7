package dev.hearth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.server.http.ApiException;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.CreatedApiKey;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
  @TempDir Path dir;

  @Test
  void aVerifiedKeyIsTrustedForTheCacheTimeThenCheckedAgain() {
    try (Database db = Database.openSqlite(dir.resolve("hearth.db"))) {
      ProjectStore projects = new ProjectStore(db, InstantSource.system());
      ApiKeyStore keys = new ApiKeyStore(db, InstantSource.system());
      CreatedApiKey key = keys.create(projects.create("p").id(), "k");
      AtomicLong now = new AtomicLong(1_000_000_000L);
      Authenticator auth = new Authenticator(keys, projects, true, Duration.ofSeconds(1), now::get);

      assertThat(auth.open()).isFalse();
      assertThat(auth.authenticate("Bearer " + key.secret()).keyId()).isEqualTo(key.key().id());
      keys.revoke(key.key().id());
      now.addAndGet(500_000_000L);
      assertThat(auth.authenticate("Bearer " + key.secret()).keyId()).as("within the cache time").isEqualTo(key.key().id());
      now.addAndGet(600_000_000L);
      assertThatThrownBy(() -> auth.authenticate("Bearer " + key.secret()))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void unknownKeysAreNeverCachedAndAlwaysRefused() {
    try (Database db = Database.openSqlite(dir.resolve("hearth.db"))) {
      ProjectStore projects = new ProjectStore(db, InstantSource.system());
      ApiKeyStore keys = new ApiKeyStore(db, InstantSource.system());
      keys.create(projects.create("p").id(), "k");
      Authenticator auth = new Authenticator(keys, projects, true, Duration.ofSeconds(60), () -> 0L);
      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> auth.authenticate("Bearer sk-hearth-not-a-real-key-000000000000"))
            .isInstanceOf(ApiException.class);
      }
    }
  }
}
