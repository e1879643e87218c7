package dev.hearth.engine.grammar;

import dev.hearth.engine.grammar.Grammar.Builder;
import dev.hearth.engine.grammar.Grammar.ByteClass;
import dev.hearth.engine.grammar.Grammar.Element;
import dev.hearth.engine.grammar.Grammar.RuleRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema (the subset OpenAI's strict structured outputs accepts) into a
 * {@link Grammar} whose sentences are exactly compact JSON texts that validate against it.
 *
 * <p>The schema is a plain tree (maps, lists, strings, numbers, booleans, null), so the engine
 * needs no JSON library. Objects are written with all their declared properties, in schema order
 * (strict mode requires every property); arrays honour {@code minItems}/{@code maxItems}, strings
 * {@code minLength}/{@code maxLength} and the formats {@code date}, {@code time},
 * {@code date-time}, {@code uuid} and {@code ipv4}; numbers have at most 15 digits before and
 * after the point and a two-digit exponent, so every parser reads them as finite values; {@code enum}, {@code const}, {@code anyOf},
 * type lists and {@code $ref} into {@code $defs}/{@code definitions} (recursion included) work.
 * Anything else that constrains values is refused with a {@link SchemaException} naming the
 * keyword, rather than ignored: output that does not validate would break the guarantee.
 */
public final class JsonSchemaGrammar {
  /** Keywords that only annotate and never constrain. */
  private static final Set<String> ANNOTATIONS =
      Set.of("description", "title", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly");
  private static final Set<String> SUPPORTED =
      Set.of("type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "enum", "const",
          "anyOf", "$ref", "$defs", "definitions", "minLength", "maxLength", "format", "nullable");
  private static final Set<String> FORMATS = Set.of("date", "time", "date-time", "uuid", "ipv4");
  /** Counted repetition is unrolled into rules; beyond this a bound is refused rather than exploding the grammar. */
  private static final int MAX_COUNT = 1000;
  /** Digits of an integer or of a fraction. */
  static final int MAX_DIGITS = 15;

  private final Builder b;
  private final Map<String, Object> root;
  private final Map<String, Integer> refRules = new HashMap<>();
  private final List<Runnable> pending = new ArrayList<>();
  private final Map<String, RuleRef> shared = new HashMap<>();

  private JsonSchemaGrammar(Builder b, Map<String, Object> root) {
    this.b = b;
    this.root = root;
  }

  /** The grammar of JSON texts valid against {@code schema} (a map tree as parsed from JSON). */
  public static Grammar compile(Object schema) {
    Builder b = Grammar.builder();
    return b.build(compileInto(b, schema).rule());
  }

  /**
   * Adds the rules for JSON texts valid against {@code schema} to a grammar being built by someone
   * else (a tool call wraps its arguments' schema in the model's call syntax) and returns the rule.
   */
  public static RuleRef compileInto(Builder b, Object schema) {
    if (!(schema instanceof Map<?, ?> map)) {
      throw new SchemaException("type", "#", "A schema must be an object");
    }
    @SuppressWarnings("unchecked")
    JsonSchemaGrammar c = new JsonSchemaGrammar(b, (Map<String, Object>) map);
    RuleRef start = c.b.rule("schema", List.of(c.schema(map, "#")));
    while (!c.pending.isEmpty()) {
      c.pending.removeFirst().run();
    }
    return start;
  }

  /** Any JSON object ({@code response_format: json_object}). */
  public static Grammar anyObject() {
    Builder b = Grammar.builder();
    return b.build(anyObjectInto(b).rule());
  }

  /** Adds the rules for any JSON object to a grammar being built and returns the rule. */
  public static RuleRef anyObjectInto(Builder b) {
    return new JsonSchemaGrammar(b, Map.of()).anyObjectRule();
  }

  // ---- schemas -----------------------------------------------------------------------------

  private List<Element> schema(Map<?, ?> s, String path) {
    for (Object key : s.keySet()) {
      String k = key.toString();
      if (!SUPPORTED.contains(k) && !ANNOTATIONS.contains(k)) {
        throw new SchemaException(k, path, "Unsupported schema keyword");
      }
    }
    if (s.containsKey("$ref")) {
      return List.of(ref(s.get("$ref").toString(), path));
    }
    if (s.containsKey("const")) {
      return Builder.literal(json(s.get("const")));
    }
    if (s.containsKey("enum")) {
      if (!(s.get("enum") instanceof List<?> values) || values.isEmpty()) {
        throw new SchemaException("enum", path, "'enum' must be a non-empty array");
      }
      List<List<Element>> alts = new ArrayList<>();
      values.forEach(v -> alts.add(Builder.literal(json(v))));
      return List.of(b.rule("enum", alts));
    }
    if (s.containsKey("anyOf")) {
      if (!(s.get("anyOf") instanceof List<?> options) || options.isEmpty()) {
        throw new SchemaException("anyOf", path, "'anyOf' must be a non-empty array");
      }
      List<List<Element>> alts = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        alts.add(schema(asMap(options.get(i), path + "/anyOf/" + i), path + "/anyOf/" + i));
      }
      return List.of(b.rule("anyOf", alts));
    }
    Object type = s.get("type");
    if (type == null) {
      if (s.containsKey("properties")) {
        type = "object";
      } else if (s.containsKey("items")) {
        type = "array";
      } else {
        return List.of(anyValue());
      }
    }
    if (type instanceof List<?> types) {
      List<List<Element>> alts = new ArrayList<>();
      for (Object t : types) {
        alts.add(typed(t.toString(), s, path));
      }
      return List.of(b.rule("types", alts));
    }
    List<Element> value = typed(type.toString(), s, path);
    if (Boolean.TRUE.equals(s.get("nullable"))) {
      return List.of(b.rule("nullable", List.of(value, Builder.literal("null"))));
    }
    return value;
  }

  private List<Element> typed(String type, Map<?, ?> s, String path) {
    return switch (type) {
      case "object" -> object(s, path);
      case "array" -> array(s, path);
      case "string" -> string(s, path);
      case "number" -> List.of(shared("number", this::numberRule));
      case "integer" -> List.of(shared("integer", this::integerRule));
      case "boolean" -> List.of(b.rule("boolean", List.of(Builder.literal("true"), Builder.literal("false"))));
      case "null" -> Builder.literal("null");
      default -> throw new SchemaException("type", path, "Unknown type '" + type + "'");
    };
  }

  private List<Element> object(Map<?, ?> s, String path) {
    Object props = s.get("properties");
    if (props == null || (props instanceof Map<?, ?> m && m.isEmpty())) {
      if (Boolean.FALSE.equals(s.get("additionalProperties"))) {
        return Builder.literal("{}");
      }
      if (s.get("additionalProperties") instanceof Map<?, ?> valueSchema) {
        return List.of(members(schema(valueSchema, path + "/additionalProperties")));
      }
      return List.of(anyObjectRule());
    }
    if (!(props instanceof Map<?, ?> properties)) {
      throw new SchemaException("properties", path, "'properties' must be an object");
    }
    if (s.get("additionalProperties") instanceof Map<?, ?>) {
      throw new SchemaException("additionalProperties", path, "A schema for additional properties next to 'properties' is not supported");
    }
    List<Element> seq = new ArrayList<>(Builder.literal("{"));
    boolean first = true;
    for (var e : properties.entrySet()) {
      String name = e.getKey().toString();
      if (!first) {
        seq.addAll(Builder.literal(","));
      }
      first = false;
      seq.addAll(Builder.literal(json(name) + ":"));
      String at = path + "/properties/" + name;
      seq.addAll(schema(asMap(e.getValue(), at), at));
    }
    seq.addAll(Builder.literal("}"));
    return List.of(b.rule("object", List.of(seq)));
  }

  private List<Element> array(Map<?, ?> s, String path) {
    List<Element> item = s.containsKey("items")
        ? schema(asMap(s.get("items"), path + "/items"), path + "/items")
        : List.of(anyValue());
    RuleRef itemRule = b.rule("item", List.of(item));
    int min = count(s, "minItems", 0, path);
    Integer max = s.containsKey("maxItems") ? count(s, "maxItems", 0, path) : null;
    if (max != null && max < min) {
      throw new SchemaException("maxItems", path, "'maxItems' is below 'minItems'");
    }
    List<Element> commaItem = new ArrayList<>(Builder.literal(","));
    commaItem.add(itemRule);
    List<Element> seq = new ArrayList<>(Builder.literal("["));
    if (max == null || max > 0) {
      List<Element> items = new ArrayList<>();
      if (min > 0) {
        items.add(itemRule);
        for (int i = 1; i < min; i++) {
          items.addAll(commaItem);
        }
        items.add(tail(commaItem, max == null ? null : max - min, "items"));
        seq.addAll(items);
      } else {
        items.add(itemRule);
        items.add(tail(commaItem, max == null ? null : max - 1, "items"));
        seq.add(b.optional("items?", items));
      }
    }
    seq.addAll(Builder.literal("]"));
    return List.of(b.rule("array", List.of(seq)));
  }

  private List<Element> string(Map<?, ?> s, String path) {
    if (s.containsKey("format")) {
      String format = s.get("format").toString();
      if (!FORMATS.contains(format)) {
        throw new SchemaException("format", path, "Unsupported string format '" + format + "' (supported: " + FORMATS + ")");
      }
      if (s.containsKey("minLength") || s.containsKey("maxLength")) {
        throw new SchemaException("format", path, "A length limit next to a format is not supported");
      }
      return List.of(shared("format:" + format, () -> formatRule(format)));
    }
    int min = count(s, "minLength", 0, path);
    Integer max = s.containsKey("maxLength") ? count(s, "maxLength", 0, path) : null;
    if (max != null && max < min) {
      throw new SchemaException("maxLength", path, "'maxLength' is below 'minLength'");
    }
    if (min == 0 && max == null) {
      return List.of(shared("string", this::stringRule));
    }
    RuleRef ch = shared("char", this::charRule);
    List<Element> seq = new ArrayList<>(Builder.literal("\""));
    for (int i = 0; i < min; i++) {
      seq.add(ch);
    }
    seq.add(tail(List.of(ch), max == null ? null : max - min, "chars"));
    seq.addAll(Builder.literal("\""));
    return List.of(b.rule("string", List.of(seq)));
  }

  /** Up to {@code max} more of {@code element} (unbounded when null). */
  private RuleRef tail(List<Element> element, Integer max, String name) {
    if (max == null) {
      return b.star(name + "*", element);
    }
    RuleRef rest = b.rule(name + "{0}", List.of(List.of()));
    for (int i = 1; i <= max; i++) {
      List<Element> more = new ArrayList<>(element);
      more.add(rest);
      rest = b.optional(name + "{" + i + "}", more);
    }
    return rest;
  }

  private RuleRef ref(String ref, String path) {
    String name;
    if (ref.equals("#")) {
      name = "#";
    } else if (ref.startsWith("#/$defs/") || ref.startsWith("#/definitions/")) {
      name = ref;
    } else {
      throw new SchemaException("$ref", path, "Only local references (#, #/$defs/..., #/definitions/...) are supported");
    }
    Integer rule = refRules.get(name);
    if (rule == null) {
      Map<?, ?> target = resolve(name, path);
      int r = b.declare("ref " + name);
      refRules.put(name, r);
      pending.add(() -> b.define(r, List.of(schema(target, name))));
      rule = r;
    }
    return new RuleRef(rule);
  }

  private Map<?, ?> resolve(String ref, String path) {
    if (ref.equals("#")) {
      return root;
    }
    String[] parts = ref.substring(2).split("/", 2);
    Object defs = root.get(parts[0]);
    Object target = defs instanceof Map<?, ?> m ? m.get(parts[1].replace("~1", "/").replace("~0", "~")) : null;
    if (target == null) {
      throw new SchemaException("$ref", path, "Reference " + ref + " points to nothing");
    }
    return asMap(target, ref);
  }

  // ---- shared JSON rules -------------------------------------------------------------------

  private RuleRef shared(String key, java.util.function.Supplier<RuleRef> make) {
    RuleRef r = shared.get(key);
    if (r == null) {
      r = make.get();
      shared.put(key, r);
    }
    return r;
  }

  private RuleRef anyValue() {
    RuleRef existing = shared.get("value");
    if (existing != null) {
      return existing;
    }
    int value = b.declare("value");
    RuleRef ref = new RuleRef(value);
    shared.put("value", ref);
    List<Element> arrayItems = new ArrayList<>(List.of(ref));
    List<Element> commaValue = new ArrayList<>(Builder.literal(","));
    commaValue.add(ref);
    arrayItems.add(b.star("values*", commaValue));
    List<Element> array = new ArrayList<>(Builder.literal("["));
    array.add(b.optional("values?", arrayItems));
    array.addAll(Builder.literal("]"));
    b.define(value, List.of(
        List.of(anyObjectRule()), array, List.of(shared("string", this::stringRule)),
        List.of(shared("number", this::numberRule)), Builder.literal("true"), Builder.literal("false"), Builder.literal("null")));
    return ref;
  }

  private RuleRef anyObjectRule() {
    RuleRef existing = shared.get("object");
    if (existing != null) {
      return existing;
    }
    int object = b.declare("any object");
    RuleRef ref = new RuleRef(object);
    shared.put("object", ref);
    RuleRef members = members(List.of(anyValue()));
    b.define(object, List.of(List.of(members)));
    return ref;
  }

  /** {@code {"k":v,...}} with any keys and values of one schema. */
  private RuleRef members(List<Element> value) {
    List<Element> member = new ArrayList<>(List.of(shared("string", this::stringRule)));
    member.addAll(Builder.literal(":"));
    member.addAll(value);
    RuleRef memberRule = b.rule("member", List.of(member));
    List<Element> commaMember = new ArrayList<>(Builder.literal(","));
    commaMember.add(memberRule);
    List<Element> list = new ArrayList<>(List.of(memberRule));
    list.add(b.star("members*", commaMember));
    List<Element> seq = new ArrayList<>(Builder.literal("{"));
    seq.add(b.optional("members?", list));
    seq.addAll(Builder.literal("}"));
    return b.rule("members", List.of(seq));
  }

  private RuleRef stringRule() {
    List<Element> seq = new ArrayList<>(Builder.literal("\""));
    seq.add(b.star("chars", List.of(shared("char", this::charRule))));
    seq.addAll(Builder.literal("\""));
    return b.rule("string", List.of(seq));
  }

  /** One JSON string character: unescaped ASCII, a well-formed UTF-8 sequence, or an escape. */
  private RuleRef charRule() {
    ByteClass ascii = ByteClass.of(0x20, 0x7F).minus(ByteClass.single('"')).minus(ByteClass.single('\\'));
    ByteClass cont = ByteClass.of(0x80, 0xBF);
    ByteClass hex = ByteClass.of('0', '9').union(ByteClass.of('a', 'f')).union(ByteClass.of('A', 'F'));
    List<List<Element>> alts = new ArrayList<>();
    alts.add(List.of(ascii));
    alts.add(List.of(ByteClass.of(0xC2, 0xDF), cont));
    alts.add(List.of(ByteClass.single(0xE0), ByteClass.of(0xA0, 0xBF), cont));
    alts.add(List.of(ByteClass.of(0xE1, 0xEC), cont, cont));
    alts.add(List.of(ByteClass.single(0xED), ByteClass.of(0x80, 0x9F), cont));
    alts.add(List.of(ByteClass.of(0xEE, 0xEF), cont, cont));
    alts.add(List.of(ByteClass.single(0xF0), ByteClass.of(0x90, 0xBF), cont, cont));
    alts.add(List.of(ByteClass.of(0xF1, 0xF3), cont, cont, cont));
    alts.add(List.of(ByteClass.single(0xF4), ByteClass.of(0x80, 0x8F), cont, cont));
    ByteClass simpleEscape = ByteClass.single('"').union(ByteClass.single('\\')).union(ByteClass.single('/'))
        .union(ByteClass.single('b')).union(ByteClass.single('f')).union(ByteClass.single('n'))
        .union(ByteClass.single('r')).union(ByteClass.single('t'));
    alts.add(List.of(ByteClass.single('\\'), simpleEscape));
    alts.add(List.of(ByteClass.single('\\'), ByteClass.single('u'), hex, hex, hex, hex));
    return b.rule("char", alts);
  }

  /**
   * Integers of at most {@value #MAX_DIGITS} digits: every JSON parser reads them exactly, as a
   * 64-bit integer and as a double.
   */
  private RuleRef integerRule() {
    ByteClass digit = ByteClass.of('0', '9');
    List<Element> nonZero = new ArrayList<>(List.of(ByteClass.of('1', '9')));
    nonZero.add(tail(List.of(digit), MAX_DIGITS - 1, "digits"));
    RuleRef natural = b.rule("natural", List.of(Builder.literal("0"), nonZero));
    return b.rule("integer", List.of(List.of(b.optional("minus", Builder.literal("-")), natural)));
  }

  /** Numbers bounded so that they stay finite doubles: short mantissas, two-digit exponents. */
  private RuleRef numberRule() {
    ByteClass digit = ByteClass.of('0', '9');
    List<Element> fractionDigits = new ArrayList<>(List.of(digit));
    fractionDigits.add(tail(List.of(digit), MAX_DIGITS - 1, "fraction digits"));
    RuleRef fraction = b.optional("fraction", concat(List.of(ByteClass.single('.')), fractionDigits));
    RuleRef exponent = b.optional("exponent", List.of(ByteClass.single('e').union(ByteClass.single('E')),
        b.optional("sign", List.of(ByteClass.single('+').union(ByteClass.single('-')))), digit,
        b.optional("digit?", List.of(digit))));
    return b.rule("number", List.of(List.of(shared("integer", this::integerRule), fraction, exponent)));
  }

  private static List<Element> concat(List<Element> a, List<Element> b) {
    List<Element> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private RuleRef formatRule(String format) {
    ByteClass d = ByteClass.of('0', '9');
    ByteClass h = d.union(ByteClass.of('a', 'f')).union(ByteClass.of('A', 'F'));
    List<Element> q = new ArrayList<>(Builder.literal("\""));
    switch (format) {
      case "date" -> q.addAll(date());
      case "time" -> q.addAll(time());
      case "date-time" -> {
        q.addAll(date());
        q.addAll(Builder.literal("T"));
        q.addAll(time());
      }
      case "uuid" -> {
        for (int group : new int[] {8, 4, 4, 4, 12}) {
          if (group != 8) {
            q.addAll(Builder.literal("-"));
          }
          for (int i = 0; i < group; i++) {
            q.add(h);
          }
        }
      }
      case "ipv4" -> {
        RuleRef octet = b.rule("octet", List.of(
            List.of(d), List.of(ByteClass.of('1', '9'), d), List.of(ByteClass.single('1'), d, d),
            List.of(ByteClass.single('2'), ByteClass.of('0', '4'), d), List.of(ByteClass.single('2'), ByteClass.single('5'), ByteClass.of('0', '5'))));
        for (int i = 0; i < 4; i++) {
          if (i > 0) {
            q.addAll(Builder.literal("."));
          }
          q.add(octet);
        }
      }
      default -> throw new IllegalArgumentException(format);
    }
    q.addAll(Builder.literal("\""));
    return b.rule(format, List.of(q));
  }

  private List<Element> date() {
    ByteClass d = ByteClass.of('0', '9');
    RuleRef month = b.rule("month", List.of(List.of(ByteClass.single('0'), ByteClass.of('1', '9')),
        List.of(ByteClass.single('1'), ByteClass.of('0', '2'))));
    RuleRef day = b.rule("day", List.of(List.of(ByteClass.single('0'), ByteClass.of('1', '9')),
        List.of(ByteClass.of('1', '2'), d), List.of(ByteClass.single('3'), ByteClass.of('0', '1'))));
    List<Element> seq = new ArrayList<>(List.of(d, d, d, d));
    seq.addAll(Builder.literal("-"));
    seq.add(month);
    seq.addAll(Builder.literal("-"));
    seq.add(day);
    return seq;
  }

  private List<Element> time() {
    ByteClass d = ByteClass.of('0', '9');
    RuleRef hour = b.rule("hour", List.of(List.of(ByteClass.of('0', '1'), d), List.of(ByteClass.single('2'), ByteClass.of('0', '3'))));
    ByteClass sixty = ByteClass.of('0', '5');
    RuleRef fraction = b.optional("fraction", List.of(ByteClass.single('.'), d, b.star("digits", List.of(d))));
    RuleRef zone = b.rule("zone", List.of(Builder.literal("Z"),
        List.of(ByteClass.single('+').union(ByteClass.single('-')), hour, ByteClass.single(':'), sixty, d)));
    List<Element> seq = new ArrayList<>(List.of(hour, ByteClass.single(':'), sixty, d, ByteClass.single(':'), sixty, d, fraction, zone));
    return seq;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static int count(Map<?, ?> s, String keyword, int fallback, String path) {
    Object v = s.get(keyword);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0) {
      throw new SchemaException(keyword, path, "'" + keyword + "' must be a non-negative integer");
    }
    if (n.longValue() > MAX_COUNT) {
      throw new SchemaException(keyword, path, "'" + keyword + "' above " + MAX_COUNT + " is not supported");
    }
    return n.intValue();
  }

  private static Map<?, ?> asMap(Object o, String path) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    if (Boolean.TRUE.equals(o)) {
      return Map.of();
    }
    throw new SchemaException("type", path, "Expected a schema object");
  }

  /** The compact JSON text of a plain value, as {@code enum} and {@code const} must be written. */
  static String json(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      StringBuilder sb = new StringBuilder("\"");
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
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      return sb.append('"').toString();
    }
    if (v instanceof Boolean || v instanceof Number) {
      return v.toString();
    }
    if (v instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(json(list.get(i)));
      }
      return sb.append(']').toString();
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (var e : map.entrySet()) {
        sb.append(first ? "" : ",").append(json(e.getKey().toString())).append(':').append(json(e.getValue()));
        first = false;
      }
      return sb.append('}').toString();
    }
    throw new IllegalArgumentException("not a JSON value: " + v.getClass());
  }
}
