package dev.hearth.server.chat.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Mistral: {@code [TOOL_CALLS]} then either a JSON array of calls
 * ({@code [{"name": "f", "arguments": {...}}]}, Nemo and earlier) or, with {@code bracketArgs}
 * (Small 3.2 and later), {@code f[ARGS]{...}} per call. {@code [TOOL_CALLS]} is a control token in
 * Mistral vocabularies, which the detokenizer drops, so an answer that starts with a bare array of
 * calls counts as well, and so does, in the {@code [ARGS]} form (also a control token there), one
 * that starts with a function name directly followed by its JSON arguments. The templates demand call ids of exactly 9 letters and digits, so other ids
 * are mapped to such ones (the same id always to the same one) when the conversation is rendered.
 */
public record MistralSyntax(boolean bracketArgs) implements ToolSyntax {
  static final String MARKER = "[TOOL_CALLS]";
  private static final String ARGS = "[ARGS]";
  private static final String CALL_ID = "[CALL_ID]";
  private static final String BARE = "[{\"name\"";
  private static final Set<String> ARGUMENT_KEYS = Set.of("arguments", "parameters");

  @Override
  public String name() {
    return bracketArgs ? "mistral-args" : "mistral";
  }

  @Override
  public int findCall(String text, int from) {
    int marker = text.indexOf(MARKER, from);
    if (from == 0) {
      int i = JsonScan.skipSpace(text, 0);
      boolean bare = bracketArgs ? nameEnd(text, i) < text.length() && text.charAt(nameEnd(text, i)) == '{'
          : Boolean.TRUE.equals(Markers.lenientMatch(text, i, BARE));
      if (bare && (marker < 0 || i < marker)) {
        return i;
      }
    }
    return marker;
  }

  @Override
  public int holdFrom(String text, int from) {
    if (from == 0) {
      int i = JsonScan.skipSpace(text, 0);
      boolean undecided = bracketArgs ? nameEnd(text, i) == text.length() : Markers.lenientMatch(text, i, BARE) == null;
      if (undecided && i < text.length()) {
        return 0;
      }
    }
    return Markers.partialSuffix(text, from, MARKER);
  }

  /** Where the function name starting at {@code i} ends (the first character that cannot be in one); i when none. */
  private static int nameEnd(String text, int i) {
    int k = i;
    while (k < text.length() && (Character.isLetterOrDigit(text.charAt(k)) || "_-.".indexOf(text.charAt(k)) >= 0)) {
      k++;
    }
    return k == i ? (i < text.length() ? i : text.length()) : k;
  }

  @Override
  public Step readCall(String text, int at, boolean end) {
    int j = text.startsWith(MARKER, at) ? at + MARKER.length() : at;
    j = JsonScan.skipSpace(text, j);
    if (j >= text.length()) {
      return new Step(List.of(), j, Status.INCOMPLETE);
    }
    return text.charAt(j) == '[' ? array(text, at, j) : bracketed(text, at, j);
  }

  private static Step array(String text, int at, int j) {
    List<Call> calls = new ArrayList<>();
    int k = j + 1;
    while (true) {
      k = JsonScan.skipSpace(text, k);
      if (k >= text.length()) {
        return new Step(calls, k, Status.INCOMPLETE);
      }
      if (text.charAt(k) == ']' && !calls.isEmpty()) {
        return new Step(calls, k + 1, Status.DONE);
      }
      if (text.charAt(k) != '{') {
        return new Step(calls, calls.isEmpty() ? at : k, Status.INVALID);
      }
      JsonScan.CallObject obj = JsonScan.callObject(text, k, ARGUMENT_KEYS);
      List<Call> one = Markers.call(text, obj);
      if (obj.end() == JsonScan.INVALID || (obj.end() >= 0 && one.isEmpty())) {
        return new Step(calls, calls.isEmpty() ? at : k, Status.INVALID);
      }
      calls.addAll(one);
      if (obj.end() == JsonScan.INCOMPLETE) {
        return new Step(calls, text.length(), Status.INCOMPLETE);
      }
      k = JsonScan.skipSpace(text, obj.end());
      if (k >= text.length()) {
        return new Step(calls, k, Status.INCOMPLETE);
      }
      if (text.charAt(k) == ',') {
        k++;
      } else if (text.charAt(k) == ']') {
        return new Step(calls, k + 1, Status.DONE);
      } else {
        return new Step(calls, k, Status.INVALID);
      }
    }
  }

  private static Step bracketed(String text, int at, int j) {
    int k = nameEnd(text, j);
    if (k >= text.length()) {
      return new Step(List.of(), k, Status.INCOMPLETE);
    }
    String name = text.substring(j, k);
    if (name.isEmpty()) {
      return new Step(List.of(), at, Status.INVALID);
    }
    if (text.startsWith(CALL_ID, k)) {
      k = text.indexOf('[', k + CALL_ID.length());
      if (k < 0) {
        return new Step(List.of(), text.length(), Status.INCOMPLETE);
      }
    }
    if (text.startsWith("{", k)) {
      k -= ARGS.length(); // [ARGS] was a control token the detokenizer dropped
    } else if (!text.startsWith(ARGS, k)) {
      String rest = text.substring(k);
      boolean partial = ARGS.startsWith(rest) || CALL_ID.startsWith(rest);
      return new Step(List.of(), partial ? text.length() : at, partial ? Status.INCOMPLETE : Status.INVALID);
    }
    k = JsonScan.skipSpace(text, k + ARGS.length());
    if (k >= text.length()) {
      return new Step(List.of(new Call(name, "", false)), k, Status.INCOMPLETE);
    }
    int e = JsonScan.valueEnd(text, k);
    if (e == JsonScan.INVALID) {
      return new Step(List.of(), at, Status.INVALID);
    }
    if (e == JsonScan.INCOMPLETE) {
      return new Step(List.of(new Call(name, text.substring(k), false)), text.length(), Status.INCOMPLETE);
    }
    return new Step(List.of(new Call(name, text.substring(k, e), true)), e, Status.DONE);
  }

  @Override
  public boolean parallel() {
    return true;
  }

  @Override
  public String open() {
    return bracketArgs ? "" : MARKER + "[";
  }

  @Override
  public String callPrefix(String name) {
    return bracketArgs ? MARKER + name + ARGS : "{\"name\": \"" + name + "\", \"arguments\": ";
  }

  @Override
  public String callSuffix() {
    return bracketArgs ? "" : "}";
  }

  @Override
  public String separator() {
    return bracketArgs ? "" : ", ";
  }

  @Override
  public String close() {
    return bracketArgs ? "" : "]";
  }

  @Override
  public String templateCallId(String id) {
    return Markers.nineAlphanumerics(id);
  }
}
