package dev.hearth.server.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every malformed {@code tools}/{@code tool_choice} is a 400 whose param names the field. */
class ToolRequestValidatorTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String WEATHER = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
      + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}";

  private static ToolRequest validate(String tools, String choice, Boolean parallel) {
    List<JsonNode> list = null;
    if (tools != null) {
      list = new ArrayList<>();
      JSON.readTree(tools).forEach(list::add);
    }
    return ToolRequestValidator.validate(list, choice == null ? null : JSON.readTree(choice), parallel);
  }

  private static void assertRejected(String tools, String choice, String param, String message) {
    assertThatThrownBy(() -> validate(tools, choice, null)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.toError().param()).isEqualTo(param);
      assertThat(e.getMessage()).contains(message);
    });
  }

  @Test
  void choicesAndTheirDefaults() {
    ToolRequest auto = validate("[" + WEATHER + "]", null, null);
    assertThat(auto.choice()).isEqualTo(ToolRequest.Choice.AUTO);
    assertThat(auto.parallel()).isTrue();
    assertThat(validate("[" + WEATHER + "]", "\"required\"", false).parallel()).isFalse();
    ToolRequest named = validate("[" + WEATHER + "]", "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", null);
    assertThat(named.choice()).isEqualTo(ToolRequest.Choice.NAMED);
    assertThat(named.callable()).extracting(FunctionTool::name).containsExactly("get_weather");
    assertThat(validate("[" + WEATHER + "]", "\"none\"", null).parsesCalls()).isFalse();
    ToolRequest allowed = validate("[" + WEATHER + ",{\"type\":\"function\",\"function\":{\"name\":\"g\"}}]",
        "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"g\"}}]}}",
        null);
    assertThat(allowed.choice()).isEqualTo(ToolRequest.Choice.REQUIRED);
    assertThat(allowed.functions()).extracting(FunctionTool::name).containsExactly("g");
    assertThat(validate(null, "\"none\"", null)).isNull();
  }

  @Test
  void malformedToolsAreRefusedByField() {
    assertRejected("[]", null, "tools", "empty array");
    assertRejected("[{\"type\":\"function\"}]", null, "tools[0].function", "Missing");
    assertRejected("[{\"type\":\"function\",\"function\":{}}]", null, "tools[0].function.name", "Missing");
    assertRejected("[{\"type\":\"function\",\"function\":{\"name\":\"has space\"}}]", null, "tools[0].function.name", "pattern");
    assertRejected("[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]", null, "tools[0].type", "Custom tools");
    assertRejected("[{\"type\":\"retrieval\"}]", null, "tools[0].type", "'retrieval'");
    assertRejected("[" + WEATHER + "," + WEATHER + "]", null, "tools", "more than once");
    assertRejected("[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]", null,
        "tools[0].function.parameters", "expected an object");
    assertRejected("[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":true,\"parameters\":{\"type\":\"object\","
        + "\"properties\":{\"n\":{\"type\":\"number\",\"multipleOf\":2}}}}}]", null, "tools[0].function.parameters", "multipleOf");
  }

  @Test
  void malformedChoicesAreRefusedByField() {
    assertRejected(null, "\"required\"", "tool_choice", "only allowed when 'tools'");
    assertRejected("[" + WEATHER + "]", "\"always\"", "tool_choice", "'always'");
    assertRejected("[" + WEATHER + "]", "{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}", "tool_choice.function.name",
        "'nope'");
    assertRejected("[" + WEATHER + "]", "{\"type\":\"function\"}", "tool_choice.function.name", "Missing");
    assertRejected("[" + WEATHER + "]", "{\"type\":\"allowed_tools\",\"allowed_tools\":{\"mode\":\"auto\",\"tools\":"
        + "[{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}]}}", "tool_choice.allowed_tools.tools[0]", "'nope'");
    assertRejected("[" + WEATHER + "]", "42", "tool_choice", "expected a string or an object");
  }
}
