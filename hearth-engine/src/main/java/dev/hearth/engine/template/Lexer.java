package dev.hearth.engine.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and tag tokens the way Jinja2's lexer does with the settings
 * Hugging Face uses: {@code trim_blocks=True}, {@code lstrip_blocks=True},
 * {@code keep_trailing_newline=False}; {@code -} / {@code +} whitespace control on every tag.
 */
final class Lexer {

  enum Kind { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

  record Token(Kind kind, String text, Object value, int offset) {
    boolean isOp(String t) {
      return kind == Kind.OP && text.equals(t);
    }

    boolean isName(String t) {
      return kind == Kind.NAME && text.equals(t);
    }
  }

  private static final String[] OPS = {
    "//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", "{", "}",
    ",", ".", ":", "|", "=", "<", ">"
  };

  private final String src;
  private final int[] lineStarts;
  private final List<Token> out = new ArrayList<>();
  private int pos;

  private Lexer(String source) {
    this.src = normalize(source);
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < src.length(); i++) {
      if (src.charAt(i) == '\n') starts.add(i + 1);
    }
    lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Newlines to {@code \n}; exactly one trailing newline of the source dropped. */
  static String normalize(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
    return s;
  }

  static Lexed lex(String source) {
    Lexer lx = new Lexer(source);
    lx.run();
    return new Lexed(lx.src, lx.lineStarts, lx.out);
  }

  record Lexed(String source, int[] lineStarts, List<Token> tokens) {
    int line(int offset) {
      int lo = 0, hi = lineStarts.length - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
      }
      return lo + 1;
    }

    int column(int offset) {
      return offset - lineStarts[line(offset) - 1] + 1;
    }
  }

  private TemplateException error(String msg, int offset) {
    Lexed l = new Lexed(src, lineStarts, out);
    return new TemplateException(msg, l.line(offset), l.column(offset));
  }

  private void run() {
    boolean lineStarting = true;
    int n = src.length();
    while (pos < n) {
      int start = nextTagStart(pos);
      if (start < 0) {
        out.add(new Token(Kind.TEXT, src.substring(pos), null, pos));
        pos = n;
        break;
      }
      String text = src.substring(pos, start);
      char type = src.charAt(start + 1);
      char sign = start + 2 < n ? src.charAt(start + 2) : 0;
      if (sign == '-') {
        text = Py.rstrip(text, null);
      } else if (sign != '+' && type != '{') {
        int lpos = text.lastIndexOf('\n') + 1;
        if ((lpos > 0 || lineStarting) && lpos < text.length() && isBlank(text, lpos)) {
          text = text.substring(0, lpos);
        }
      }
      if (!text.isEmpty()) out.add(new Token(Kind.TEXT, text, null, pos));
      int inner = start + 2 + (sign == '-' || sign == '+' ? 1 : 0);
      if (type == '#') {
        int end = src.indexOf("#}", inner);
        if (end < 0) throw error("unterminated comment", start);
        boolean minus = end > inner && src.charAt(end - 1) == '-';
        boolean plus = end > inner && src.charAt(end - 1) == '+';
        pos = end + 2;
        lineStarting = afterTag(minus, plus, true);
        continue;
      }
      if (type == '%' && isRaw(inner)) {
        lineStarting = lexRaw(inner, start);
        continue;
      }
      out.add(new Token(type == '{' ? Kind.VAR_BEGIN : Kind.BLOCK_BEGIN, src.substring(start, inner), null, start));
      pos = inner;
      lineStarting = lexExpression(type == '{' ? '}' : '%');
    }
    out.add(new Token(Kind.EOF, "", null, n));
  }

  private int nextTagStart(int from) {
    int i = from;
    while (true) {
      int k = src.indexOf('{', i);
      if (k < 0 || k + 1 >= src.length()) return -1;
      char c = src.charAt(k + 1);
      if (c == '{' || c == '%' || c == '#') return k;
      i = k + 1;
    }
  }

