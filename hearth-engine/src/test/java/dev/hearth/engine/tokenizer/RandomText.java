package dev.hearth.engine.tokenizer;

import java.util.Random;

/** Random strings mixing scripts, digits, emoji, combining marks and every kind of whitespace. */
final class RandomText {

    private static final int[][] RANGES = {
        {0x20, 0x7e}, {0x20, 0x7e}, {0x20, 0x7e}, // ASCII, weighted up
        {0x09, 0x0d}, {0xa0, 0xff}, {0x100, 0x17f}, {0x300, 0x36f}, {0x400, 0x4ff}, {0x5d0, 0x5ea},
        {0x600, 0x6ff}, {0x900, 0x97f}, {0x1780, 0x17ff}, {0x2000, 0x200d}, {0x2028, 0x2029}, {0x3000, 0x3000},
        {0x3040, 0x30ff}, {0x4e00, 0x4fff}, {0xac00, 0xacff}, {0xff01, 0xff5e}, {0x1f300, 0x1f6ff},
        {0x1f900, 0x1f9ff}, {0x85, 0x85}, {0x1d400, 0x1d4ff}, {0xe000, 0xe0ff},
    };

    private RandomText() {}

    static String next(Random random, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            int[] range = RANGES[random.nextInt(RANGES.length)];
            int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
            if (random.nextInt(8) == 0) {
                sb.append(" ".repeat(1 + random.nextInt(3)));
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
