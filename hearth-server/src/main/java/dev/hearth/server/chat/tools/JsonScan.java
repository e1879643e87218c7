package dev.hearth.server.chat.tools;

import java.util.Set;

/**
 * Reads JSON in text that may still be arriving: a value's end is found without parsing it (strings,
 * escapes and nesting are tracked), so the raw text of a call's arguments can be streamed as it grows
 * and is byte-for-byte what the model wrote.
 */
final class JsonScan {
  /** The text ends before the value does. */
  static final int INCOMPLETE = -1;
  /** The text cannot be JSON here. */
  static final int INVALID = -2;

  private JsonScan() {}

  static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index just after the JSON value starting at {@code i}, or {@link #INCOMPLETE}/{@link #INVALID}. */
  static int valueEnd(String s, int i) {
    if (i >= s.length()) {
      return INCOMPLETE;
    }
    char c = s.charAt(i);
    if (c == '"') {
      return stringEnd(s, i);
    }
    if (c == '{' || c == '[') {
      StringBuilder stack = new StringBuilder();
      int j = i;
      while (j < s.length()) {
        char d = s.charAt(j);
        if (d == '"') {
          j = stringEnd(s, j);
          if (j < 0) {
            return j;
          }
          continue;
        }
        if (d == '{' || d == '[') {
          stack.append(d == '{' ? '}' : ']');
        } else if (d == '}' || d == ']') {
          if (stack.isEmpty() || stack.charAt(stack.length() - 1) != d) {
            return INVALID;
          }
          stack.setLength(stack.length() - 1);
          if (stack.isEmpty()) {
            return j + 1;
          }
        }
        j++;
      }
      return INCOMPLETE;
    }
    if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
      int j = i;
      while (j < s.length() && "+-.eE0123456789truefalsn".indexOf(s.charAt(j)) >= 0) {
        j++;
      }
      return j == s.length() ? INCOMPLETE : j;
    }
    return INVALID;
  }

  /** The index after the closing quote of the string starting at {@code i}. */
  static int stringEnd(String s, int i) {
    int j = i + 1;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '"') {
        return j + 1;
      }
      j++;
    }
    return INCOMPLETE;
  }

  /** The value of a complete JSON string literal {@code s[from, to)}. */
  static String unquote(String s, int from, int to) {
    StringBuilder out = new StringBuilder();
    for (int j = from + 1; j < to - 1; j++) {
      char c = s.charAt(j);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = s.charAt(++j);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          out.append((char) Integer.parseInt(s.substring(j + 1, Math.min(j + 5, s.length())), 16));
          j += 4;
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }

  /**
   * A call object read so far: {@code {"name": "f", "arguments": {...}}} (the arguments under any of
   * {@code argumentKeys}, in either order).
   *
   * @param name the function name once its string is complete, else null
   * @param argsFrom where the arguments' text starts, or -1 before it does
   * @param argsTo where it ends, or -1 while it is still arriving
   * @param end the index after the object's closing brace, or {@link #INCOMPLETE}/{@link #INVALID}
   */
  record CallObject(String name, int argsFrom, int argsTo, int end) {}

  static CallObject callObject(String s, int i, Set<String> argumentKeys) {
    String name = null;
    int argsFrom = -1;
    int argsTo = -1;
    int j = i + 1;
    while (true) {
      j = skipSpace(s, j);
      if (j >= s.length()) {
        return new CallObject(name, argsFrom, argsTo, INCOMPLETE);
      }
      if (s.charAt(j) == '}') {
        return new CallObject(name, argsFrom, argsTo, j + 1);
      }
      if (s.charAt(j) != '"') {
        return new CallObject(name, argsFrom, argsTo, INVALID);
      }
      int keyEnd = stringEnd(s, j);
      if (keyEnd < 0) {
        return new CallObject(name, argsFrom, argsTo, keyEnd);
      }
      String key = unquote(s, j, keyEnd);
      j = skipSpace(s, keyEnd);
      if (j >= s.length()) {
        return new CallObject(name, argsFrom, argsTo, INCOMPLETE);
      }
      if (s.charAt(j) != ':') {
        return new CallObject(name, argsFrom, argsTo, INVALID);
      }
      j = skipSpace(s, j + 1);
      int valueEnd = valueEnd(s, j);
      boolean isArgs = argumentKeys.contains(key) && argsFrom < 0;
      if (isArgs && j < s.length()) {
        argsFrom = j;
        argsTo = valueEnd < 0 ? -1 : valueEnd;
      }
      if (valueEnd < 0) {
        return new CallObject(name, argsFrom, argsTo, valueEnd);
      }
      if (key.equals("name") && s.charAt(j) == '"') {
        name = unquote(s, j, valueEnd);
      }
      j = skipSpace(s, valueEnd);
      if (j >= s.length()) {
        return new CallObject(name, argsFrom, argsTo, INCOMPLETE);
      }
      if (s.charAt(j) == ',') {
        j++;
      } else if (s.charAt(j) != '}') {
        return new CallObject(name, argsFrom, argsTo, INVALID);
      }
    }
  }
}