  private static boolean isBlank(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Py.isWs(s.charAt(i))) return false;
    }
    return true;
  }

  /** Consumes whitespace after a tag per its control sign; returns whether the match ended in a newline. */
  private boolean afterTag(boolean minus, boolean plus, boolean block) {
    int n = src.length();
    if (minus) {
      int p = pos;
      while (pos < n && Py.isWs(src.charAt(pos))) pos++;
      if (pos > p) return src.charAt(pos - 1) == '\n';
      return false;
    }
    if (block && !plus && pos < n && src.charAt(pos) == '\n') {
      pos++;
      return true;
    }
    return false;
  }

  private boolean isRaw(int p) {
    int i = skipWs(p);
    if (!src.startsWith("raw", i)) return false;
    i = skipWs(i + 3);
    if (i < src.length() && (src.charAt(i) == '-' || src.charAt(i) == '+')) i++;
    return src.startsWith("%}", i);
  }

  private int skipWs(int i) {
    while (i < src.length() && Character.isWhitespace(src.charAt(i))) i++;
    return i;
  }

  private boolean lexRaw(int inner, int start) {
    int i = skipWs(inner) + 3;
    i = skipWs(i);
    boolean minus = src.charAt(i) == '-', plus = src.charAt(i) == '+';
    if (minus || plus) i++;
    pos = i + 2;
    afterTag(minus, plus, true);
    int bodyStart = pos;
    int search = pos;
    while (true) {
      int k = src.indexOf("{%", search);
      if (k < 0) throw error("missing endraw", start);
      int j = k + 2;
      boolean endMinus = j < src.length() && src.charAt(j) == '-';
      if (endMinus || (j < src.length() && src.charAt(j) == '+')) j++;
      j = skipWs(j);
      if (src.startsWith("endraw", j)) {
        j = skipWs(j + 6);
        boolean m = src.charAt(j) == '-', p = src.charAt(j) == '+';
        if (m || p) j++;
        if (src.startsWith("%}", j)) {
          String body = src.substring(bodyStart, k);
          if (endMinus) body = Py.rstrip(body, null);
          if (!body.isEmpty()) out.add(new Token(Kind.TEXT, body, null, bodyStart));
          pos = j + 2;
          return afterTag(m, p, true);
        }
      }
      search = k + 2;
    }
  }

  /** Lexes expression tokens up to and including the closing tag; returns line_starting. */
  private boolean lexExpression(char closer) {
    int n = src.length();
    int depth = 0;
    Kind endKind = closer == '}' ? Kind.VAR_END : Kind.BLOCK_END;
    String end = closer == '}' ? "}}" : "%}";
    while (true) {
      while (pos < n && Character.isWhitespace(src.charAt(pos))) pos++;
      if (pos >= n) throw error("unexpected end of template, expected '" + end + "'", pos);
      if (depth == 0) {
        if (src.startsWith("-" + end, pos)) {
          out.add(new Token(endKind, "-" + end, null, pos));
          pos += 3;
          return afterTag(true, false, closer == '%');
        }
        if (src.startsWith("+" + end, pos) && closer == '%') {
          out.add(new Token(endKind, "+" + end, null, pos));
          pos += 3;
          return afterTag(false, true, true);
        }
        if (src.startsWith(end, pos)) {
          out.add(new Token(endKind, end, null, pos));
          pos += 2;
          return afterTag(false, false, closer == '%');
        }
      }
      char c = src.charAt(pos);
      int start = pos;
      if (Character.isLetter(c) || c == '_') {
        while (pos < n && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
        out.add(new Token(Kind.NAME, src.substring(start, pos), null, start));
      } else if (Character.isDigit(c)) {
        lexNumber();
      } else if (c == '\'' || c == '"') {
        String value = lexString(c);
        out.add(new Token(Kind.STRING, src.substring(start, pos), value, start));
      } else {
        String op = null;
        for (String o : OPS) {
          if (src.startsWith(o, pos)) {
            op = o;
            break;
          }
        }
        if (op == null) throw error("unexpected character '" + c + "'", pos);
        if (op.equals("(") || op.equals("[") || op.equals("{")) depth++;
        if (op.equals(")") || op.equals("]") || op.equals("}")) {
          if (depth == 0) throw error("unexpected '" + op + "'", pos);
          depth--;
        }
        pos += op.length();
        out.add(new Token(Kind.OP, op, null, start));
      }
    }
  }

  private void lexNumber() {
    int start = pos, n = src.length();
    boolean isFloat = false;
    while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
    if (pos + 1 < n && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
      isFloat = true;
      pos++;
      while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
    }
    if (pos < n && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < n && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
      if (pos < n && Character.isDigit(src.charAt(pos))) {
        isFloat = true;
        while (pos < n && Character.isDigit(src.charAt(pos))) pos++;
      } else {
        pos = save;
      }
    }
    String text = src.substring(start, pos);
    String clean = text.replace("_", "");
    if (isFloat) out.add(new Token(Kind.FLOAT, text, Double.parseDouble(clean), start));
    else out.add(new Token(Kind.INT, text, Long.parseLong(clean), start));
  }

  private String lexString(char quote) {
    int start = pos;
    pos++;
    StringBuilder sb = new StringBuilder();
    int n = src.length();
    while (true) {
      if (pos >= n) throw error("unterminated string literal", start);
      char c = src.charAt(pos++);
      if (c == quote) return sb.toString();
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= n) throw error("unterminated string literal", start);
      char e = src.charAt(pos++);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'v' -> sb.append('\u000b');
        case 'a' -> sb.append('\u0007');
        case '0' -> sb.append('\0');
        case '\\' -> sb.append('\\');
        case '\'' -> sb.append('\'');
        case '"' -> sb.append('"');
        case '\n' -> { }
        case 'x' -> sb.append((char) hex(2));
        case 'u' -> sb.append((char) hex(4));
        case 'U' -> sb.appendCodePoint(hex(8));
        default -> sb.append('\\').append(e);
      }
    }
  }

  private int hex(int digits) {
    if (pos + digits > src.length()) throw error("truncated escape", pos);
    int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
    pos += digits;
    return v;
  }
}
