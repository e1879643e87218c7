package dev.hearth.store;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;

/**
 * Object ids in OpenAI's format: a type prefix followed by random base62 characters
 * ({@code [0-9A-Za-z]}) from {@link SecureRandom}. Ids are unguessable, so they carry no order;
 * tables order rows by their {@code seq} column instead.
 *
 * <p>Random part lengths, as OpenAI's ids have them:
 * <ul>
 *   <li>{@code file-}: 22 (e.g. {@code file-6F2ksmvXxt4VdoqmHRw6kL})
 *   <li>{@code batch_}: 24
 *   <li>{@code chatcmpl-}: 29
 *   <li>{@code proj_}, {@code key_} and any other prefix: {@value #DEFAULT_LENGTH}
 *       (24 base62 characters are about 143 random bits)
 * </ul>
 */
public final class Ids {
    public static final int DEFAULT_LENGTH = 24;
    public static final String ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static final Map<String, Integer> LENGTHS = Map.of(
            "file-", 22,
            "batch_", 24,
            "chatcmpl-", 29,
            "proj_", DEFAULT_LENGTH,
            "key_", DEFAULT_LENGTH);
    /** The largest multiple of 62 that fits a byte; bytes at or above it are redrawn to avoid bias. */
    private static final int UNBIASED_BOUND = 62 * 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** A new id: {@code prefix} plus the random length documented above for that prefix. */
    public static String newId(String prefix) {
        return newId(prefix, LENGTHS.getOrDefault(prefix, DEFAULT_LENGTH));
    }

    /** A new id with {@code length} random base62 characters after {@code prefix}. */
    public static String newId(String prefix, int length) {
        Objects.requireNonNull(prefix, "prefix");
        return prefix + randomBase62(length);
    }

    /** {@code length} random base62 characters; also used for API key secrets. */
    static String randomBase62(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
        StringBuilder out = new StringBuilder(length);
        // One SecureRandom call per batch of bytes: far cheaper than a nextInt(62) per character.
        byte[] bytes = new byte[length + length / 4 + 4];
        while (out.length() < length) {
            RANDOM.nextBytes(bytes);
            for (int i = 0; i < bytes.length && out.length() < length; i++) {
                int value = bytes[i] & 0xFF;
                if (value < UNBIASED_BOUND) {
                    out.append(ALPHABET.charAt(value % 62));
                }
            }
        }
        return out.toString();
    }
}
