package dev.hearth.engine.template;

import dev.hearth.engine.template.Py.Namespace;
import dev.hearth.engine.template.Py.PyCallable;
import dev.hearth.engine.template.Py.TypeError;
import dev.hearth.engine.template.Py.Undefined;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Globals, attribute/method lookup, operators, filters and tests, with Jinja2 + Hugging Face semantics. */
final class Builtins {

  private final Clock clock;

  Builtins(Clock clock) {
    this.clock = clock;
  }

  Map<String, Object> globals() {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("range", (PyCallable) (args, kw) -> range(args));
    g.put("dict", (PyCallable) (args, kw) -> {
      Map<Object, Object> m = new LinkedHashMap<>();
      if (!args.isEmpty() && args.getFirst() instanceof Map<?, ?> src) m.putAll(src);
      m.putAll(kw);
      return m;
    });
    g.put("namespace", (PyCallable) (args, kw) -> {
      Namespace ns = new Namespace();
      for (Object a : args) {
        if (a instanceof Map<?, ?> m) for (var e : m.entrySet()) ns.attrs.put(Py.str(e.getKey()), e.getValue());
      }
      ns.attrs.putAll(kw);
      return ns;
    });
    g.put("raise_exception", (PyCallable) (args, kw) -> {
      throw new TemplateException.Raised(args.isEmpty() ? "" : Py.str(args.getFirst()), 0, 0);
    });
    g.put("strftime_now", (PyCallable) (args, kw) -> strftime(ZonedDateTime.now(clock), Py.str(args.getFirst())));
    return g;
  }

  private static List<Object> range(List<Object> args) {
    long start = 0, stop, step = 1;
    if (args.size() == 1) {
      stop = Py.toLong(args.get(0));
    } else {
      start = Py.toLong(args.get(0));
      stop = Py.toLong(args.get(1));
      if (args.size() > 2) step = Py.toLong(args.get(2));
    }
    if (step == 0) throw new TemplateException("range() arg 3 must not be zero");
    double size = Math.ceil(((double) stop - start) / step);
    if (size > Interpreter.MAX_LOOP_ITERATIONS) throw new TemplateException("range too large");
    List<Object> out = new ArrayList<>();
    if (step > 0) for (long i = start; i < stop; i += step) out.add(i);
    else for (long i = start; i > stop; i += step) out.add(i);
    return out;
  }

