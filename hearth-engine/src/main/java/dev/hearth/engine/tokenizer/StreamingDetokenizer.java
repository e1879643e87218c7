package dev.hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated tokens into text as they arrive. A token can end in the middle of a UTF-8
 * character (byte-level BPE and SentencePiece byte fallback split emoji and CJK across tokens), so
 * incomplete trailing bytes are held back until the next token completes them; {@link #finish()}
 * flushes what is left (malformed bytes as U+FFFD). Concatenating every returned piece gives
 * exactly {@link Tokenizer#decode} of the same tokens.
 */
public final class StreamingDetokenizer {

    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean stripSpace;

    public StreamingDetokenizer(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
        this.stripSpace = tokenizer.removesLeadingSpace();
    }

    /** The text that token {@code id} completes; possibly empty. */
    public String accept(int id) {
        byte[] bytes = tokenizer.tokenBytes(id, renderSpecial);
        if (stripSpace && tokenizer.vocabulary().type(id) != TokenType.CONTROL) {
            if (bytes.length > 0 && bytes[0] == ' ') {
                bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
            }
            stripSpace = false;
        }
        pending.writeBytes(bytes);
        return drain(false);
    }

    /** Whatever is still held back, with incomplete characters replaced by U+FFFD. */
    public String finish() {
        return drain(true);
    }

    private String drain(boolean endOfInput) {
        byte[] all = pending.toByteArray();
        ByteBuffer in = ByteBuffer.wrap(all);
        CharBuffer out = CharBuffer.allocate(all.length + 1);
        CoderResult result = decoder.decode(in, out, endOfInput);
        if (result.isOverflow()) {
            throw new IllegalStateException("UTF-8 decoding overflow");
        }
        if (endOfInput) {
            decoder.flush(out);
            decoder.reset();
        }
        pending.reset();
        pending.write(all, in.position(), in.remaining());
        out.flip();
        return out.toString();
    }
}
