package dev.hearth.engine.gguf;

import java.io.IOException;

/**
 * A GGUF file is truncated, corrupt or uses a feature this reader does not support. The message
 * names what was being read and the byte offset, so a bad download can be told from a bug.
 */
public final class GgufFormatException extends IOException {
    public GgufFormatException(String message) {
        super(message);
    }
}
