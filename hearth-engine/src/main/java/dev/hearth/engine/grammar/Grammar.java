package dev.hearth.engine.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A context-free grammar over bytes, the form constrained decoding runs on: rules of
 * alternatives, each a sequence of byte classes and rule references. Rule 0 is the start rule.
 * Repetition is expressed with helper rules ({@link Builder#star}, {@link Builder#optional}), so
 * the recognizer needs only sequences and alternatives. Recursion through references is allowed
 * (that is how {@code $ref} cycles work); left recursion is not, and no builder method makes it.
 */
public final class Grammar {
  /** One element of an alternative. */
  public sealed interface Element permits ByteClass, RuleRef {}

  /** A set of bytes, as 256 bits. */
  public record ByteClass(long[] bits) implements Element {
    public boolean matches(int b) {
      return (bits[b >>> 6] & (1L << (b & 63))) != 0;
    }

    public static ByteClass of(int from, int to) {
      long[] bits = new long[4];
      for (int b = from; b <= to; b++) {
        bits[b >>> 6] |= 1L << (b & 63);
      }
      return new ByteClass(bits);
    }

    public static ByteClass single(int b) {
      return of(b, b);
    }

    public ByteClass union(ByteClass other) {
      long[] bits = new long[4];
      for (int i = 0; i < 4; i++) {
        bits[i] = this.bits[i] | other.bits[i];
      }
      return new ByteClass(bits);
    }

    public ByteClass minus(ByteClass other) {
      long[] bits = new long[4];
      for (int i = 0; i < 4; i++) {
        bits[i] = this.bits[i] & ~other.bits[i];
      }
      return new ByteClass(bits);
    }
  }

  /** A reference to a rule by index. */
  public record RuleRef(int rule) implements Element {}

  private final List<List<List<Element>>> rules;
  private final List<String> names;

  private Grammar(List<List<List<Element>>> rules, List<String> names) {
    this.rules = rules;
    this.names = names;
  }

  /** The alternatives of a rule; an empty alternative matches the empty string. */
  public List<List<Element>> alternatives(int rule) {
    return rules.get(rule);
  }

  public int ruleCount() {
    return rules.size();
  }

  public String ruleName(int rule) {
    return names.get(rule);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a grammar; {@link #declare} reserves a rule so that rules can refer to each other. */
  public static final class Builder {
    private final List<List<List<Element>>> rules = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private Builder() {
      declare("root");
    }

    /** Reserves a rule (to be defined later) and returns its index. */
    public int declare(String name) {
      rules.add(null);
      names.add(name);
      return rules.size() - 1;
    }

    public void define(int rule, List<List<Element>> alternatives) {
      if (rules.get(rule) != null) {
        throw new IllegalStateException("rule " + names.get(rule) + " is already defined");
      }
      rules.set(rule, List.copyOf(alternatives.stream().map(List::copyOf).toList()));
    }

    /** A new rule with the given alternatives. */
    public RuleRef rule(String name, List<List<Element>> alternatives) {
      int r = declare(name);
      define(r, alternatives);
      return new RuleRef(r);
    }

    /** Zero or more of {@code element}: {@code R ::= element R | ε}. */
    public RuleRef star(String name, List<Element> element) {
      int r = declare(name);
      List<Element> more = new ArrayList<>(element);
      more.add(new RuleRef(r));
      define(r, List.of(more, List.of()));
      return new RuleRef(r);
    }

    /** {@code element} or nothing. */
    public RuleRef optional(String name, List<Element> element) {
      return rule(name, List.of(element, List.of()));
    }

    /** The literal bytes of {@code text} (UTF-8). */
    public static List<Element> literal(String text) {
      List<Element> out = new ArrayList<>();
      for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        out.add(ByteClass.single(b & 0xFF));
      }
      return out;
    }

    public Grammar build(int start) {
      List<List<List<Element>>> copy = new ArrayList<>(rules);
      // Rule 0 is always the start: point it at the requested one.
      copy.set(0, List.of(List.of(new RuleRef(start))));
      for (int i = 0; i < copy.size(); i++) {
        if (copy.get(i) == null) {
          throw new IllegalStateException("rule " + names.get(i) + " was declared but never defined");
        }
      }
      return new Grammar(List.copyOf(copy), List.copyOf(names));
    }
  }
}
