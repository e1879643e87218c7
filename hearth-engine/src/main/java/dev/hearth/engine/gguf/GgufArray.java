package dev.hearth.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A metadata array: its element type and the elements as one Java array whose component type
 * follows the element type: {@code byte[]} for (U)INT8, {@code short[]} for (U)INT16, {@code int[]}
 * for (U)INT32, {@code long[]} for (U)INT64, {@code float[]}, {@code double[]}, {@code boolean[]},
 * {@code String[]}. Unsigned values keep their bits (read them with {@code Integer.toUnsignedLong}
 * and friends). Nested arrays are not supported, as in llama.cpp.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = componentClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException(
                    "array of " + elementType + " needs a " + expected.getSimpleName() + ", got "
                            + values.getClass().getSimpleName());
        }
    }

    static Class<?> componentClass(GgufValueType type) {
        return switch (type) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> throw new IllegalArgumentException("nested arrays are not supported");
        };
    }

    public static GgufArray ofStrings(String... values) {
        return new GgufArray(GgufValueType.STRING, values);
    }

    public static GgufArray ofFloat32(float... values) {
        return new GgufArray(GgufValueType.FLOAT32, values);
    }

    public static GgufArray ofInt32(int... values) {
        return new GgufArray(GgufValueType.INT32, values);
    }

    public int length() {
        return java.lang.reflect.Array.getLength(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray(GgufValueType t, Object v)
                && t == elementType
                && Objects.deepEquals(v, values);
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        int n = length();
        StringBuilder sb = new StringBuilder(elementType.name()).append('[').append(n).append("]{");
        for (int i = 0; i < Math.min(n, 8); i++) {
            sb.append(i == 0 ? "" : ", ").append(java.lang.reflect.Array.get(values, i));
        }
        return sb.append(n > 8 ? ", ...}" : "}").toString();
    }
}
