package dev.hearth.server.modelfiles;

/** The downloaded bytes do not have the expected sha256 (or size); the partial file has been deleted. */
public final class ChecksumMismatchException extends DownloadException {

    private final String expected;
    private final String actual;

    public ChecksumMismatchException(String message, String expected, String actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
