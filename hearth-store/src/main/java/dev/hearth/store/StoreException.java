package dev.hearth.store;

/** A failure of the state store: an SQL error, a lost connection, a failed migration. Unchecked. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
