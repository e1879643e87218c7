package dev.hearth.engine.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as Python's {@code json} module writes it (the {@code tojson} filter Hugging Face installs:
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)}),
 * plus a small parser that yields the template value model (for tool-call arguments given as JSON text).
 */
public final class Json {
  private Json() {}

  /** {@code json.dumps(value, ensure_ascii=False)}: separators {@code ", "} and {@code ": "}. */
  public static String dumps(Object value) {
    return dumps(Py.wrap(value), null, null, null, false, false);
  }

  /**
   * @param indent null, a non-negative count of spaces or an indent string
   * @param itemSep null for the default ({@code ", "} without indent, {@code ","} with)
   */
  static String dumps(Object value, Object indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii) {
    String ind = switch (indent) {
      case null -> null;
      case Long l -> " ".repeat((int) Math.max(0, l));
      case String s -> s;
      default -> throw new Py.TypeError("indent must be an int or a string");
    };
    String is = itemSep != null ? itemSep : (ind == null ? ", " : ",");
    String ks = keySep != null ? keySep : ": ";
    StringBuilder sb = new StringBuilder();
    write(sb, value, ind, is, ks, sortKeys, ensureAscii, 0);
    return sb.toString();
  }

  private static void newline(StringBuilder sb, String ind, int level) {
    if (ind == null) return;
    sb.append('\n');
    for (int i = 0; i < level; i++) sb.append(ind);
  }

  private static void write(StringBuilder sb, Object v, String ind, String is, String ks, boolean sort, boolean ascii, int level) {
    switch (v) {
      case null -> sb.append("null");
      case Boolean b -> sb.append(b ? "true" : "false");
      case Long l -> sb.append(l);
      case Double d -> {
        if (Double.isNaN(d)) sb.append("NaN");
        else if (Double.isInfinite(d)) sb.append(d > 0 ? "Infinity" : "-Infinity");
        else sb.append(Py.floatRepr(d));
      }
      case String s -> quote(sb, s, ascii);
      case List<?> l -> {
        if (l.isEmpty()) {
          sb.append("[]");
          return;
        }
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) sb.append(is);
          newline(sb, ind, level + 1);
          write(sb, l.get(i), ind, is, ks, sort, ascii, level + 1);
        }
        newline(sb, ind, level);
        sb.append(']');
      }
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          sb.append("{}");
          return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (var e : m.entrySet()) entries.add(Map.entry(keyString(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
        if (sort) entries.sort((a, b) -> Py.compareCodePoints(a.getKey(), b.getKey()));
        sb.append('{');
        boolean first = true;
        for (var e : entries) {
          if (!first) sb.append(is);
          first = false;
          newline(sb, ind, level + 1);
          quote(sb, e.getKey(), ascii);
          sb.append(ks);
          write(sb, e.getValue() == NULL ? null : e.getValue(), ind, is, ks, sort, ascii, level + 1);
        }
        newline(sb, ind, level);
        sb.append('}');
      }
      default -> throw new Py.TypeError("Object of type " + Py.typeName(v) + " is not JSON serializable");
    }
  }

  private static final Object NULL = new Object();

  private static String keyString(Object k) {
    return switch (k) {
      case String s -> s;
      case null -> "null";
      case Boolean b -> b ? "true" : "false";
      case Long l -> l.toString();
      case Double d -> Py.floatRepr(d);
      default -> throw new Py.TypeError("keys must be str, int, float, bool or None, not " + Py.typeName(k));
    };
  }

  static void quote(StringBuilder sb, String s, boolean ascii) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || (ascii && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  /** Parses JSON text into the template value model (objects keep their key order; integers are longs). */
  public static Object parse(String text) {
    Reader r = new Reader(text);
    r.ws();
    Object v = r.value();
    r.ws();
    if (r.pos != text.length()) throw r.error("trailing characters");
    return v;
  }

  private static final class Reader {
    final String s;
    int pos;

    Reader(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String msg) {
      return new IllegalArgumentException("invalid JSON: " + msg + " at offset " + pos);
    }

    void ws() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
    }

    Object value() {
      if (pos >= s.length()) throw error("unexpected end");
      char c = s.charAt(pos);
      switch (c) {
        case '{' -> {
          pos++;
          Map<Object, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) return m;
          while (true) {
            ws();
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a key");
            String k = string();
            ws();
            expect(':');
            ws();
            m.put(k, value());
            ws();
            if (peek('}')) return m;
            expect(',');
          }
        }
        case '[' -> {
          pos++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) return l;
          while (true) {
            ws();
            l.add(value());
            ws();
            if (peek(']')) return l;
            expect(',');
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("true", pos)) {
            pos += 4;
            return true;
          }
          if (s.startsWith("false", pos)) {
            pos += 5;
            return false;
          }
          if (s.startsWith("null", pos)) {
            pos += 4;
            return null;
          }
          return number();
        }
      }
    }

    boolean peek(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(char c) {
      if (!peek(c)) throw error("expected '" + c + "'");
    }

    Object number() {
      int start = pos;
      boolean fl = false;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '.' || c == 'e' || c == 'E') fl = true;
        else if (!(Character.isDigit(c) || c == '-' || c == '+')) break;
        pos++;
      }
      String t = s.substring(start, pos);
      if (t.isEmpty()) throw error("unexpected character");
      try {
        if (!fl) {
          try {
            return Long.parseLong(t);
          } catch (NumberFormatException big) {
            return Double.parseDouble(t);
          }
        }
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw error("bad number '" + t + "'");
      }
    }

    String string() {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= s.length()) throw error("unterminated string");
        char c = s.charAt(pos++);
        if (c == '"') return sb.toString();
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> sb.append(e);
        }
      }
    }
  }
}
