package dev.hearth.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema up to date with Flyway's versioned SQL files under
 * {@code db/migration/<dialect>}. Applying is idempotent: a reopen finds nothing to do.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    static void apply(DataSource dataSource, Dialect dialect) {
        try {
            // Our own class loader, not the thread's: the SQL files ship inside this jar.
            MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                log.info("Applied {} {} migration(s); schema now at version {}",
                        result.migrationsExecuted, dialect, result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreException("Schema migration failed (" + dialect + "): " + e.getMessage(), e);
        }
    }
}
