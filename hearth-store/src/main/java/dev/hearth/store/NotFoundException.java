package dev.hearth.store;

/** An operation named an object that does not exist (or not in the caller's project). HTTP 404. */
public class NotFoundException extends StoreException {
    public NotFoundException(String message) {
        super(message);
    }
}