  /** Python {@code datetime.strftime} for the directives templates use. */
  static String strftime(ZonedDateTime t, String fmt) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%' || i + 1 >= fmt.length()) {
        sb.append(c);
        continue;
      }
      char d = fmt.charAt(++i);
      switch (d) {
        case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
        case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
        case 'Y' -> sb.append(t.getYear());
        case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
        case 'H' -> sb.append(String.format("%02d", t.getHour()));
        case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
        case 'M' -> sb.append(String.format("%02d", t.getMinute()));
        case 'S' -> sb.append(String.format("%02d", t.getSecond()));
        case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
        case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US));
        case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.US));
        case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US));
        case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US));
        case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
        case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
        case 'f' -> sb.append(String.format("%06d", t.getNano() / 1000));
        case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.US));
        case 'z' -> {
          int secs = t.getOffset().getTotalSeconds();
          sb.append(secs < 0 ? '-' : '+').append(String.format("%02d%02d", Math.abs(secs) / 3600, Math.abs(secs) % 3600 / 60));
        }
        case '%' -> sb.append('%');
        default -> sb.append('%').append(d);
      }
    }
    return sb.toString();
  }

  // ---- attribute and item access

  private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get", "copy", "update", "pop",
      "popitem", "setdefault", "clear", "fromkeys");
  private static final Set<String> LIST_MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort",
      "reverse");

  /** {@code obj.name}: Python attribute first (methods), then item. */
  static Object getattr(Object obj, String name) {
    switch (obj) {
      case null -> {
        return new Undefined("'None' has no attribute '" + name + "'");
      }
      case Undefined u -> throw u.error();
      case Map<?, ?> m -> {
        if (DICT_METHODS.contains(name)) return dictMethod(m, name);
        if (m.containsKey(name)) return m.get(name);
        return new Undefined("'dict object' has no attribute '" + name + "'");
      }
      case Namespace ns -> {
        if (ns.attrs.containsKey(name)) return ns.attrs.get(name);
        return new Undefined("'Namespace' object has no attribute '" + name + "'");
      }
      case Loop l -> {
        return l.attr(name);
      }
      case Interpreter.RecursiveLoop r -> {
        return r.loop().attr(name);
      }
      case String s -> {
        return stringMethod(s, name);
      }
      case List<?> l -> {
        if (LIST_MUTATORS.contains(name)) {
          throw new TemplateException("access to attribute '" + name + "' of 'list' object is unsafe");
        }
        return switch (name) {
          case "index" -> (PyCallable) (args, kw) -> {
            for (int i = 0; i < l.size(); i++) if (Py.eq(l.get(i), args.getFirst())) return (long) i;
            throw new TemplateException(Py.repr(args.getFirst()) + " is not in list");
          };
          case "count" -> (PyCallable) (args, kw) -> l.stream().filter(x -> Py.eq(x, args.getFirst())).count();
          default -> new Undefined("'list object' has no attribute '" + name + "'");
        };
      }
      default -> {
        return new Undefined("'" + Py.typeName(obj) + " object' has no attribute '" + name + "'");
      }
    }
  }

  /** {@code obj[key]}: item first, then attribute for string keys. */
  static Object getitem(Object obj, Object key) {
    switch (obj) {
      case null -> {
        return new Undefined("'None' has no attribute " + Py.repr(key));
      }
      case Undefined u -> throw u.error();
      case Map<?, ?> m -> {
        if (m.containsKey(key)) return m.get(key);
        if (key instanceof String s && DICT_METHODS.contains(s)) return dictMethod(m, s);
        return new Undefined("'dict object' has no attribute " + Py.repr(key));
      }
      case List<?> l -> {
        if (key instanceof Long || key instanceof Boolean) {
          long i = Py.toLong(key);
          if (i < 0) i += l.size();
          if (i < 0 || i >= l.size()) return new Undefined("list object has no element " + key);
          return l.get((int) i);
        }
        if (key instanceof String s) return getattr(obj, s);
        throw new TypeError("list indices must be integers or slices, not " + Py.typeName(key));
      }
      case String s -> {
        if (key instanceof Long || key instanceof Boolean) {
          List<Object> cps = Py.iterate(s);
          long i = Py.toLong(key);
          if (i < 0) i += cps.size();
          if (i < 0 || i >= cps.size()) return new Undefined("string index out of range");
          return cps.get((int) i);
        }
        if (key instanceof String k) return getattr(obj, k);
        throw new TypeError("string indices must be integers");
      }
      default -> {
        if (key instanceof String s) return getattr(obj, s);
        return new Undefined("'" + Py.typeName(obj) + " object' has no attribute " + Py.repr(key));
      }
    }
  }

  private static Object dictMethod(Map<?, ?> m, String name) {
    return switch (name) {
      case "items" -> (PyCallable) (args, kw) -> items(m);
      case "keys" -> (PyCallable) (args, kw) -> new ArrayList<Object>(m.keySet());
      case "values" -> (PyCallable) (args, kw) -> new ArrayList<Object>(m.values());
      case "get" -> (PyCallable) (args, kw) -> {
        Object k = args.getFirst();
        if (m.containsKey(k)) return m.get(k);
        return args.size() > 1 ? args.get(1) : null;
      };
      case "copy" -> (PyCallable) (args, kw) -> new LinkedHashMap<Object, Object>(m);
      default -> throw new TemplateException("access to attribute '" + name + "' of 'dict' object is unsafe");
    };
  }

  static List<Object> items(Map<?, ?> m) {
    List<Object> out = new ArrayList<>();
    for (var e : m.entrySet()) out.add(new Py.Tuple(java.util.Arrays.asList(e.getKey(), e.getValue())));
    return out;
  }

  private static String strArg(List<Object> args, int i, String method) {
    if (args.size() <= i || args.get(i) == null) return null;
    if (args.get(i) instanceof String s) return s;
    throw new TypeError(method + " arg must be None or str");
  }

  private static Object stringMethod(String s, String name) {
    return switch (name) {
      case "strip" -> (PyCallable) (a, kw) -> Py.strip(s, strArg(a, 0, "strip"));
      case "lstrip" -> (PyCallable) (a, kw) -> Py.lstrip(s, strArg(a, 0, "lstrip"));
      case "rstrip" -> (PyCallable) (a, kw) -> Py.rstrip(s, strArg(a, 0, "rstrip"));
      case "split" -> (PyCallable) (a, kw) -> Py.split(s, strArg(a, 0, "split") != null ? strArg(a, 0, "split")
          : (String) kw.get("sep"), a.size() > 1 ? Py.toLong(a.get(1)) : kw.containsKey("maxsplit") ? Py.toLong(kw.get("maxsplit")) : -1);
      case "rsplit" -> (PyCallable) (a, kw) -> Py.rsplit(s, strArg(a, 0, "rsplit") != null ? strArg(a, 0, "rsplit")
          : (String) kw.get("sep"), a.size() > 1 ? Py.toLong(a.get(1)) : kw.containsKey("maxsplit") ? Py.toLong(kw.get("maxsplit")) : -1);
      case "splitlines" -> (PyCallable) (a, kw) -> {
        List<Object> out = new ArrayList<>();
        for (String line : s.split("\r\n|\r|\n", -1)) out.add(line);
        if (!out.isEmpty() && ((String) out.getLast()).isEmpty()) out.removeLast();
        return out;
      };
      case "startswith" -> (PyCallable) (a, kw) -> affix(s, a.getFirst(), true);
      case "endswith" -> (PyCallable) (a, kw) -> affix(s, a.getFirst(), false);
      case "replace" -> (PyCallable) (a, kw) -> {
        String old = (String) a.get(0), neu = (String) a.get(1);
        long count = a.size() > 2 ? Py.toLong(a.get(2)) : -1;
        return replace(s, old, neu, count);
      };
      case "upper" -> (PyCallable) (a, kw) -> s.toUpperCase(Locale.ROOT);
      case "lower" -> (PyCallable) (a, kw) -> s.toLowerCase(Locale.ROOT);
      case "title" -> (PyCallable) (a, kw) -> Py.title(s);
      case "capitalize" -> (PyCallable) (a, kw) -> Py.capitalize(s);
      case "find" -> (PyCallable) (a, kw) -> (long) s.indexOf((String) a.getFirst());
      case "rfind" -> (PyCallable) (a, kw) -> (long) s.lastIndexOf((String) a.getFirst());
      case "index" -> (PyCallable) (a, kw) -> {
        int k = s.indexOf((String) a.getFirst());
        if (k < 0) throw new TemplateException("substring not found");
        return (long) k;
      };
      case "count" -> (PyCallable) (a, kw) -> {
        String sub = (String) a.getFirst();
        if (sub.isEmpty()) return (long) s.length() + 1;
        long c = 0;
        for (int k = s.indexOf(sub); k >= 0; k = s.indexOf(sub, k + sub.length())) c++;
        return c;
      };
      case "join" -> (PyCallable) (a, kw) -> {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Object o : Py.iterate(a.getFirst())) {
          if (!first) sb.append(s);
          first = false;
          if (!(o instanceof String str)) throw new TypeError("sequence item: expected str instance, " + Py.typeName(o) + " found");
          sb.append(str);
        }
        return sb.toString();
      };
      case "format" -> (PyCallable) (a, kw) -> format(s, a, kw);
      case "isdigit" -> (PyCallable) (a, kw) -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> (PyCallable) (a, kw) -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isspace" -> (PyCallable) (a, kw) -> !s.isEmpty() && s.chars().allMatch(Py::isWs);
      case "islower" -> (PyCallable) (a, kw) -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
      case "isupper" -> (PyCallable) (a, kw) -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
      case "center" -> (PyCallable) (a, kw) -> {
        int w = (int) Py.toLong(a.getFirst());
        String fill = a.size() > 1 ? (String) a.get(1) : " ";
        int pad = w - s.length();
        if (pad <= 0) return s;
        int left = pad / 2 + (pad & w & 1);
        return fill.repeat(left) + s + fill.repeat(pad - left);
      };
      case "removeprefix" -> (PyCallable) (a, kw) -> s.startsWith((String) a.getFirst()) ? s.substring(((String) a.getFirst()).length()) : s;
      case "removesuffix" -> (PyCallable) (a, kw) -> {
        String suf = (String) a.getFirst();
        return !suf.isEmpty() && s.endsWith(suf) ? s.substring(0, s.length() - suf.length()) : s;
      };
      default -> new Undefined("'str object' has no attribute '" + name + "'");
    };
  }

  private static boolean affix(String s, Object arg, boolean prefix) {
    if (arg instanceof List<?> l) {
      for (Object o : l) if (affix(s, o, prefix)) return true;
      return false;
    }
    if (!(arg instanceof String a)) {
      throw new TypeError((prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not " + Py.typeName(arg));
    }
    return prefix ? s.startsWith(a) : s.endsWith(a);
  }

  static String replace(String s, String old, String neu, long count) {
    if (count < 0) return s.replace(old, neu);
    StringBuilder sb = new StringBuilder();
    int from = 0;
    long done = 0;
    if (old.isEmpty()) {
      // Python inserts between every character
      for (int i = 0; i < s.length() && done < count; i++, done++) sb.append(neu).append(s.charAt(i));
      return done < count ? sb.append(neu).toString() : sb.append(s.substring((int) done)).toString();
    }
    while (done < count) {
      int k = s.indexOf(old, from);
      if (k < 0) break;
      sb.append(s, from, k).append(neu);
      from = k + old.length();
      done++;
    }
    return sb.append(s.substring(from)).toString();
  }

  /** Python {@code str.format} for {@code {}}, {@code {0}}, {@code {name}} and {@code {{ }}} escapes. */
  static String format(String s, List<Object> args, Map<String, Object> kw) {
    StringBuilder sb = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
          sb.append('{');
          i++;
          continue;
        }
        int end = s.indexOf('}', i);
        if (end < 0) throw new TemplateException("Single '{' encountered in format string");
        String field = s.substring(i + 1, end);
        String spec = null;
        int colon = field.indexOf(':');
        if (colon >= 0) {
          spec = field.substring(colon + 1);
          field = field.substring(0, colon);
        }
        Object v;
        if (field.isEmpty()) v = args.get(auto++);
        else if (field.chars().allMatch(Character::isDigit)) v = args.get(Integer.parseInt(field));
        else v = kw.containsKey(field) ? kw.get(field) : new Undefined("'" + field + "' is undefined");
        sb.append(spec == null || spec.isEmpty() ? Py.str(v) : formatSpec(v, spec));
        i = end;
      } else if (c == '}') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '}') i++;
        sb.append('}');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Python's format-spec mini language: {@code [[fill]align][sign][0][width][,][.precision][type]}. */
  static String formatSpec(Object v, String spec) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?:(.)?([<>^=]))?([-+ ])?(0)?(\\d+)?(,)?(?:\\.(\\d+))?([sdfFeEgGxXob%])?").matcher(spec);
    if (!m.matches()) throw new TemplateException("Invalid format specifier '" + spec + "'");
    String fill = m.group(1) != null ? m.group(1) : (m.group(4) != null ? "0" : " ");
    String align = m.group(2);
    int width = m.group(5) != null ? Integer.parseInt(m.group(5)) : 0;
    String type = m.group(8);
    String sign = m.group(3) != null && !m.group(3).equals("-") ? m.group(3) : "";
    String body;
    if (type == null && v instanceof String s) type = "s";
    if (type == null) body = Py.str(v);
    else switch (type) {
      case "s" -> body = m.group(7) != null ? Py.str(v).substring(0, Math.min(Py.str(v).length(), Integer.parseInt(m.group(7)))) : Py.str(v);
      case "d" -> body = String.format("%" + sign + (m.group(6) != null ? "," : "") + "d", Py.toLong(v));
      case "x", "X", "o" -> body = String.format("%" + type, Py.toLong(v));
      case "b" -> body = Long.toBinaryString(Py.toLong(v));
      case "%" -> body = String.format(Locale.ROOT, "%." + (m.group(7) != null ? m.group(7) : "6") + "f", Py.toDouble(v) * 100) + "%";
      default -> body = String.format(Locale.ROOT, "%" + sign + (m.group(6) != null ? "," : "") + "." + (m.group(7) != null ? m.group(7) : "6")
          + type, Py.toDouble(v));
    }
    if (align == null) align = v instanceof String ? "<" : ">";
    int pad = width - body.codePointCount(0, body.length());
    if (pad <= 0) return body;
    return switch (align) {
      case "<" -> body + fill.repeat(pad);
      case "^" -> fill.repeat(pad / 2) + body + fill.repeat(pad - pad / 2);
      default -> fill.repeat(pad) + body;
    };
  }

  /** Python {@code fmt % args} for {@code %s %r %d %i %f %x %%} with flags, width and precision. */
  static String percent(String fmt, List<Object> args) {
    StringBuilder sb = new StringBuilder();
    int ai = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%') {
        sb.append(c);
        continue;
      }
      int j = i + 1;
      while (j < fmt.length() && "-+ 0#.0123456789".indexOf(fmt.charAt(j)) >= 0) j++;
      if (j >= fmt.length()) throw new TemplateException("incomplete format");
      String flags = fmt.substring(i + 1, j);
      char conv = fmt.charAt(j);
      i = j;
      if (conv == '%') {
        sb.append('%');
        continue;
      }
      if (ai >= args.size()) throw new TypeError("not enough arguments for format string");
      Object v = args.get(ai++);
      switch (conv) {
        case 's' -> sb.append(String.format("%" + flags.replace("0", "") + "s", Py.str(v)));
        case 'r' -> sb.append(String.format("%" + flags + "s", Py.repr(v)));
        case 'd', 'i' -> sb.append(String.format("%" + flags + "d", (long) Py.toDouble(v)));
        case 'f', 'F', 'e', 'g' -> sb.append(String.format(Locale.ROOT, "%" + flags + conv, Py.toDouble(v)));
        case 'x', 'X', 'o' -> sb.append(String.format("%" + flags + conv, Py.toLong(v)));
        default -> throw new TemplateException("unsupported format character '" + conv + "'");
      }
    }
    return sb.toString();
  }

  // ---- operators

  static Object binary(String op, Object l, Object r) {
    if (op.equals("~")) return Py.str(l) + Py.str(r);
    if (l instanceof Undefined u) throw u.error();
    if (r instanceof Undefined u) throw u.error();
    switch (op) {
      case "+" -> {
        if (l instanceof String a && r instanceof String b) return a + b;
        if (l instanceof List<?> a && r instanceof List<?> b) {
          List<Object> out = new ArrayList<>(a);
          out.addAll(b);
          return out;
        }
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (l instanceof Double || r instanceof Double) return Py.toDouble(l) + Py.toDouble(r);
          return Math.addExact(Py.toLong(l), Py.toLong(r));
        }
      }
      case "-" -> {
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (l instanceof Double || r instanceof Double) return Py.toDouble(l) - Py.toDouble(r);
          return Math.subtractExact(Py.toLong(l), Py.toLong(r));
        }
      }
      case "*" -> {
        if (l instanceof String s && (r instanceof Long || r instanceof Boolean)) return repeat(s, Py.toLong(r));
        if (r instanceof String s && (l instanceof Long || l instanceof Boolean)) return repeat(s, Py.toLong(l));
        if (l instanceof List<?> a && (r instanceof Long || r instanceof Boolean)) {
          long times = Math.max(0, Py.toLong(r));
          if (times * a.size() > Interpreter.MAX_LOOP_ITERATIONS) throw new TemplateException("list repetition too large");
          List<Object> out = new ArrayList<>();
          for (long k = 0; k < times; k++) out.addAll(a);
          return out;
        }
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (l instanceof Double || r instanceof Double) return Py.toDouble(l) * Py.toDouble(r);
          return Math.multiplyExact(Py.toLong(l), Py.toLong(r));
        }
      }
      case "/" -> {
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (Py.toDouble(r) == 0) throw new TemplateException("division by zero");
          return Py.toDouble(l) / Py.toDouble(r);
        }
      }
      case "//" -> {
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (Py.toDouble(r) == 0) throw new TemplateException("integer division or modulo by zero");
          if (l instanceof Double || r instanceof Double) return Math.floor(Py.toDouble(l) / Py.toDouble(r));
          return Math.floorDiv(Py.toLong(l), Py.toLong(r));
        }
      }
      case "%" -> {
        if (l instanceof String s) return percent(s, r instanceof Py.Tuple list ? new ArrayList<>(list) : List.of(r == null ? "None" : r));
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (Py.toDouble(r) == 0) throw new TemplateException("integer division or modulo by zero");
          if (l instanceof Double || r instanceof Double) {
            double a = Py.toDouble(l), b = Py.toDouble(r);
            return a - Math.floor(a / b) * b;
          }
          return Math.floorMod(Py.toLong(l), Py.toLong(r));
        }
      }
      case "**" -> {
        if (Py.isNumber(l) && Py.isNumber(r)) {
          if (l instanceof Double || r instanceof Double || Py.toLong(r) < 0) return Math.pow(Py.toDouble(l), Py.toDouble(r));
          long base = Py.toLong(l), e = Py.toLong(r), acc = 1;
          for (long k = 0; k < e; k++) acc = Math.multiplyExact(acc, base);
          return acc;
        }
      }
      default -> { }
    }
    if (op.equals("+") && l instanceof String) {
      throw new TypeError("can only concatenate str (not \"" + Py.typeName(r) + "\") to str");
    }
    if (op.equals("+") && l instanceof List<?>) {
      throw new TypeError("can only concatenate list (not \"" + Py.typeName(r) + "\") to list");
    }
    throw new TypeError("unsupported operand type(s) for " + op + ": '" + Py.typeName(l) + "' and '" + Py.typeName(r) + "'");
  }

  private static String repeat(String s, long times) {
    if (times <= 0 || s.isEmpty()) return "";
    if (times * s.length() > Interpreter.MAX_OUTPUT_CHARS) throw new TemplateException("string repetition too large");
    return s.repeat((int) times);
  }

  // ---- tests

  boolean test(String name, Object v, List<Object> args, Interpreter in) {
    return switch (name) {
      case "defined" -> !(v instanceof Undefined);
      case "undefined" -> v instanceof Undefined;
      case "none" -> v == null;
      case "boolean" -> v instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "integer" -> v instanceof Long;
      case "float" -> v instanceof Double;
      case "number" -> v instanceof Long || v instanceof Double || v instanceof Boolean;
      case "string" -> v instanceof String;
      case "mapping" -> v instanceof Map<?, ?>;
      case "sequence" -> v instanceof List<?> || v instanceof String || v instanceof Map<?, ?>;
      case "iterable" -> v instanceof List<?> || v instanceof String || v instanceof Map<?, ?>;
      case "callable" -> v instanceof PyCallable;
      case "sameas" -> v == args.getFirst() || (v == null && args.getFirst() == null)
          || (v instanceof Boolean && v.equals(args.getFirst()));
      case "eq", "equalto", "==" -> Py.eq(v, args.getFirst());
      case "ne", "!=" -> !Py.eq(v, args.getFirst());
      case "lt", "lessthan", "<" -> Py.compare(v, args.getFirst(), "<") < 0;
      case "le", "<=" -> Py.compare(v, args.getFirst(), "<=") <= 0;
      case "gt", "greaterthan", ">" -> Py.compare(v, args.getFirst(), ">") > 0;
      case "ge", ">=" -> Py.compare(v, args.getFirst(), ">=") >= 0;
      case "in" -> Py.contains(args.getFirst(), v);
      case "odd" -> Py.toLong(v) % 2 != 0;
      case "even" -> Py.toLong(v) % 2 == 0;
      case "divisibleby" -> Py.toLong(v) % Py.toLong(args.getFirst()) == 0;
      case "lower" -> v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT));
      case "upper" -> v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT));
      case "escaped" -> false;
      case "filter" -> FILTERS.contains(Py.str(v));
      case "test" -> TESTS.contains(Py.str(v));
      default -> throw new TemplateException("no test named '" + name + "'");
    };
  }

  private static final Set<String> TESTS = Set.of("defined", "undefined", "none", "boolean", "true", "false", "integer",
      "float", "number", "string", "mapping", "sequence", "iterable", "callable", "sameas", "eq", "equalto", "ne", "lt",
      "le", "gt", "ge", "in", "odd", "even", "divisibleby", "lower", "upper", "escaped", "filter", "test");

  private static final Set<String> FILTERS = Set.of("length", "count", "trim", "default", "d", "join", "first", "last",
      "map", "select", "reject", "selectattr", "rejectattr", "list", "items", "safe", "string", "int", "float", "tojson",
      "upper", "lower", "title", "capitalize", "replace", "indent", "abs", "round", "sort", "dictsort", "unique",
      "reverse", "sum", "min", "max", "format", "escape", "e", "attr", "batch", "center", "wordcount", "truncate",
      "forceescape", "bool", "groupby", "striptags");

  // ---- filters

  Object filter(String name, Object v, List<Object> a, Map<String, Object> kw, Interpreter in) {
    return switch (name) {
      case "length", "count" -> (long) Py.length(v);
      case "trim" -> Py.strip(Py.str(v), arg(a, kw, 0, "chars") instanceof String c ? c : null);
      case "default", "d" -> {
        Object dflt = a.isEmpty() ? kw.getOrDefault("default_value", "") : a.get(0);
        boolean bool = Py.truthy(arg(a, kw, 1, "boolean"));
        yield (v instanceof Undefined || (bool && !Py.truthy(v))) ? dflt : v;
      }
      case "join" -> {
        Object sep = arg(a, kw, 0, "d");
        Object attr = arg(a, kw, 1, "attribute");
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Object o : Py.iterate(v)) {
          if (!first) sb.append(sep instanceof Undefined || sep == null ? "" : Py.str(sep));
          first = false;
          sb.append(Py.str(attr instanceof Undefined || attr == null ? o : attrPath(o, attr)));
        }
        yield sb.toString();
      }
      case "first" -> {
        List<Object> l = Py.iterate(v);
        yield l.isEmpty() ? new Undefined("No first item, sequence was empty.") : l.getFirst();
      }
      case "last" -> {
        List<Object> l = Py.iterate(v);
        yield l.isEmpty() ? new Undefined("No last item, sequence was empty.") : l.getLast();
      }
      case "list" -> Py.iterate(v);
      case "items" -> switch (v) {
        case null -> throw new TypeError("Can only get item pairs from a mapping.");
        case Undefined u -> new ArrayList<>();
        case Map<?, ?> m -> items(m);
        default -> throw new TypeError("Can only get item pairs from a mapping.");
      };
      case "safe", "escape", "e", "forceescape" -> name.startsWith("e") || name.startsWith("f") ? escape(Py.str(v)) : v;
      case "string" -> Py.str(v);
      case "bool" -> Py.truthy(v);
      case "int" -> toInt(v, a.isEmpty() ? kw.getOrDefault("default", 0L) : a.getFirst(),
          a.size() > 1 ? Py.toLong(a.get(1)) : kw.containsKey("base") ? Py.toLong(kw.get("base")) : 10);
      case "float" -> toFloat(v, a.isEmpty() ? kw.getOrDefault("default", 0.0) : a.getFirst());
      case "tojson" -> tojson(v, a, kw);
      case "upper" -> Py.str(v).toUpperCase(Locale.ROOT);
      case "lower" -> Py.str(v).toLowerCase(Locale.ROOT);
      case "capitalize" -> Py.capitalize(Py.str(v));
      case "title" -> titleFilter(Py.str(v));
      case "replace" -> replace(Py.str(v), Py.str(a.get(0)), Py.str(a.get(1)), a.size() > 2 ? Py.toLong(a.get(2)) : -1);
      case "indent" -> indent(Py.str(v), arg(a, kw, 0, "width"), Py.truthy(arg(a, kw, 1, "first")), Py.truthy(arg(a, kw, 2, "blank")));
      case "abs" -> v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Py.toLong(v));
      case "round" -> {
        int prec = a.isEmpty() ? 0 : (int) Py.toLong(a.getFirst());
        String method = a.size() > 1 ? Py.str(a.get(1)) : Py.str(kw.getOrDefault("method", "common"));
        double f = Math.pow(10, prec), x = Py.toDouble(v) * f;
        yield switch (method) {
          case "ceil" -> Math.ceil(x) / f;
          case "floor" -> Math.floor(x) / f;
          // Python's round(): half-even on the exact binary value
          default -> new java.math.BigDecimal(Py.toDouble(v)).setScale(prec, java.math.RoundingMode.HALF_EVEN).doubleValue();
        };
      }
      case "sort" -> sort(v, Py.truthy(arg(a, kw, 0, "reverse")), Py.truthy(arg(a, kw, 1, "case_sensitive")), arg(a, kw, 2, "attribute"));
      case "dictsort" -> {
        if (!(v instanceof Map<?, ?> m)) throw new TypeError("dictsort filter requires a mapping");
        boolean cs = Py.truthy(arg(a, kw, 0, "case_sensitive"));
        Object by = arg(a, kw, 1, "by");
        boolean rev = Py.truthy(arg(a, kw, 2, "reverse"));
        int idx = by instanceof String s && s.equals("value") ? 1 : 0;
        List<Object> pairs = items(m);
        Comparator<Object> cmp = (x, y) -> compareKey(((List<?>) x).get(idx), ((List<?>) y).get(idx), cs);
        pairs.sort(rev ? cmp.reversed() : cmp);
        yield pairs;
      }
      case "unique" -> {
        List<Object> out = new ArrayList<>();
        Object attr = arg(a, kw, 1, "attribute");
        boolean cs = Py.truthy(arg(a, kw, 0, "case_sensitive"));
        List<Object> seen = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          Object key = attr instanceof Undefined || attr == null ? o : attrPath(o, attr);
          if (!cs && key instanceof String s) key = s.toLowerCase(Locale.ROOT);
          if (!Py.contains(seen, key)) {
            seen.add(key);
            out.add(o);
          }
        }
        yield out;
      }
      case "reverse" -> v instanceof String s ? new StringBuilder(s).reverse().toString() : Py.iterate(v).reversed();
      case "sum" -> {
        Object attr = arg(a, kw, 0, "attribute");
        Object acc = a.size() > 1 ? a.get(1) : kw.getOrDefault("start", 0L);
        for (Object o : Py.iterate(v)) acc = binary("+", acc, attr instanceof Undefined || attr == null ? o : attrPath(o, attr));
        yield acc;
      }
      case "min", "max" -> {
        List<Object> l = Py.iterate(v);
        if (l.isEmpty()) yield new Undefined("No aggregated item, sequence was empty.");
        boolean cs = Py.truthy(arg(a, kw, 0, "case_sensitive"));
        Object best = l.getFirst();
        for (Object o : l) {
          int c = compareKey(o, best, cs);
          if (name.equals("min") ? c < 0 : c > 0) best = o;
        }
        yield best;
      }
      case "format" -> percent(Py.str(v), a);
      case "attr" -> getattr(v, Py.str(a.getFirst()));
      case "center" -> {
        int w = a.isEmpty() ? 80 : (int) Py.toLong(a.getFirst());
        yield ((PyCallable) stringMethod(Py.str(v), "center")).call(List.of((long) w), Map.of());
      }
      case "wordcount" -> (long) Py.split(Py.str(v), null, -1).size();
      case "striptags" -> String.join(" ", Py.split(Py.str(v).replaceAll("<!--.*?-->|<[^>]*>", ""), null, -1).stream().map(Py::str).toList());
      case "batch" -> {
        int size = (int) Py.toLong(a.getFirst());
        List<Object> out = new ArrayList<>();
        List<Object> cur = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          cur.add(o);
          if (cur.size() == size) {
            out.add(cur);
            cur = new ArrayList<>();
          }
        }
        if (!cur.isEmpty()) {
          if (a.size() > 1) while (cur.size() < size) cur.add(a.get(1));
          out.add(cur);
        }
        yield out;
      }
      case "truncate" -> {
        String s = Py.str(v);
        int len = a.isEmpty() ? 255 : (int) Py.toLong(a.getFirst());
        yield s.length() <= len ? s : s.substring(0, Math.max(0, len - 3)) + "...";
      }
      case "map" -> map(v, a, kw, in);
      case "select", "reject" -> {
        List<Object> out = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          boolean ok = a.isEmpty() ? Py.truthy(o) : test(Py.str(a.getFirst()), o, a.subList(1, a.size()), in);
          if (ok == name.equals("select")) out.add(o);
        }
        yield out;
      }
      case "selectattr", "rejectattr" -> {
        List<Object> out = new ArrayList<>();
        for (Object o : Py.iterate(v)) {
          Object x = attrPath(o, a.getFirst());
          boolean ok = a.size() < 2 ? Py.truthy(x) : test(Py.str(a.get(1)), x, a.subList(2, a.size()), in);
          if (ok == name.equals("selectattr")) out.add(o);
        }
        yield out;
      }
      case "groupby" -> {
        Object attr = a.getFirst();
        Map<Object, List<Object>> groups = new LinkedHashMap<>();
        List<Object> sorted = sort(v, false, false, attr);
        for (Object o : sorted) groups.computeIfAbsent(attrPath(o, attr), k -> new ArrayList<>()).add(o);
        List<Object> out = new ArrayList<>();
        for (var e : groups.entrySet()) out.add(new Py.Tuple(java.util.Arrays.asList(e.getKey(), e.getValue())));
        yield out;
      }
      default -> throw new TemplateException("no filter named '" + name + "'");
    };
  }

  private static Object arg(List<Object> a, Map<String, Object> kw, int i, String name) {
    if (a.size() > i) return a.get(i);
    if (kw.containsKey(name)) return kw.get(name);
    return new Undefined("missing argument '" + name + "'");
  }

  /** {@code attribute="a.b"} or an integer index, as Jinja's {@code make_attrgetter}. */
  static Object attrPath(Object o, Object attr) {
    return attrPath(o, attr, null);
  }

  /** Jinja's {@code make_attrgetter}: dotted path, integer parts as indexes, {@code dflt} for undefined parts. */
  static Object attrPath(Object o, Object attr, Object dflt) {
    if (attr instanceof Long l) return getitem(o, l);
    Object cur = o;
    for (String part : Py.str(attr).split("\\.")) {
      cur = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? getitem(cur, Long.parseLong(part)) : getitem(cur, part);
      if (dflt != null && cur instanceof Undefined) cur = dflt;
    }
    return cur;
  }

  private Object map(Object v, List<Object> a, Map<String, Object> kw, Interpreter in) {
    List<Object> out = new ArrayList<>();
    if (kw.containsKey("attribute")) {
      Object attr = kw.get("attribute");
      for (Object o : Py.iterate(v)) out.add(attrPath(o, attr, kw.get("default")));
      return out;
    }
    if (a.isEmpty()) throw new TemplateException("map requires a filter argument");
    String f = Py.str(a.getFirst());
    List<Object> rest = a.subList(1, a.size());
    for (Object o : Py.iterate(v)) out.add(filter(f, o, rest, kw, in));
    return out;
  }

  private static int compareKey(Object x, Object y, boolean caseSensitive) {
    if (!caseSensitive) {
      if (x instanceof String s) x = s.toLowerCase(Locale.ROOT);
      if (y instanceof String s) y = s.toLowerCase(Locale.ROOT);
    }
    return Py.compare(x, y, "<");
  }

  private static List<Object> sort(Object v, boolean reverse, boolean cs, Object attr) {
    List<Object> l = Py.iterate(v);
    Comparator<Object> cmp = (x, y) -> {
      Object kx = attr instanceof Undefined || attr == null ? x : attrPath(x, attr);
      Object ky = attr instanceof Undefined || attr == null ? y : attrPath(y, attr);
      return compareKey(kx, ky, cs);
    };
    l.sort(reverse ? cmp.reversed() : cmp);
    return l;
  }

  private static Object toInt(Object v, Object dflt, long base) {
    return switch (v) {
      case null -> dflt;
      case Long l -> l;
      case Boolean b -> b ? 1L : 0L;
      case Double d -> Double.isFinite(d) ? (Object) (long) (double) d : dflt;
      case String s -> {
        String t = Py.strip(s, null).replace("_", "");
        try {
          if (base == 10) {
            try {
              yield Long.parseLong(t);
            } catch (NumberFormatException e) {
              yield (long) Double.parseDouble(t);
            }
          }
          if (base == 16 && (t.startsWith("0x") || t.startsWith("0X"))) t = t.substring(2);
          if (base == 8 && (t.startsWith("0o") || t.startsWith("0O"))) t = t.substring(2);
          if (base == 2 && (t.startsWith("0b") || t.startsWith("0B"))) t = t.substring(2);
          yield Long.parseLong(t, (int) base);
        } catch (NumberFormatException e) {
          yield dflt;
        }
      }
      default -> dflt;
    };
  }

  private static Object toFloat(Object v, Object dflt) {
    return switch (v) {
      case null -> dflt;
      case Long l -> (double) l;
      case Double d -> d;
      case Boolean b -> b ? 1.0 : 0.0;
      case String s -> {
        try {
          yield Double.parseDouble(Py.strip(s, null));
        } catch (NumberFormatException e) {
          yield dflt;
        }
      }
      default -> dflt;
    };
  }

  private static String tojson(Object v, List<Object> a, Map<String, Object> kw) {
    Object indent = a.isEmpty() ? kw.get("indent") : a.getFirst();
    Object seps = kw.get("separators");
    String itemSep = null, keySep = null;
    if (seps instanceof List<?> l && l.size() == 2) {
      itemSep = Py.str(l.get(0));
      keySep = Py.str(l.get(1));
    }
    boolean sortKeys = Py.truthy(kw.get("sort_keys"));
    boolean ascii = Py.truthy(kw.get("ensure_ascii"));
    if (v instanceof Undefined) throw new TypeError("Object of type Undefined is not JSON serializable");
    return Json.dumps(v, indent, itemSep, keySep, sortKeys, ascii);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
  }

  /** Jinja's {@code title} filter: capitalize each word (words split on whitespace, dashes and brackets). */
  private static String titleFilter(String s) {
    StringBuilder sb = new StringBuilder();
    boolean start = true;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (Py.isWs(cp) || "-({[<".indexOf(cp) >= 0) {
        sb.appendCodePoint(cp);
        start = true;
      } else {
        sb.appendCodePoint(start ? Character.toUpperCase(cp) : Character.toLowerCase(cp));
        start = false;
      }
    }
    return sb.toString();
  }

  /** Jinja 3.1's {@code indent(width=4, first=False, blank=False)}. */
  private static String indent(String s, Object width, boolean first, boolean blank) {
    String ind = width instanceof String w ? w : " ".repeat(width instanceof Undefined ? 4 : (int) Py.toLong(width));
    s = s + "\n";
    List<String> lines = splitlines(s);
    String rv;
    if (blank) {
      rv = String.join("\n" + ind, lines);
    } else {
      StringBuilder sb = new StringBuilder(lines.isEmpty() ? "" : lines.getFirst());
      if (lines.size() > 1) {
        List<String> rest = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) rest.add(line.isEmpty() ? line : ind + line);
        sb.append('\n').append(String.join("\n", rest));
      }
      rv = sb.toString();
    }
    return first ? ind + rv : rv;
  }

  private static List<String> splitlines(String s) {
    List<String> out = new ArrayList<>(List.of(s.split("\r\n|\r|\n", -1)));
    if (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
    return out;
  }
}
