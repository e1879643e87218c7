package dev.hearth.engine.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Python value semantics for template values. The value model: {@code null} (None), {@link Undefined},
 * {@link Boolean}, {@link Long} (int), {@link Double} (float), {@link String}, {@link List} (list and
 * tuple), {@link Map} (dict, insertion ordered), {@link Namespace}, {@link Loop}, {@link PyCallable}.
 */
final class Py {
  private Py() {}

  /** Jinja2's default {@code Undefined}: prints as empty, iterates as empty, fails on attribute access. */
  static final class Undefined {
    final String hint;

    Undefined(String hint) {
      this.hint = hint;
    }

    TemplateException error() {
      return new TemplateException(hint);
    }

    @Override
    public String toString() {
      return "";
    }
  }

  /** Jinja's {@code namespace(...)}: the one mutable object a template can assign attributes on. */
  static final class Namespace {
    final Map<String, Object> attrs = new LinkedHashMap<>();
  }

  /** A Python tuple (immutable by convention; {@code %} formatting spreads it into arguments). */
  static final class Tuple extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    Tuple(java.util.Collection<?> items) {
      super(items);
    }
  }

  @FunctionalInterface
  interface PyCallable {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  static final class TypeError extends TemplateException {
    private static final long serialVersionUID = 1L;

    TypeError(String msg) {
      super(msg);
    }
  }

  /** Converts Java values handed in by callers into the template value model. */
  static Object wrap(Object v) {
    return switch (v) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer n -> n.longValue();
      case Short n -> n.longValue();
      case Byte n -> n.longValue();
      case Double d -> d;
      case Float f -> (double) f;
      case java.math.BigInteger b -> b.longValue();
      case BigDecimal b -> b.doubleValue();
      case Character c -> String.valueOf(c);
      case TemplateValue t -> wrap(t.toTemplateValue());
      case Map<?, ?> m -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) out.put(wrap(e.getKey()), wrap(e.getValue()));
        yield out;
      }
      case Iterable<?> it -> {
        List<Object> out = new ArrayList<>();
        for (Object o : it) out.add(wrap(o));
        yield out;
      }
      case Object[] arr -> {
        List<Object> out = new ArrayList<>();
        for (Object o : arr) out.add(wrap(o));
        yield out;
      }
      case Enum<?> e -> e.name().toLowerCase(java.util.Locale.ROOT);
      default -> v;
    };
  }

  static String typeName(Object v) {
    return switch (v) {
      case null -> "NoneType";
      case Undefined u -> "Undefined";
      case Boolean b -> "bool";
      case Long l -> "int";
      case Double d -> "float";
      case String s -> "str";
      case List<?> l -> "list";
      case Map<?, ?> m -> "dict";
      case Namespace n -> "Namespace";
      case Loop l -> "LoopContext";
      case PyCallable c -> "function";
      default -> v.getClass().getSimpleName();
    };
  }

  static boolean truthy(Object v) {
    return switch (v) {
      case null -> false;
      case Undefined u -> false;
      case Boolean b -> b;
      case Long l -> l != 0;
      case Double d -> d != 0.0;
      case String s -> !s.isEmpty();
      case List<?> l -> !l.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      default -> true;
    };
  }

  /** Python {@code str(v)}; Undefined renders as the empty string. */
  static String str(Object v) {
    return switch (v) {
      case null -> "None";
      case String s -> s;
      case Undefined u -> "";
      case Boolean b -> b ? "True" : "False";
      case Long l -> l.toString();
      case Double d -> floatRepr(d);
      case Tuple t -> repr(t);
      case List<?> l -> repr(l);
      case Map<?, ?> m -> repr(m);
      case Namespace n -> "<Namespace " + repr(n.attrs) + ">";
      default -> v.toString();
    };
  }

  /** Python {@code repr(v)}. */
  static String repr(Object v) {
    return switch (v) {
      case null -> "None";
      case String s -> strRepr(s);
      case Tuple t -> {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < t.size(); i++) {
          if (i > 0) sb.append(", ");
          sb.append(repr(t.get(i)));
        }
        yield sb.append(t.size() == 1 ? ",)" : ")").toString();
      }
      case List<?> l -> {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) sb.append(", ");
          sb.append(repr(l.get(i)));
        }
        yield sb.append(']').toString();
      }
      case Map<?, ?> m -> {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (var e : m.entrySet()) {
          if (!first) sb.append(", ");
          first = false;
          sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
        }
        yield sb.append('}').toString();
      }
      case Undefined u -> "Undefined";
      default -> str(v);
    };
  }

  static String strRepr(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder().append(q);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c == q) sb.append('\\').append(c);
          else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append(q).toString();
  }

  /** Python's {@code repr(float)}: shortest round-trip digits, scientific outside [1e-4, 1e16). */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) return "nan";
    if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
    if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = bd.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - bd.scale();
    String sign = d < 0 ? "-" : "";
    if (exp >= -4 && exp < 16) {
      String plain = bd.abs().toPlainString();
      if (!plain.contains(".")) plain += ".0";
      return sign + plain;
    }
    String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String e = String.format("%02d", Math.abs(exp));
    return sign + mant + "e" + (exp < 0 ? "-" : "+") + e;
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  static double toDouble(Object v) {
    return switch (v) {
      case null -> throw new TypeError("expected a number, got NoneType");
      case Long l -> l;
      case Double d -> d;
      case Boolean b -> b ? 1 : 0;
      default -> throw new TypeError("expected a number, got " + typeName(v));
    };
  }

  static long toLong(Object v) {
    return switch (v) {
      case null -> throw new TypeError("'NoneType' object cannot be interpreted as an integer");
      case Long l -> l;
      case Boolean b -> b ? 1 : 0;
      default -> throw new TypeError("'" + typeName(v) + "' object cannot be interpreted as an integer");
    };
  }

  static boolean eq(Object a, Object b) {
    if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
    if (a == null || b == null) return a == b;
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Double || b instanceof Double) return toDouble(a) == toDouble(b);
      return toLong(a) == toLong(b);
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      if (la.size() != lb.size()) return false;
      for (int i = 0; i < la.size(); i++) if (!eq(la.get(i), lb.get(i))) return false;
      return true;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (ma.size() != mb.size()) return false;
      for (var e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !eq(e.getValue(), mb.get(e.getKey()))) return false;
      }
      return true;
    }
    if (a instanceof String || b instanceof String) return a.equals(b);
    return a == b || Objects.equals(a, b);
  }

  static int compare(Object a, Object b, String op) {
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Double || b instanceof Double) return Double.compare(toDouble(a), toDouble(b));
      return Long.compare(toLong(a), toLong(b));
    }
    if (a instanceof String sa && b instanceof String sb) return compareCodePoints(sa, sb);
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
        if (!eq(la.get(i), lb.get(i))) return compare(la.get(i), lb.get(i), op);
      }
      return Integer.compare(la.size(), lb.size());
    }
    throw new TypeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  static int compareCodePoints(String a, String b) {
    int i = 0, j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i), cb = b.codePointAt(j);
      if (ca != cb) return Integer.compare(ca, cb);
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  static boolean contains(Object container, Object item) {
    return switch (container) {
      case null -> throw new TypeError("argument of type 'NoneType' is not iterable");
      case String s -> {
        if (!(item instanceof String it)) throw new TypeError("'in <string>' requires string as left operand, not " + typeName(item));
        yield s.contains(it);
      }
      case List<?> l -> {
        for (Object o : l) if (eq(o, item)) yield true;
        yield false;
      }
      case Map<?, ?> m -> m.containsKey(item);
      case Namespace n -> n.attrs.containsKey(item);
      case Undefined u -> false;
      default -> throw new TypeError("argument of type '" + typeName(container) + "' is not iterable");
    };
  }

  static int length(Object v) {
    return switch (v) {
      case null -> throw new TypeError("object of type 'NoneType' has no len()");
      case String s -> s.codePointCount(0, s.length());
      case List<?> l -> l.size();
      case Map<?, ?> m -> m.size();
      case Undefined u -> 0;
      default -> throw new TypeError("object of type '" + typeName(v) + "' has no len()");
    };
  }

  /** Python iteration: lists, dict keys, string characters; Undefined is empty. */
  static List<Object> iterate(Object v) {
    return switch (v) {
      case null -> throw new TypeError("'NoneType' object is not iterable");
      case List<?> l -> new ArrayList<>(l);
      case Map<?, ?> m -> new ArrayList<>(m.keySet());
      case String s -> {
        List<Object> out = new ArrayList<>();
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        yield out;
      }
      case Undefined u -> new ArrayList<>();
      default -> throw new TypeError("'" + typeName(v) + "' object is not iterable");
    };
  }

  static boolean isWs(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x1f
        || c == 0x85;
  }

  static String strip(String s, String chars) {
    return lstrip(rstrip(s, chars), chars);
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && stripChar(s.charAt(i), chars)) i++;
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int j = s.length();
    while (j > 0 && stripChar(s.charAt(j - 1), chars)) j--;
    return s.substring(0, j);
  }

  private static boolean stripChar(char c, String chars) {
    return chars == null ? isWs(c) : chars.indexOf(c) >= 0;
  }

  /** Python {@code str.split(sep, maxsplit)}. */
  static List<Object> split(String s, String sep, long maxsplit) {
    List<Object> out = new ArrayList<>();
    if (sep == null) {
      int i = 0, n = s.length();
      while (true) {
        while (i < n && isWs(s.charAt(i))) i++;
        if (i >= n) break;
        if (maxsplit >= 0 && out.size() == maxsplit) {
          out.add(rstrip(s.substring(i), null));
          break;
        }
        int j = i;
        while (j < n && !isWs(s.charAt(j))) j++;
        out.add(s.substring(i, j));
        i = j;
      }
      return out;
    }
    if (sep.isEmpty()) throw new TemplateException("empty separator");
    int start = 0;
    while (true) {
      if (maxsplit >= 0 && out.size() == maxsplit) break;
      int k = s.indexOf(sep, start);
      if (k < 0) break;
      out.add(s.substring(start, k));
      start = k + sep.length();
    }
    out.add(s.substring(start));
    return out;
  }

  static List<Object> rsplit(String s, String sep, long maxsplit) {
    if (sep == null || maxsplit < 0) return split(s, sep, maxsplit);
    List<Object> out = new ArrayList<>();
    int end = s.length();
    while (out.size() < maxsplit) {
      int k = s.lastIndexOf(sep, end - sep.length());
      if (k < 0) break;
      out.addFirst(s.substring(k + sep.length(), end));
      end = k;
    }
    out.addFirst(s.substring(0, end));
    return out;
  }

  /** Python {@code str.title()}. */
  static String title(String s) {
    StringBuilder sb = new StringBuilder();
    boolean prevCased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetter(cp)) {
        sb.appendCodePoint(prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
        prevCased = true;
      } else {
        sb.appendCodePoint(cp);
        prevCased = false;
      }
    }
    return sb.toString();
  }

  static String capitalize(String s) {
    if (s.isEmpty()) return s;
    int cp = s.codePointAt(0);
    return new String(Character.toChars(Character.toTitleCase(cp))) + s.substring(Character.charCount(cp)).toLowerCase(java.util.Locale.ROOT);
  }

  /** Python slicing over a list or string. */
  static Object slice(Object seq, Object start, Object stop, Object step) {
    long st = step == null ? 1 : toLong(step);
    if (st == 0) throw new TemplateException("slice step cannot be zero");
    List<Object> items;
    boolean isStr = seq instanceof String;
    if (seq instanceof String s) {
      items = iterate(s);
    } else if (seq instanceof List<?> l) {
      items = new ArrayList<>(l);
    } else if (seq instanceof Undefined u) {
      throw u.error();
    } else {
      throw new TypeError("'" + typeName(seq) + "' object is not subscriptable");
    }
    int n = items.size();
    long lo, hi;
    if (st > 0) {
      lo = start == null ? 0 : clampIndex(toLong(start), n, 0, n);
      hi = stop == null ? n : clampIndex(toLong(stop), n, 0, n);
    } else {
      lo = start == null ? n - 1 : clampIndex(toLong(start), n, -1, n - 1);
      hi = stop == null ? -1 : clampIndex(toLong(stop), n, -1, n - 1);
    }
    List<Object> out = new ArrayList<>();
    if (st > 0) for (long i = lo; i < hi; i += st) out.add(items.get((int) i));
    else for (long i = lo; i > hi; i += st) out.add(items.get((int) i));
    if (!isStr) return out;
    StringBuilder sb = new StringBuilder();
    for (Object o : out) sb.append((String) o);
    return sb.toString();
  }

  private static long clampIndex(long i, int n, long min, long max) {
    if (i < 0) i += n;
    return Math.max(min, Math.min(max, i));
  }

}
