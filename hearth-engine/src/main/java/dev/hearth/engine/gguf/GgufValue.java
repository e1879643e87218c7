package dev.hearth.engine.gguf;

import java.util.Objects;

/**
 * One typed metadata value. The Java type of {@code value} follows {@code type}: {@link Byte} for
 * (U)INT8, {@link Short} for (U)INT16, {@link Integer} for (U)INT32, {@link Long} for (U)INT64,
 * {@link Float}, {@link Double}, {@link Boolean}, {@link String}, {@link GgufArray} for ARRAY.
 * Keeping the declared type (not just a number) is what makes write → read an identity.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (value.getClass() != expected) {
            throw new IllegalArgumentException(
                    type + " value must be a " + expected.getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
    }

    public static GgufValue ofString(String v) { return new GgufValue(GgufValueType.STRING, v); }
    public static GgufValue ofUint32(int v) { return new GgufValue(GgufValueType.UINT32, v); }
    public static GgufValue ofInt32(int v) { return new GgufValue(GgufValueType.INT32, v); }
    public static GgufValue ofUint64(long v) { return new GgufValue(GgufValueType.UINT64, v); }
    public static GgufValue ofFloat32(float v) { return new GgufValue(GgufValueType.FLOAT32, v); }
    public static GgufValue ofBool(boolean v) { return new GgufValue(GgufValueType.BOOL, v); }
    public static GgufValue ofArray(GgufArray v) { return new GgufValue(GgufValueType.ARRAY, v); }

    /** The value as a signed long if it is any integer type (unsigned types zero-extended), else null. */
    Long asLong() {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt((Byte) value);
            case INT8 -> (long) (Byte) value;
            case UINT16 -> (long) Short.toUnsignedInt((Short) value);
            case INT16 -> (long) (Short) value;
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT32 -> (long) (Integer) value;
            case UINT64, INT64 -> (Long) value;
            default -> null;
        };
    }
}
