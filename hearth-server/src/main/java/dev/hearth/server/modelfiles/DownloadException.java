package dev.hearth.server.modelfiles;

import java.io.IOException;

/** A download failed; the message is a single line fit to show to a user. */
public class DownloadException extends IOException {

    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
