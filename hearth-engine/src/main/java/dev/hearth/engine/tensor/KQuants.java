package dev.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Pieces shared by the K-quant types (super-blocks of 256, ggml-common.h / ggml-quants.c). */
final class KQuants {

    static final int SUPER_BLOCK = 256;

    private KQuants() {}

    static int u8(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }

    static int u8(byte[] data, int offset) {
        return data[offset] & 0xff;
    }

    /** A little-endian half at {@code data[offset]}, as its bits. */
    static short half(byte[] data, int offset) {
        return (short) ((data[offset] & 0xff) | (data[offset + 1] << 8));
    }

    /** {@link #scaleMin(MemorySegment, long, int, int)} over a copy of the block. */
    static int scaleMin(byte[] data, int scales, int j, int which) {
        if (j < 4) {
            return u8(data, scales + j + 4 * which) & 63;
        }
        if (which == 0) {
            return (u8(data, scales + j + 4) & 0x0f) | ((u8(data, scales + j - 4) >> 6) << 4);
        }
        return (u8(data, scales + j + 4) >> 4) | ((u8(data, scales + j) >> 6) << 4);
    }

    /**
     * ggml's {@code get_scale_min_k4}: the 6-bit scale ({@code which = 0}) or min ({@code which = 1})
     * of sub-block {@code j} (0..7), packed in the 12 bytes at {@code scales}.
     */
    static int scaleMin(MemorySegment data, long scales, int j, int which) {
        if (j < 4) {
            return u8(data, scales + j + 4L * which) & 63;
        }
        if (which == 0) {
            return (u8(data, scales + j + 4) & 0x0f) | ((u8(data, scales + j - 4) >> 6) << 4);
        }
        return (u8(data, scales + j + 4) >> 4) | ((u8(data, scales + j) >> 6) << 4);
    }
}
