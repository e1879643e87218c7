package dev.hearth.engine.tinymodel;

import dev.hearth.engine.gguf.GgmlType;
import java.util.SplittableRandom;

/**
 * Random but valid K-quant tensors. Writing K-quants from floats needs ggml's iterative scale
 * search; a random model does not need it: random quants and packed scales are all valid, and
 * choosing the super-block scales {@code d}/{@code dmin} fixes the value range (about ±amplitude,
 * mean zero), which is all a test model needs.
 */
final class KQuantBlocks {

    private KQuantBlocks() {}

    static boolean isKQuant(GgmlType type) {
        return type == GgmlType.Q4_K || type == GgmlType.Q5_K || type == GgmlType.Q6_K;
    }

    static byte[] random(GgmlType type, int elements, double amplitude, SplittableRandom random) {
        byte[] bytes = new byte[Math.toIntExact(type.byteSize(elements))];
        random.nextBytes(bytes);
        for (int block = 0; block < bytes.length; block += type.typeSize()) {
            switch (type) {
                // value = d·sc·q − dmin·m, sc and m uniform in 0..63: mean zero when d·15 = 2·dmin (Q4) or d·31 = 2·dmin (Q5)
                case Q4_K -> {
                    putHalf(bytes, block, (float) (2 * amplitude / (63 * 15)));
                    putHalf(bytes, block + 2, (float) (amplitude / 63));
                }
                case Q5_K -> {
                    putHalf(bytes, block, (float) (2 * amplitude / (63 * 31)));
                    putHalf(bytes, block + 2, (float) (amplitude / 63));
                }
                // value = d·sc·(q − 32), sc a signed byte
                case Q6_K -> putHalf(bytes, block + 208, (float) (amplitude / (128 * 32)));
                default -> throw new IllegalArgumentException(type + " is not a K-quant");
            }
        }
        return bytes;
    }

    private static void putHalf(byte[] bytes, int at, float value) {
        short h = Float.floatToFloat16(value);
        bytes[at] = (byte) h;
        bytes[at + 1] = (byte) (h >> 8);
    }
}
