package dev.hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, by the regular expressions llama.cpp uses for each
 * {@code tokenizer.ggml.pre} (llama-vocab.cpp). The expressions run one after another, each
 * splitting the pieces of the previous one; text between matches stays a piece of its own, as in
 * llama.cpp's {@code unicode_regex_split}. Patterns compile with UNICODE_CHARACTER_CLASS so that
 * {@code \s} is Unicode White_Space, matching llama.cpp's (and Python's) notion of whitespace.
 */
public final class PreTokenizer {

    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final Map<String, List<String>> BY_NAME = new TreeMap<>();

    static {
        for (String name : List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe", "pixtral")) {
            BY_NAME.put(name, List.of(LLAMA3));
        }
        for (String name : List.of("qwen2", "deepseek-r1-qwen", "megrez")) {
            BY_NAME.put(name, List.of(QWEN2));
        }
        for (String name : List.of("gpt-2", "phi-2", "mpt", "olmo", "jais")) {
            BY_NAME.put(name, List.of(GPT2));
        }
        for (String name : List.of("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone")) {
            BY_NAME.put(name, List.of("\\p{N}", GPT2));
        }
        BY_NAME.put("default", List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"));
        BY_NAME.put("falcon", List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"));
    }

    private final String name;
    private final List<Pattern> patterns;

    private PreTokenizer(String name, List<String> expressions) {
        this.name = name;
        this.patterns = expressions.stream().map(e -> Pattern.compile(e, Pattern.UNICODE_CHARACTER_CLASS)).toList();
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value ("default" when absent).
     *
     * @throws IllegalArgumentException for names we do not implement
     */
    public static PreTokenizer forName(String pre) {
        List<String> expressions = BY_NAME.get(pre);
        if (expressions == null) {
            throw new IllegalArgumentException("unsupported tokenizer.ggml.pre '" + pre + "'; supported: "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return new PreTokenizer(pre, expressions);
    }

    public static List<String> supportedNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    public String name() {
        return name;
    }

    /** The words of {@code text}, in order; concatenated they give back {@code text}. */
    public List<String> split(String text) {
        List<String> pieces = List.of(text);
        for (Pattern pattern : patterns) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                Matcher m = pattern.matcher(piece);
                int last = 0;
                while (m.find()) {
                    if (m.start() > last) {
                        next.add(piece.substring(last, m.start()));
                    }
                    if (m.end() > m.start()) {
                        next.add(m.group());
                    }
                    last = m.end();
                }
                if (last < piece.length()) {
                    next.add(piece.substring(last));
                }
            }
            pieces = next;
        }
        return pieces;
    }
}
