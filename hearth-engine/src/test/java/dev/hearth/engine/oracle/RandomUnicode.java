package dev.hearth.engine.oracle;

import java.util.Random;

/** Random strings mixing scripts, digits, emoji, combining marks, contractions and whitespace runs. */
final class RandomUnicode {

    private static final int[][] RANGES = {
        {0x20, 0x7e}, {0x20, 0x7e}, {0x20, 0x7e}, {0x30, 0x39}, {0x09, 0x0d}, {0xa0, 0xff}, {0x100, 0x17f},
        {0x300, 0x36f}, {0x400, 0x4ff}, {0x5d0, 0x5ea}, {0x600, 0x6ff}, {0x900, 0x97f}, {0x1780, 0x17ff},
        {0x2000, 0x200d}, {0x3000, 0x3000}, {0x3040, 0x30ff}, {0x4e00, 0x4fff}, {0xac00, 0xacff},
        {0xff01, 0xff5e}, {0x1f300, 0x1f6ff}, {0x1f900, 0x1f9ff},
    };
    private static final String[] PIECES = {"'s", "'T", "'re", "'LL", " the", "  ", "\n\n", " 123", "...", "Hello"};

    private RandomUnicode() {}

    static String next(Random random, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int length = 1 + random.nextInt(maxLength);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(6) == 0) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
                continue;
            }
            int[] range = RANGES[random.nextInt(RANGES.length)];
            sb.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        }
        return sb.toString();
    }

    static String describe(String text) {
        return text.replace("\n", "\\n").replace("\t", "\\t") + "  "
                + text.codePoints().mapToObj(Integer::toHexString).toList();
    }
}
