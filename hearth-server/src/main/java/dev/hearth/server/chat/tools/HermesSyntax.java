package dev.hearth.server.chat.tools;

import java.util.List;
import java.util.Set;

/**
 * Hermes / Qwen2.5 / Qwen3: each call is a JSON object in its own tags,
 * {@code <tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>}; text may come before it.
 * Also the fallback for templates that do not render tools themselves (Hearth then describes
 * the tools in this syntax in the system prompt).
 */
public record HermesSyntax() implements ToolSyntax {
  static final String OPEN = "<tool_call>";
  static final String CLOSE = "</tool_call>";
  private static final Set<String> ARGUMENT_KEYS = Set.of("arguments", "parameters");

  @Override
  public String name() {
    return "hermes";
  }

  @Override
  public int findCall(String text, int from) {
    return text.indexOf(OPEN, from);
  }

  @Override
  public int holdFrom(String text, int from) {
    return Markers.partialSuffix(text, from, OPEN);
  }

  @Override
  public Step readCall(String text, int at, boolean end) {
    int j = JsonScan.skipSpace(text, at + OPEN.length());
    if (j >= text.length()) {
      return new Step(List.of(), j, Status.INCOMPLETE);
    }
    if (text.charAt(j) != '{') {
      return new Step(List.of(), at, Status.INVALID);
    }
    JsonScan.CallObject obj = JsonScan.callObject(text, j, ARGUMENT_KEYS);
    List<Call> calls = Markers.call(text, obj);
    if (obj.end() == JsonScan.INVALID) {
      return new Step(List.of(), at, Status.INVALID);
    }
    if (obj.end() == JsonScan.INCOMPLETE) {
      return new Step(calls, text.length(), Status.INCOMPLETE);
    }
    if (calls.isEmpty()) {
      return new Step(List.of(), at, Status.INVALID);
    }
    int k = JsonScan.skipSpace(text, obj.end());
    if (text.startsWith(CLOSE, k)) {
      return new Step(calls, k + CLOSE.length(), Status.DONE);
    }
    if (!end && CLOSE.startsWith(text.substring(k))) {
      return new Step(calls, text.length(), Status.INCOMPLETE);
    }
    // a missing closing tag is forgiven
    return new Step(calls, obj.end(), Status.DONE);
  }

  @Override
  public boolean parallel() {
    return true;
  }

  @Override
  public String callPrefix(String name) {
    return OPEN + "\n{\"name\": \"" + name + "\", \"arguments\": ";
  }

  @Override
  public String callSuffix() {
    return "}\n" + CLOSE;
  }

  @Override
  public String separator() {
    return "\n";
  }
}
