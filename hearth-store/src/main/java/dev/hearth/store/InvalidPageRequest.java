package dev.hearth.store;

/**
 * A list request's pagination parameters are invalid. {@link #param()} names the offending query
 * parameter ({@code limit}, {@code order}, {@code after}, {@code before}) so servers can return
 * OpenAI's {@code invalid_request_error} with {@code param} set.
 */
public class InvalidPageRequest extends RuntimeException {
    private final String param;

    public InvalidPageRequest(String param, String message) {
        super(message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
