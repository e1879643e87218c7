package dev.hearth.store;

/** The SQL databases Hearth can keep its state in. */
public enum Dialect {
    /** Embedded single-file database; the default for a single node. */
    SQLITE("jdbc:sqlite:", "sqlite"),
    /** Shared server database, for several Hearth replicas. */
    POSTGRES("jdbc:postgresql:", "postgres");

    private final String urlPrefix;
    private final String migrationFolder;

    Dialect(String urlPrefix, String migrationFolder) {
        this.urlPrefix = urlPrefix;
        this.migrationFolder = migrationFolder;
    }

    /** The dialect a JDBC URL speaks, e.g. {@code jdbc:sqlite:/var/lib/hearth/hearth.db}. */
    public static Dialect ofJdbcUrl(String jdbcUrl) {
        for (Dialect dialect : values()) {
            if (jdbcUrl != null && jdbcUrl.startsWith(dialect.urlPrefix)) {
                return dialect;
            }
        }
        throw new IllegalArgumentException(
                "Unsupported JDBC URL (expected jdbc:sqlite:... or jdbc:postgresql:...): " + jdbcUrl);
    }

    /** Flyway location of this dialect's migrations; versions are kept in step across dialects. */
    String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }
}
