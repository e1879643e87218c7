package dev.hearth.store;

/**
 * A write collided with an existing row: a unique constraint was violated (a project name that is
 * taken, for example). Servers map it to HTTP 409.
 */
public class ConflictException extends StoreException {
    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
