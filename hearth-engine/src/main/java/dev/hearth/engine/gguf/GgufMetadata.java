package dev.hearth.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order, with typed getters that accept any integer
 * width for integers (files disagree on UINT32 vs INT32 vs UINT64) and fail with a message naming
 * the key when a required value is missing or of the wrong kind.
 */
public final class GgufMetadata {

    private final Map<String, GgufValue> entries;

    public GgufMetadata(Map<String, GgufValue> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** All entries in file order. */
    public Map<String, GgufValue> entries() {
        return entries;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public Optional<String> getString(String key) {
        return get(key).map(v -> require(key, v, GgufValueType.STRING, String.class));
    }

    public String requireString(String key) {
        return getString(key).orElseThrow(() -> missing(key));
    }

    public Optional<Long> getLong(String key) {
        return get(key).map(v -> {
            Long l = v.asLong();
            if (l == null) {
                throw new IllegalStateException("metadata key '" + key + "' is " + v.type() + ", expected an integer");
            }
            return l;
        });
    }

    /** An integer value that must fit a Java int. */
    public Optional<Integer> getInt(String key) {
        return getLong(key).map(l -> {
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new IllegalStateException("metadata key '" + key + "' = " + l + " does not fit an int");
            }
            return l.intValue();
        });
    }

    public int requireInt(String key) {
        return getInt(key).orElseThrow(() -> missing(key));
    }

    public Optional<Float> getFloat(String key) {
        return get(key).map(v -> switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (float) (double) (Double) v.value();
            default -> throw new IllegalStateException("metadata key '" + key + "' is " + v.type() + ", expected a float");
        });
    }

    public float requireFloat(String key) {
        return getFloat(key).orElseThrow(() -> missing(key));
    }

    public Optional<Boolean> getBoolean(String key) {
        return get(key).map(v -> require(key, v, GgufValueType.BOOL, Boolean.class));
    }

    public Optional<GgufArray> getArray(String key) {
        return get(key).map(v -> require(key, v, GgufValueType.ARRAY, GgufArray.class));
    }

    public Optional<String[]> getStringArray(String key) {
        return getArray(key).map(a -> arrayOf(key, a, String[].class));
    }

    public Optional<float[]> getFloatArray(String key) {
        return getArray(key).map(a -> arrayOf(key, a, float[].class));
    }

    /** An integer array of any 32-bit-or-narrower width, widened to int. */
    public Optional<int[]> getIntArray(String key) {
        return getArray(key).map(a -> switch (a.values()) {
            case int[] i -> i;
            case short[] s -> {
                int[] r = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    r[i] = a.elementType() == GgufValueType.UINT16 ? Short.toUnsignedInt(s[i]) : s[i];
                }
                yield r;
            }
            case byte[] b -> {
                int[] r = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    r[i] = a.elementType() == GgufValueType.UINT8 ? Byte.toUnsignedInt(b[i]) : b[i];
                }
                yield r;
            }
            default -> throw new IllegalStateException(
                    "metadata key '" + key + "' is an array of " + a.elementType() + ", expected integers");
        });
    }

    private static <T> T require(String key, GgufValue v, GgufValueType type, Class<T> cls) {
        if (v.type() != type) {
            throw new IllegalStateException("metadata key '" + key + "' is " + v.type() + ", expected " + type);
        }
        return cls.cast(v.value());
    }

    private static <T> T arrayOf(String key, GgufArray a, Class<T> cls) {
        if (!cls.isInstance(a.values())) {
            throw new IllegalStateException(
                    "metadata key '" + key + "' is an array of " + a.elementType() + ", expected " + cls.getSimpleName());
        }
        return cls.cast(a.values());
    }

    private static IllegalStateException missing(String key) {
        return new IllegalStateException("metadata key '" + key + "' is missing");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufMetadata m && m.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "GgufMetadata" + entries;
    }
}
