package dev.hearth.server.chat.tools;

import dev.hearth.engine.grammar.JsonSchemaGrammar;
import dev.hearth.engine.grammar.SchemaException;
import dev.hearth.server.http.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} and builds a
 * {@link ToolRequest}; every rejection is a 400 whose {@code param} names the field. A strict
 * function's schema is compiled here, so a keyword Hearth cannot enforce is refused by name before
 * anything runs (the same rule as {@code response_format} strict schemas).
 */
public final class ToolRequestValidator {
  /** OpenAI's limit on declared tools. */
  public static final int MAX_TOOLS = 128;
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final JsonMapper TREES = JsonMapper.builder().build();

  private ToolRequestValidator() {}

  /** Null when the request declares no tools (then {@code tool_choice} may only be none). */
  public static ToolRequest validate(List<JsonNode> tools, JsonNode toolChoice, Boolean parallelToolCalls) {
    boolean noChoice = toolChoice == null || toolChoice.isNull();
    if (tools == null || tools.isEmpty()) {
      if (!noChoice && !(toolChoice.isString() && toolChoice.asString().equals("none"))) {
        throw ApiException.invalidRequest("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed"
            + " when 'tools' are specified.", "invalid_value");
      }
      if (tools != null) {
        throw ApiException.invalidRequest("tools", "Invalid 'tools': empty array. Expected an array with minimum length 1,"
            + " but got an empty array instead.", "empty_array");
      }
      return null;
    }
    if (tools.size() > MAX_TOOLS) {
      throw ApiException.invalidRequest("tools", "Invalid 'tools': array too long. Expected an array with maximum length "
          + MAX_TOOLS + ", but got an array with length " + tools.size() + " instead.", "array_above_max_length");
    }
    List<FunctionTool> functions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      FunctionTool f = function(tools.get(i), "tools[" + i + "]");
      if (!names.add(f.name())) {
        throw ApiException.invalidRequest("tools", "Invalid 'tools': function name '" + f.name()
            + "' is declared more than once.", "invalid_value");
      }
      functions.add(f);
    }
    boolean parallel = parallelToolCalls == null || parallelToolCalls;
    if (noChoice) {
      return new ToolRequest(functions, ToolRequest.Choice.AUTO, null, parallel);
    }
    if (toolChoice.isString()) {
      return switch (toolChoice.asString()) {
        case "none" -> new ToolRequest(functions, ToolRequest.Choice.NONE, null, parallel);
        case "auto" -> new ToolRequest(functions, ToolRequest.Choice.AUTO, null, parallel);
        case "required" -> new ToolRequest(functions, ToolRequest.Choice.REQUIRED, null, parallel);
        default -> throw ApiException.invalidRequest("tool_choice", "Invalid value for 'tool_choice': '" + toolChoice.asString()
            + "'. Supported values are: 'none', 'auto', 'required' or an object naming a function.", "invalid_value");
      };
    }
    if (!toolChoice.isObject()) {
      throw ApiException.invalidRequest("tool_choice", "Invalid type for 'tool_choice': expected a string or an object.",
          "invalid_type");
    }
    String type = text(toolChoice.get("type"));
    if (type == null) {
      throw ApiException.missingParameter("tool_choice.type");
    }
    return switch (type) {
      case "function" -> {
        JsonNode fn = toolChoice.get("function");
        String name = fn == null ? null : text(fn.get("name"));
        if (name == null) {
          throw ApiException.missingParameter("tool_choice.function.name");
        }
        if (!names.contains(name)) {
          throw ApiException.invalidRequest("tool_choice.function.name", "Invalid value for 'tool_choice': function '" + name
              + "' is not among the declared 'tools' (" + String.join(", ", functions.stream().map(FunctionTool::name).toList())
              + ").", "invalid_value");
        }
        yield new ToolRequest(functions, ToolRequest.Choice.NAMED, name, false);
      }
      case "allowed_tools" -> allowedTools(toolChoice, functions, parallel);
      case "custom" -> throw ApiException.invalidRequest("tool_choice.type", "Custom tools are not supported by this server;"
          + " use function tools.", "unsupported_parameter");
      default -> throw ApiException.invalidRequest("tool_choice.type", "Invalid value for 'tool_choice.type': '" + type
          + "'. Supported values are: 'function' and 'allowed_tools'.", "invalid_value");
    };
  }

  /** {@code {"type":"allowed_tools","allowed_tools":{"mode":"auto"|"required","tools":[...]}}}: a subset of the tools. */
  private static ToolRequest allowedTools(JsonNode choice, List<FunctionTool> functions, boolean parallel) {
    JsonNode allowed = choice.get("allowed_tools");
    if (allowed == null || !allowed.isObject()) {
      throw ApiException.missingParameter("tool_choice.allowed_tools");
    }
    String mode = text(allowed.get("mode"));
    if (!"auto".equals(mode) && !"required".equals(mode)) {
      throw ApiException.invalidRequest("tool_choice.allowed_tools.mode", "Invalid value for 'tool_choice.allowed_tools.mode':"
          + " supported values are 'auto' and 'required'.", "invalid_value");
    }
    JsonNode list = allowed.get("tools");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw ApiException.missingParameter("tool_choice.allowed_tools.tools");
    }
    List<FunctionTool> subset = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode t = list.get(i);
      JsonNode fn = t == null ? null : t.get("function");
      String name = fn != null ? text(fn.get("name")) : t == null ? null : text(t.get("name"));
      String at = "tool_choice.allowed_tools.tools[" + i + "]";
      FunctionTool match = functions.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() ->
          ApiException.invalidRequest(at, "Invalid value for '" + at + "': function '" + name
              + "' is not among the declared 'tools'.", "invalid_value"));
      subset.add(match);
    }
    return new ToolRequest(subset, "required".equals(mode) ? ToolRequest.Choice.REQUIRED : ToolRequest.Choice.AUTO, null,
        parallel);
  }

  @SuppressWarnings("unchecked")
  private static FunctionTool function(JsonNode tool, String at) {
    if (tool == null || !tool.isObject()) {
      throw ApiException.invalidRequest(at, "Invalid type for '" + at + "': expected an object.", "invalid_type");
    }
    String type = text(tool.get("type"));
    if (type == null) {
      throw ApiException.missingParameter(at + ".type");
    }
    if (type.equals("custom")) {
      throw ApiException.invalidRequest(at + ".type", "Custom tools are not supported by this server; use function tools.",
          "unsupported_parameter");
    }
    if (!type.equals("function")) {
      throw ApiException.invalidRequest(at + ".type", "Invalid value for '" + at + ".type': '" + type
          + "'. Supported values are: 'function'.", "invalid_value");
    }
    JsonNode fn = tool.get("function");
    if (fn == null || !fn.isObject()) {
      throw ApiException.missingParameter(at + ".function");
    }
    String name = text(fn.get("name"));
    if (name == null) {
      throw ApiException.missingParameter(at + ".function.name");
    }
    if (!NAME.matcher(name).matches()) {
      throw ApiException.invalidRequest(at + ".function.name", "Invalid '" + at + ".function.name': string does not match"
          + " pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.", "invalid_value");
    }
    JsonNode description = fn.get("description");
    if (description != null && !description.isNull() && !description.isString()) {
      throw ApiException.invalidRequest(at + ".function.description", "Invalid type for '" + at
          + ".function.description': expected a string.", "invalid_type");
    }
    JsonNode params = fn.get("parameters");
    if (params != null && !params.isNull() && !params.isObject()) {
      throw ApiException.invalidRequest(at + ".function.parameters", "Invalid type for '" + at
          + ".function.parameters': expected an object.", "invalid_type");
    }
    JsonNode strictNode = fn.get("strict");
    if (strictNode != null && !strictNode.isNull() && !strictNode.isBoolean()) {
      throw ApiException.invalidRequest(at + ".function.strict", "Invalid type for '" + at + ".function.strict': expected"
          + " a boolean.", "invalid_type");
    }
    boolean strict = strictNode != null && strictNode.asBoolean();
    Map<String, Object> parameters = params == null || params.isNull() ? null : TREES.convertValue(params, Map.class);
    if (strict && parameters != null) {
      try {
        JsonSchemaGrammar.compile(parameters);
      } catch (SchemaException e) {
        throw ApiException.invalidRequest(at + ".function.parameters", "Invalid schema for function '" + name + "': "
            + e.getMessage() + ". Hearth enforces every keyword it accepts in strict mode, so it refuses the ones it"
            + " cannot guarantee.", "invalid_function_parameters");
      }
    }
    return new FunctionTool(name, description == null || description.isNull() ? null : description.asString(), parameters,
        strict);
  }

  private static String text(JsonNode n) {
    return n != null && n.isString() ? n.asString() : null;
  }
}
