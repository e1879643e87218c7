package dev.hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts special-token texts out of the input before ordinary tokenization (llama.cpp's
 * {@code tokenizer_st_partition}): longest texts first, every occurrence, left to right. User-defined
 * tokens are always recognised; control and unknown tokens only when parsing special tokens is
 * allowed, so untrusted text cannot forge a {@code <|eot_id|>}. Tokens marked LSTRIP/RSTRIP
 * (see {@link Vocabulary#stripsRight}) also consume the ASCII whitespace beside them.
 */
final class SpecialTokenSplitter {

    /** A piece of input: either raw text to tokenize or an already recognised token. */
    record Fragment(String text, int token) {
        boolean isToken() {
            return token >= 0;
        }
    }

    private final int[] specialIds;
    private final Vocabulary vocabulary;

    SpecialTokenSplitter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < vocabulary.size(); id++) {
            if (vocabulary.type(id).isSpecial() && !vocabulary.text(id).isEmpty()) {
                ids.add(id);
            }
        }
        ids.sort(Comparator.comparingInt((Integer id) -> -vocabulary.text(id).length()).thenComparingInt(id -> id));
        this.specialIds = ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** C's isspace in the "C" locale, which llama.cpp uses for LSTRIP/RSTRIP. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(text, -1));
        for (int id : specialIds) {
            TokenType type = vocabulary.type(id);
            if (!parseSpecial && (type == TokenType.CONTROL || type == TokenType.UNKNOWN)) {
                continue;
            }
            String special = vocabulary.text(id);
            List<Fragment> next = null;
            for (int f = 0; f < fragments.size(); f++) {
                Fragment fragment = fragments.get(f);
                int at = fragment.isToken() ? -1 : fragment.text().indexOf(special);
                if (at < 0) {
                    if (next != null) {
                        next.add(fragment);
                    }
                    continue;
                }
                if (next == null) {
                    next = new ArrayList<>(fragments.subList(0, f));
                }
                String raw = fragment.text();
                boolean stripLeft = vocabulary.stripsLeft(id);
                boolean stripRight = vocabulary.stripsRight(id);
                int start = 0;
                while (at >= 0) {
                    int leftEnd = at;
                    while (stripLeft && leftEnd > start && isAsciiSpace(raw.charAt(leftEnd - 1))) {
                        leftEnd--;
                    }
                    if (leftEnd > start) {
                        next.add(new Fragment(raw.substring(start, leftEnd), -1));
                    }
                    next.add(new Fragment(special, id));
                    start = at + special.length();
                    while (stripRight && start < raw.length() && isAsciiSpace(raw.charAt(start))) {
                        start++;
                    }
                    at = raw.indexOf(special, start);
                }
                if (start < raw.length()) {
                    next.add(new Fragment(raw.substring(start), -1));
                }
            }
            if (next != null) {
                fragments = next;
            }
        }
        return fragments;
    }
}
