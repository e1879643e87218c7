package dev.hearth.server.chat.tools;

import java.util.List;
import java.util.Set;

/**
 * Llama 3.1 / 3.2 / 3.3: the whole answer is a JSON object {@code {"name": "f", "parameters": {...}}}
 * (possibly after {@code <|python_tag|>}, a control token the detokenizer drops). The templates render
 * one call per assistant turn, so parallel calls are not offered.
 */
public record Llama3JsonSyntax() implements ToolSyntax {
  private static final String PATTERN = "{\"name\"";
  private static final String PYTHON_TAG = "<|python_tag|>";
  private static final Set<String> ARGUMENT_KEYS = Set.of("parameters", "arguments");

  @Override
  public String name() {
    return "llama3-json";
  }

  private static int start(String text, int from) {
    int i = from;
    while (true) {
      i = JsonScan.skipSpace(text, i);
      if (i < text.length() && text.charAt(i) == ';') {
        i++;
      } else {
        break;
      }
    }
    if (text.startsWith(PYTHON_TAG, i)) {
      i += PYTHON_TAG.length();
    }
    return JsonScan.skipSpace(text, i);
  }

  @Override
  public int findCall(String text, int from) {
    int i = start(text, from);
    return Boolean.TRUE.equals(Markers.lenientMatch(text, i, PATTERN)) ? i : -1;
  }

  @Override
  public int holdFrom(String text, int from) {
    int i = start(text, from);
    String rest = text.substring(i);
    boolean mayBeTag = PYTHON_TAG.startsWith(rest) || (rest.length() <= PYTHON_TAG.length() && rest.startsWith("<|"));
    return mayBeTag || Markers.lenientMatch(text, i, PATTERN) == null ? from : text.length();
  }

  @Override
  public Step readCall(String text, int at, boolean end) {
    JsonScan.CallObject obj = JsonScan.callObject(text, at, ARGUMENT_KEYS);
    List<Call> calls = Markers.call(text, obj);
    if (obj.end() == JsonScan.INVALID || (obj.end() >= 0 && calls.isEmpty())) {
      return new Step(List.of(), at, Status.INVALID);
    }
    if (obj.end() == JsonScan.INCOMPLETE) {
      return new Step(calls, text.length(), Status.INCOMPLETE);
    }
    return new Step(calls, obj.end(), Status.DONE);
  }

  @Override
  public boolean parallel() {
    return false;
  }

  @Override
  public String callPrefix(String name) {
    return "{\"name\": \"" + name + "\", \"parameters\": ";
  }

  @Override
  public String callSuffix() {
    return "}";
  }

  @Override
  public String separator() {
    return "; ";
  }
}
