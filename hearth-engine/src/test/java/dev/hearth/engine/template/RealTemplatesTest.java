package dev.hearth.engine.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The published chat templates, rendered through the public API and compared with prompts written by
 * hand from each model's documented format. Exact strings: one stray space changes the tokens.
 */
@ChatTemplateFixtures.Required
class RealTemplatesTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  static final Map<String, Object> PARAMS = obj("type", "object",
      "properties", obj("city", obj("type", "string", "description", "City name")),
      "required", List.of("city"));
  static final ToolDefinition WEATHER = new ToolDefinition("get_weather", "Get the current weather in a city.", PARAMS);
  static final String PARAMS_JSON =
      "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"City name\"}}, \"required\": [\"city\"]}";
  static final String WEATHER_JSON = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
      + "\"description\": \"Get the current weather in a city.\", \"parameters\": " + PARAMS_JSON + "}}";
  static final ToolCall CALL = ToolCall.ofJson("call_1", "get_weather", "{\"city\": \"Paris\"}");
  static final ToolCall MISTRAL_CALL = ToolCall.ofJson("abcDEF123", "get_weather", "{\"city\": \"Paris\"}");

  static String render(String template, ChatTemplateInput.Builder input) {
    return ChatTemplateFixtures.load(template).withClock(CLOCK).render(input.build());
  }

  static ChatTemplateInput.Builder input(ChatMessage... messages) {
    return ChatTemplateInput.builder().messages(messages);
  }

  // ---------------------------------------------------------------- Llama 3.x

  @Nested
  class Llama3 {
    static final String BOS = "<|begin_of_text|>";
    static final String HEADER_SYS = "<|start_header_id|>system<|end_header_id|>\n\n";

    @Test
    void llama31SystemUserGenerationPrompt() {
      String out = render("meta-llama-Llama-3.1-8B-Instruct",
          input(ChatMessage.system("You are helpful."), ChatMessage.user("Hi there")).addGenerationPrompt(true).bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are helpful.<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama31MultiTurnTrimsContentAndOmitsPromptWithoutFlag() {
      String out = render("meta-llama-Llama-3.1-8B-Instruct",
          input(ChatMessage.user("  Hi  "), ChatMessage.assistant("Hello!\n"), ChatMessage.user("2+2?")).bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|>");
    }

    static final String WEATHER_JSON_INDENT4 = """
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the current weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {
                            "type": "string",
                            "description": "City name"
                        }
                    },
                    "required": [
                        "city"
                    ]
                }
            }
        }""";

    @Test
    void llama31ToolsGoIntoTheFirstUserMessageAndToolResultsAreIpython() {
      String out = render("meta-llama-Llama-3.1-8B-Instruct",
          input(ChatMessage.system("You are helpful."), ChatMessage.user("Weather in Paris?"),
              ChatMessage.assistant(null, List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"))
              .tools(List.of(WEATHER)).addGenerationPrompt(true).bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are helpful.<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\n"
          + "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n"
          + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n"
          + WEATHER_JSON_INDENT4 + "\n\n"
          + "Weather in Paris?<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
          // a string result is "iterable", so the template JSON-quotes it
          + "<|start_header_id|>ipython<|end_header_id|>\n\n\"{\\\"temp\\\": 21}\"<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama31ToolsInSystemMessage() {
      String out = render("meta-llama-Llama-3.1-8B-Instruct",
          input(ChatMessage.user("Weather?")).tools(List.of(WEATHER)).kwarg("tools_in_user_message", false)
              .addGenerationPrompt(true).bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
          + "You have access to the following functions. To call a function, please respond with JSON for a function call."
          + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n"
          + WEATHER_JSON_INDENT4 + "\n\n<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama31BuiltinToolsAndDateString() {
      String out = render("meta-llama-Llama-3.1-8B-Instruct",
          input(ChatMessage.system("Sys."), ChatMessage.user("Search"),
              ChatMessage.assistant(null, List.of(ToolCall.ofJson(null, "brave_search", "{\"query\": \"hearth\"}"))))
              .kwarg("builtin_tools", List.of("brave_search", "wolfram_alpha", "code_interpreter"))
              .kwarg("date_string", "01 Jan 2025").bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Environment: ipython\nTools: brave_search, wolfram_alpha\n\n"
          + "Cutting Knowledge Date: December 2023\nToday Date: 01 Jan 2025\n\nSys.<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nSearch<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n<|python_tag|>brave_search.call(query=\"hearth\")<|eom_id|>");
    }

    @Test
    void llama31RefusesParallelToolCalls() {
      assertThatThrownBy(() -> render("meta-llama-Llama-3.1-8B-Instruct",
          input(ChatMessage.user("x"), ChatMessage.assistant(null, List.of(CALL, CALL))).tools(List.of(WEATHER))))
          .isInstanceOf(TemplateException.Raised.class)
          .hasMessageContaining("This model only supports single tool-calls at once!");
    }

    @Test
    void llama32UsesStrftimeNowForTheDate() {
      String out = render("meta-llama-Llama-3.2-3B-Instruct",
          input(ChatMessage.system("You are helpful."), ChatMessage.user("Hi there")).addGenerationPrompt(true).bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Cutting Knowledge Date: December 2023\nToday Date: 27 Nov 2026\n\nYou are helpful.<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama32ToolsAndDateStringOverride() {
      String out = render("meta-llama-Llama-3.2-3B-Instruct",
          input(ChatMessage.user("Weather in Paris?"), ChatMessage.assistant(null, List.of(CALL)))
              .tools(List.of(WEATHER)).kwarg("date_string", "02 Feb 2025").bosToken(BOS));
      assertThat(out).isEqualTo(BOS + HEADER_SYS
          + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 02 Feb 2025\n\n<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\n"
          + "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n"
          + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n"
          + WEATHER_JSON_INDENT4 + "\n\n"
          + "Weather in Paris?<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>");
    }

    @Test
    void llama33RendersLikeLlama31() {
      ChatTemplateInput.Builder in = input(ChatMessage.system("S"), ChatMessage.user("U"), ChatMessage.assistant("A"))
          .bosToken(BOS);
      assertThat(render("meta-llama-Llama-3.3-70B-Instruct", in)).isEqualTo(BOS + HEADER_SYS
          + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nS<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\nA<|eot_id|>");
    }
  }

  // ---------------------------------------------------------------- Qwen family

  static final String QWEN_TOOLS_PREAMBLE = "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
      + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" + WEATHER_JSON + "\n</tools>\n\n"
      + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
      + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

  @Nested
  class Qwen25 {
    static final String T = "Qwen-Qwen2.5-7B-Instruct";

    @Test
    void systemUserGenerationPrompt() {
      assertThat(render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Hi there")).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void defaultSystemPromptAndMultiTurn() {
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"), ChatMessage.user("2+2?"))))
          .isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
              + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n");
    }

    @Test
    void toolsToolCallsAndGroupedToolResponses() {
      ToolCall rome = ToolCall.ofJson("call_2", "get_weather", "{\"city\": \"Rome\"}");
      String out = render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Paris and Rome?"),
          ChatMessage.assistant("Checking.", List.of(CALL, rome)), ChatMessage.tool("call_1", "21"), ChatMessage.tool("call_2", "25"),
          ChatMessage.assistant("21 and 25."))
          .tools(List.of(WEATHER)));
      assertThat(out).isEqualTo("<|im_start|>system\nYou are helpful." + QWEN_TOOLS_PREAMBLE
          + "<|im_start|>user\nParis and Rome?<|im_end|>\n"
          + "<|im_start|>assistant\nChecking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"
          + "\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call><|im_end|>\n"
          + "<|im_start|>user\n<tool_response>\n21\n</tool_response>\n<tool_response>\n25\n</tool_response><|im_end|>\n"
          + "<|im_start|>assistant\n21 and 25.<|im_end|>\n");
    }
  }

  @Nested
  class Qwen3 {
    static final String T = "Qwen-Qwen3-0.6B";

    @Test
    void thinkingOffAddsAnEmptyThinkBlock() {
      assertThat(render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true).kwarg("enable_thinking", false)))
          .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void thinkingOnIsTheDefault() {
      assertThat(render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true).kwarg("enable_thinking", true)))
          .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
      assertThat(render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void reasoningOfEarlierTurnsIsDroppedAndOfTheLastTurnKept() {
      assertThat(render(T, input(ChatMessage.system("S"), ChatMessage.user("Hi"),
          ChatMessage.assistant("Hello!").withReasoning("The user greets me."), ChatMessage.user("Bye")).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
              + "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("<think>\nGreeting.\n</think>\n\nHello!"))))
          .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nGreeting.\n</think>\n\nHello!<|im_end|>\n");
    }

    @Test
    void toolsAndToolResponses() {
      String out = render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Weather in Paris?"),
          ChatMessage.assistant("", List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"))
          .tools(List.of(WEATHER)).addGenerationPrompt(true));
      assertThat(out).isEqualTo("<|im_start|>system\nYou are helpful." + QWEN_TOOLS_PREAMBLE
          + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
          + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
          + "<|im_start|>user\n<tool_response>\n{\"temp\": 21}\n</tool_response><|im_end|>\n"
          + "<|im_start|>assistant\n");
    }

    @Test
    void stringArgumentsArePassedThrough() {
      ToolCall raw = new ToolCall("c", "get_weather", "{\"city\":\"Oslo\"}");
      String out = render(T, input(ChatMessage.user("Oslo?"), ChatMessage.assistant("", List.of(raw))));
      assertThat(out).isEqualTo("<|im_start|>user\nOslo?<|im_end|>\n"
          + "<|im_start|>assistant\n<think>\n\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Oslo\"}}\n</tool_call><|im_end|>\n");
    }
  }

  @Nested
  class QwQ {
    static final String T = "Qwen-QwQ-32B";

    @Test
    void generationPromptOpensThinking() {
      assertThat(render(T, input(ChatMessage.user("Hello")).addGenerationPrompt(true).kwarg("enable_thinking", true)))
          .isEqualTo("<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n<think>\n");
      // this (llama.cpp) revision closes the think block unless enable_thinking is set
      assertThat(render(T, input(ChatMessage.user("Hello")).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n<think>\n</think>");
    }

    @Test
    void earlierAssistantTurnsLoseTheirThinking() {
      assertThat(render(T, input(ChatMessage.system("S"), ChatMessage.user("Hi"),
          ChatMessage.assistant("<think>\nGreeting.\n</think>\n\nHello!"), ChatMessage.user("Bye"))))
          .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
              + "<|im_start|>user\nBye<|im_end|>\n");
    }

    @Test
    void tools() {
      String out = render(T, input(ChatMessage.user("Weather in Paris?"), ChatMessage.assistant("", List.of(CALL)),
          ChatMessage.tool("call_1", "21"), ChatMessage.user("Thanks")).tools(List.of(WEATHER)));
      assertThat(out).isEqualTo("<|im_start|>system\n" + QWEN_TOOLS_PREAMBLE
          + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
          + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
          + "<|im_start|>user\n<tool_response>\n21\n</tool_response><|im_end|>\n<|im_start|>user\nThanks<|im_end|>\n");
    }
  }

  @Nested
  class DeepSeekR1Distill {
    static final String T = "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B";
    static final String BOS = "<｜begin▁of▁sentence｜>";

    @Test
    void systemUserGenerationPrompt() {
      assertThat(render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Hi there")).addGenerationPrompt(true)
          .bosToken(BOS).kwarg("enable_thinking", true)))
          .isEqualTo(BOS + "You are helpful.<｜User｜>Hi there<｜Assistant｜><think>\n");
      assertThat(render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true).bosToken(BOS)))
          .isEqualTo(BOS + "<｜User｜>Hi<｜Assistant｜><think>\n</think>");
    }

    @Test
    void historyDropsThinkingAndToolTurnsUseToolTokens() {
      String out = render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("<think>\nGreeting.\n</think>\n\nHello!"),
          ChatMessage.user("Weather?"), ChatMessage.assistant(null, List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"),
          ChatMessage.assistant("21 degrees.")).bosToken(BOS));
      assertThat(out).isEqualTo(BOS + "<｜User｜>Hi<｜Assistant｜>\n\nHello!<｜end▁of▁sentence｜><｜User｜>Weather?"
          + "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```"
          + "<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>"
          + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>{\"temp\": 21}<｜tool▁output▁end｜>"
          + "<｜tool▁outputs▁end｜>21 degrees.<｜end▁of▁sentence｜>");
    }
  }

  // ---------------------------------------------------------------- SmolLM3

  @Nested
  class SmolLM3 {
    static final String T = "HuggingFaceTB-SmolLM3-3B";
    static final String HEAD = "<|im_start|>system\n## Metadata\n\nKnowledge Cutoff Date: June 2025\n";

    @Test
    void noThinkFlagInSystemMessage() {
      assertThat(render(T, input(ChatMessage.system("Be kind. /no_think"), ChatMessage.user("Hi")).addGenerationPrompt(true)))
          .isEqualTo(HEAD + "Reasoning Mode: /no_think\n\n## Custom Instructions\n\nBe kind.\n\n<|im_end|>\n"
              + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n");
    }

    @Test
    void enableThinkingFalseUsesTheShortDefaultInstructions() {
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("\nHello!")).kwarg("enable_thinking", false)))
          .isEqualTo(HEAD + "Reasoning Mode: /no_think\n\n## Custom Instructions\n\n"
              + "You are a helpful AI assistant named SmolLM, trained by Hugging Face.\n\n<|im_end|>\n"
              + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\nHello!<|im_end|>\n");
    }

    @Test
    void thinkModeIsTheDefault() {
      String out = render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true));
      assertThat(out).startsWith(HEAD + "Reasoning Mode: /think\n\n## Custom Instructions\n\n"
          + "You are a helpful AI assistant named SmolLM, trained by Hugging Face. Your role as an assistant involves thoroughly");
      assertThat(out).endsWith("necessary steps needed to reach the conclusion.\n\n<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }
  }

  // ---------------------------------------------------------------- Mistral

  static final String MISTRAL_CONVERSATION_TOOL_RESULT = "{\"temp\": 21}";

  static ChatTemplateInput.Builder mistralToolConversation() {
    return input(ChatMessage.system("Sys."), ChatMessage.user("Weather in Paris?"), ChatMessage.assistant(null, List.of(MISTRAL_CALL)),
        ChatMessage.tool("abcDEF123", MISTRAL_CONVERSATION_TOOL_RESULT), ChatMessage.assistant("21 degrees."), ChatMessage.user("Thanks"))
        .tools(List.of(WEATHER)).bosToken("<s>").eosToken("</s>");
  }

  @Nested
  class MistralNemo {
    static final String T = "mistralai-Mistral-Nemo-Instruct-2407";

    @Test
    void systemMessageGoesIntoTheLastUserTurn() {
      assertThat(render(T, input(ChatMessage.system("Be brief."), ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"),
          ChatMessage.user("2+2?")).bosToken("<s>").eosToken("</s>")))
          .isEqualTo("<s>[INST]Hi[/INST]Hello!</s>[INST]Be brief.\n\n2+2?[/INST]");
    }

    @Test
    void toolsBeforeTheLastUserTurnAndToolCallsWithIds() {
      assertThat(render(T, mistralToolConversation())).isEqualTo("<s>[INST]Weather in Paris?[/INST]"
          + "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abcDEF123\"}]</s>"
          + "[TOOL_RESULTS]{\"content\": {\"temp\": 21}, \"call_id\": \"abcDEF123\"}[/TOOL_RESULTS]21 degrees.</s>"
          + "[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
          + "\"description\": \"Get the current weather in a city.\", \"parameters\": " + PARAMS_JSON + "}}][/AVAILABLE_TOOLS]"
          + "[INST]Sys.\n\nThanks[/INST]");
    }

    @Test
    void rejectsNonAlternatingRolesAndBadToolCallIds() {
      assertThatThrownBy(() -> render(T, input(ChatMessage.user("a"), ChatMessage.user("b"))))
          .isInstanceOf(TemplateException.Raised.class)
          .hasMessageContaining("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...");
      assertThatThrownBy(() -> render(T, input(ChatMessage.user("a"), ChatMessage.assistant(null, List.of(CALL))).eosToken("</s>")))
          .isInstanceOf(TemplateException.Raised.class)
          .hasMessageContaining("Tool call IDs should be alphanumeric strings with length 9!");
    }
  }

  @Nested
  class MistralSmall32 {
    static final String T = "Mistral-Small-3.2-24B-Instruct-2506";

    @Test
    void toolConversation() {
      assertThat(render(T, mistralToolConversation())).isEqualTo("<s>[SYSTEM_PROMPT]Sys.[/SYSTEM_PROMPT][INST]Weather in Paris?[/INST]"
          + "[TOOL_CALLS]get_weather[CALL_ID]abcDEF123[ARGS]{\"city\": \"Paris\"}</s>"
          + "[TOOL_RESULTS]abcDEF123[TOOL_CONTENT]{\"temp\": 21}[/TOOL_RESULTS]21 degrees.</s>"
          + "[AVAILABLE_TOOLS][" + WEATHER_JSON + "][/AVAILABLE_TOOLS][INST]Thanks[/INST]");
    }

    @Test
    void defaultSystemPromptCarriesTodaysDateAndImagesBecomeImgTokens() {
      String out = render(T, input(ChatMessage.user(List.of(ContentPart.image(), ContentPart.text("What is this?"))))
          .bosToken("<s>").eosToken("</s>").addGenerationPrompt(true));
      assertThat(out).startsWith("<s>[SYSTEM_PROMPT]You are Mistral Small 3, a Large Language Model (LLM) created by Mistral AI, "
          + "a French startup headquartered in Paris.\nYour knowledge base was last updated on 2023-10-01. The current date is 2026-11-27.\n\n"
          + "When you're not sure about some information");
      assertThat(out).endsWith("If tools are not available, inform the user that you cannot perform the requested action at the moment."
          + "[/SYSTEM_PROMPT][INST][IMG]What is this?[/INST]");
    }
  }

  // ---------------------------------------------------------------- Phi, Gemma, Granite, Hermes

  @Nested
  class Phi35 {
    static final String T = "microsoft-Phi-3.5-mini-instruct";

    @Test
    void systemUserGenerationPromptOrEos() {
      assertThat(render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Hi there")).addGenerationPrompt(true)))
          .isEqualTo("<|system|>\nYou are helpful.<|end|>\n<|user|>\nHi there<|end|>\n<|assistant|>\n");
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!")).eosToken("<|endoftext|>")))
          .isEqualTo("<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n<|endoftext|>");
    }

    @Test
    void emptySystemMessageIsSkipped() {
      assertThat(render(T, input(ChatMessage.system(""), ChatMessage.user("Hi")).addGenerationPrompt(true)))
          .isEqualTo("<|user|>\nHi<|end|>\n<|assistant|>\n");
    }
  }

  @Nested
  class Gemma2 {
    static final String T = "google-gemma-2-2b-it";

    @Test
    void assistantBecomesModelAndContentIsTrimmed() {
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant(" Hello! "), ChatMessage.user("Bye"))
          .bosToken("<bos>").addGenerationPrompt(true)))
          .isEqualTo("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
              + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n");
    }

    @Test
    void systemRoleIsRejected() {
      assertThatThrownBy(() -> render(T, input(ChatMessage.system("S"), ChatMessage.user("Hi"))))
          .isInstanceOf(TemplateException.Raised.class)
          .satisfies(e -> assertThat(((TemplateException) e).detail()).isEqualTo("System role not supported"));
    }
  }

  @Nested
  class Granite33 {
    static final String T = "ibm-granite-granite-3.3-2B-Instruct";
    static final String DATE = "Knowledge Cutoff Date: April 2024. Today's Date: November 27, 2026. You are Granite, developed by IBM.";

    @Test
    void defaultSystemPromptUsesToday() {
      assertThat(render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true)))
          .isEqualTo("<|start_of_role|>system<|end_of_role|>" + DATE + " You are a helpful AI assistant.<|end_of_text|>\n"
              + "<|start_of_role|>user<|end_of_role|>Hi<|end_of_text|>\n<|start_of_role|>assistant<|end_of_role|>");
    }

    @Test
    void explicitSystemAndMultiTurn() {
      assertThat(render(T, input(ChatMessage.system("S"), ChatMessage.user("Hi"), ChatMessage.assistant("Hello"))))
          .isEqualTo("<|start_of_role|>system<|end_of_role|>S<|end_of_text|>\n<|start_of_role|>user<|end_of_role|>Hi<|end_of_text|>\n"
              + "<|start_of_role|>assistant<|end_of_role|>Hello<|end_of_text|>\n");
    }

    @Test
    void toolsAreListedAsIndentedJson() {
      String toolsJson = """
          [
              {
                  "type": "function",
                  "function": {
                      "name": "get_weather",
                      "description": "Get the current weather in a city.",
                      "parameters": {
                          "type": "object",
                          "properties": {
                              "city": {
                                  "type": "string",
                                  "description": "City name"
                              }
                          },
                          "required": [
                              "city"
                          ]
                      }
                  }
              }
          ]""";
      assertThat(render(T, input(ChatMessage.user("Weather?")).tools(List.of(WEATHER)).addGenerationPrompt(true)))
          .isEqualTo("<|start_of_role|>system<|end_of_role|>" + DATE + " You are a helpful assistant with access to the following tools. "
              + "When a tool is required to answer the user's query, respond only with <|tool_call|> followed by a JSON list of tools used. "
              + "If a tool does not exist in the provided list of tools, notify the user that you do not have the ability to fulfill the request."
              + "<|end_of_text|>\n<|start_of_role|>available_tools<|end_of_role|>" + toolsJson + "<|end_of_text|>\n"
              + "<|start_of_role|>user<|end_of_role|>Weather?<|end_of_text|>\n<|start_of_role|>assistant<|end_of_role|>");
    }

    @Test
    void thinkingKwargExtendsTheSystemPrompt() {
      String out = render(T, input(ChatMessage.user("Hi")).kwarg("thinking", true).addGenerationPrompt(true));
      assertThat(out).startsWith("<|start_of_role|>system<|end_of_role|>" + DATE
          + " You are a helpful AI assistant.\nRespond to every user query in a comprehensive and detailed way.");
      assertThat(out).endsWith("Write your thoughts between <think></think> and write your response between <response></response> "
          + "for each user query.<|end_of_text|>\n<|start_of_role|>user<|end_of_role|>Hi<|end_of_text|>\n<|start_of_role|>assistant<|end_of_role|>");
    }
  }

  @Nested
  class Hermes3ToolUse {
    static final String T = "NousResearch-Hermes-3-Llama-3.1-8B-tool_use";

    @Test
    void toolSignaturesCallsAndResponses() {
      String out = render(T, input(ChatMessage.system("Sys."), ChatMessage.user("Weather in Paris?"),
          ChatMessage.assistant("", List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}").withName("get_weather"))
          .tools(List.of(WEATHER)).bosToken("<|begin_of_text|>").addGenerationPrompt(true));
      assertThat(out).isEqualTo("<|begin_of_text|><|im_start|>system\n"
          + "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. "
          + "You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug into functions. "
          + "Here are the available tools: <tools> "
          + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"get_weather(city: str) - Get the current weather in a city.\n\n"
          + "    Args:\n        city(str): City name\", \"parameters\": " + PARAMS_JSON + "}"
          + " </tools>Use the following pydantic model json schema for each tool call you will make: "
          + "{\"properties\": {\"name\": {\"title\": \"Name\", \"type\": \"string\"}, \"arguments\": {\"title\": \"Arguments\", \"type\": \"object\"}}, "
          + "\"required\": [\"name\", \"arguments\"], \"title\": \"FunctionCall\", \"type\": \"object\"}}\n"
          + "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n"
          + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-dict>}\n</tool_call><|im_end|>\n"
          + "<|im_start|>system\nSys.<|im_end|>\n<|im_start|>user\nWeather in Paris?<|im_end|>\n"
          + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
          + "<|im_start|>tool\n<tool_response>\n{\"temp\": 21}\n</tool_response><|im_end|><|im_start|>assistant\n");
    }

    @Test
    void withoutToolsTheTemplateFailsAsInTransformers() {
      assertThatThrownBy(() -> render(T, input(ChatMessage.user("Hi")))).isInstanceOf(TemplateException.class)
          .hasMessageContaining("'NoneType' object is not iterable");
    }
  }

  // ---------------------------------------------------------------- gpt-oss (harmony)

  @Nested
  class GptOss {
    static final String T = "openai-gpt-oss-120b";
    static final String SYSTEM_HEAD = "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
        + "Knowledge cutoff: 2024-06\nCurrent date: 2026-11-27\n\n";
    static final String CHANNELS = "# Valid channels: analysis, commentary, final. Channel must be included for every message.";

    @Test
    void userOnlyWithDefaultReasoning() {
      assertThat(render(T, input(ChatMessage.user("Hi")).addGenerationPrompt(true)))
          .isEqualTo(SYSTEM_HEAD + "Reasoning: medium\n\n" + CHANNELS + "<|end|><|start|>user<|message|>Hi<|end|><|start|>assistant");
    }

    @Test
    void developerToolsToolCallAndResultWithHighReasoning() {
      String out = render(T, input(ChatMessage.developer("Answer in French."), ChatMessage.user("Weather?"),
          ChatMessage.assistant("", List.of(CALL)).with("thinking", "Need the tool."), ChatMessage.tool("call_1", "{\"temp\": 21}"),
          ChatMessage.assistant("Il fait 21."), ChatMessage.user("Merci"))
          .tools(List.of(WEATHER)).kwarg("reasoning_effort", "high").addGenerationPrompt(true));
      assertThat(out).isEqualTo(SYSTEM_HEAD + "Reasoning: high\n\n" + CHANNELS
          + "\nCalls to these tools must go to the commentary channel: 'functions'.<|end|>"
          + "<|start|>developer<|message|># Instructions\n\nAnswer in French.\n\n# Tools\n\n## functions\n\nnamespace functions {\n\n"
          + "// Get the current weather in a city.\ntype get_weather = (_: {\n// City name\ncity: string,\n}) => any;\n\n"
          + "} // namespace functions<|end|>"
          + "<|start|>user<|message|>Weather?<|end|>"
          + "<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}<|call|>"
          + "<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>\"{\\\"temp\\\": 21}\"<|end|>"
          + "<|start|>assistant<|channel|>final<|message|>Il fait 21.<|end|>"
          + "<|start|>user<|message|>Merci<|end|><|start|>assistant");
    }

    @Test
    void pendingToolCallKeepsItsAnalysisAndLastAnswerEndsWithReturn() {
      String pending = render(T, input(ChatMessage.user("Weather?"), ChatMessage.assistant("", List.of(CALL)).with("thinking", "Need the tool."))
          .tools(List.of(WEATHER)));
      assertThat(pending).endsWith("<|start|>user<|message|>Weather?<|end|>"
          + "<|start|>assistant<|channel|>analysis<|message|>Need the tool.<|end|>"
          + "<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{\"city\": \"Paris\"}<|call|>");
      String done = render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!").with("thinking", "Greet back.")));
      assertThat(done).isEqualTo(SYSTEM_HEAD + "Reasoning: medium\n\n" + CHANNELS + "<|end|><|start|>user<|message|>Hi<|end|>"
          + "<|start|>assistant<|channel|>analysis<|message|>Greet back.<|end|><|start|>assistant<|channel|>final<|message|>Hello!<|return|>");
    }

    @Test
    void typescriptRenderingOfRicherSchemasKeepsTheTemplatesOwnWhitespace() {
      Map<String, Object> schema = obj("type", "object", "properties", obj(
          "query", obj("type", "string", "description", "Query text"),
          "limit", obj("type", "integer", "description", "Max results", "default", 10),
          "lang", obj("type", "string", "enum", List.of("en", "fr"), "default", "en"),
          "tags", obj("type", "array", "items", obj("type", "string")),
          "filters", obj("type", "object", "properties", obj("site", obj("type", "string")), "required", List.of("site"))),
          "required", List.of("query"));
      String out = render(T, input(ChatMessage.user("Find x")).tools(List.of(new ToolDefinition("search", "Search the web.", schema)))
          .addGenerationPrompt(true));
      assertThat(out).isEqualTo(SYSTEM_HEAD + "Reasoning: medium\n\n" + CHANNELS
          + "\nCalls to these tools must go to the commentary channel: 'functions'.<|end|>"
          + "<|start|>developer<|message|># Tools\n\n## functions\n\nnamespace functions {\n\n"
          + "// Search the web.\ntype search = (_: {\n"
          + "// Query text\nquery: string,\n"
          + "// Max results\nlimit?: number, // default: 10,\n"
          + "lang?: \"en\" | \"fr\", // default: en,\n"
          + "tags?: string[],\n"
          // the object branch prints its nested type with "{{ ... }}" (no "-"): the newline and indentation stay
          + "filters?: {\nsite: \n                string},\n"
          + "}) => any;\n\n} // namespace functions<|end|>"
          + "<|start|>user<|message|>Find x<|end|><|start|>assistant");
    }

    @Test
    void modelIdentityAndBuiltinPythonTool() {
      String out = render(T, input(ChatMessage.user("Hi")).kwarg("model_identity", "You are Hearth.")
          .kwarg("builtin_tools", List.of("python")).kwarg("reasoning_effort", "low").addGenerationPrompt(true));
      assertThat(out).isEqualTo("<|start|>system<|message|>You are Hearth.\nKnowledge cutoff: 2024-06\nCurrent date: 2026-11-27\n\n"
          + "Reasoning: low\n\n# Tools\n\n## python\n\n"
          + "Use this tool to execute Python code in your chain of thought. The code will not be shown to the user. This tool should be used "
          + "for internal reasoning, but not for code that is intended to be visible to the user (e.g. when creating plots, tables, or files).\n\n"
          + "When you send a message containing Python code to python, it will be executed in a stateful Jupyter notebook environment. "
          + "python will respond with the output of the execution or time out after 120.0 seconds. The drive at '/mnt/data' can be used to "
          + "save and persist user files. Internet access for this session is UNKNOWN. Depends on the cluster.\n\n"
          + CHANNELS + "<|end|><|start|>user<|message|>Hi<|end|><|start|>assistant");
    }
  }

  // ---------------------------------------------------------------- Qwen3-Coder, Qwen3.5, Gemma 4

  @Nested
  class Qwen3Coder {
    static final String T = "Qwen3-Coder";

    @Test
    void noToolsIsPlainChatml() {
      assertThat(render(T, input(ChatMessage.system("S"), ChatMessage.user("Hi")).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void xmlToolsToolCallsAndResponses() {
      String out = render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Weather in Paris?"),
          ChatMessage.assistant("", List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"))
          .tools(List.of(WEATHER)).addGenerationPrompt(true));
      assertThat(out).isEqualTo("<|im_start|>system\nYou are helpful.\n\n# Tools\n\nYou have access to the following tools:\n\n<tools>"
          + "\n<function>\n<name>get_weather</name>\n<description>Get the current weather in a city.</description>\n<parameters>"
          + "\n<parameter>\n<name>city</name>\n<type>string</type>\n<description>City name</description>\n</parameter>"
          + "\n<required>[\"city\"]</required>\n</parameters>\n</function>\n</tools>"
          + "\n\nIf you choose to call a tool ONLY reply in the following format with NO suffix:\n\n<tool_call>\n<function=example_function_name>\n"
          + "<parameter=example_parameter_1>\nvalue_1\n</parameter>\n<parameter=example_parameter_2>\nvalue_2\n</parameter>\n</function>\n</tool_call>\n\n"
          + "<IMPORTANT>\nReminder:\n- Function calls MUST follow the specified format: the tool calling block MUST begin with an opening <tool_call> tag "
          + "and end with a closing </tool_call> tag.\n- Required parameters MUST be specified\n- You may provide optional reasoning for your function call "
          + "in natural language BEFORE the function call, but NOT after\n- If there is no function call available, answer the question like normal with "
          + "your current knowledge and do not tell the user about function calls\n</IMPORTANT><|im_end|>\n"
          + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
          + "<|im_start|>assistant\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call><|im_end|>\n"
          + "<|im_start|>user\n<tool_response>\n{\"temp\": 21}\n</tool_response>\n<|im_end|>\n<|im_start|>assistant\n");
    }
  }

  @Nested
  class Qwen35 {
    static final String T = "Qwen3.5-4B";

    @Test
    void imagesBecomeVisionTokensAndThinkingIsOpenedByDefault() {
      assertThat(render(T, input(ChatMessage.user(List.of(ContentPart.image(), ContentPart.text("What is this?")))).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What is this?<|im_end|>\n<|im_start|>assistant\n<think>\n");
      assertThat(render(T, input(ChatMessage.user(List.of(ContentPart.image(), ContentPart.text("What is this?"))))
          .kwarg("add_vision_id", true).kwarg("enable_thinking", false).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>user\nPicture 1: <|vision_start|><|image_pad|><|vision_end|>What is this?<|im_end|>\n"
              + "<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void reasoningKeptOnlyAfterTheLastUserQuery() {
      assertThat(render(T, input(ChatMessage.system("S"), ChatMessage.user("Hi"), ChatMessage.assistant("Hello!").withReasoning("R"),
          ChatMessage.user("Bye")).addGenerationPrompt(true)))
          .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
              + "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n<think>\n");
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!").withReasoning("Greeting."))))
          .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nGreeting.\n</think>\n\nHello!<|im_end|>\n");
    }

    @Test
    void toolsAndXmlToolCalls() {
      String out = render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Weather in Paris?"),
          ChatMessage.assistant("", List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"))
          .tools(List.of(WEATHER)).addGenerationPrompt(true));
      assertThat(out).startsWith("<|im_start|>system\n# Tools\n\nYou have access to the following functions:\n\n<tools>\n" + WEATHER_JSON
          + "\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:");
      assertThat(out).endsWith("answer the question like normal with your current knowledge and do not tell the user about function calls\n"
          + "</IMPORTANT>\n\nYou are helpful.<|im_end|>\n<|im_start|>user\nWeather in Paris?<|im_end|>\n"
          + "<|im_start|>assistant\n<think>\n\n</think>\n\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n"
          + "</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n{\"temp\": 21}\n</tool_response><|im_end|>\n<|im_start|>assistant\n<think>\n");
    }

    @Test
    void templateChecksAreRaised() {
      assertThatThrownBy(() -> render(T, input())).isInstanceOf(TemplateException.Raised.class).hasMessageContaining("No messages provided.");
      assertThatThrownBy(() -> render(T, input(ChatMessage.system("S")))).hasMessageContaining("No user query found in messages.");
    }
  }

  @Nested
  class Gemma4 {
    static final String T = "google-gemma-4-31B-it";
    static final String DECL = "declaration:get_weather{description:<|\"|>Get the current weather in a city.<|\"|>,parameters:{properties:{"
        + "city:{description:<|\"|>City name<|\"|>,type:<|\"|>STRING<|\"|>}},required:[<|\"|>city<|\"|>],type:<|\"|>OBJECT<|\"|>}}";

    @Test
    void systemUserAndAnEmptyThoughtChannelWithoutThinking() {
      assertThat(render(T, input(ChatMessage.system("You are helpful."), ChatMessage.user("Hi there")).bosToken("<bos>").addGenerationPrompt(true)))
          .isEqualTo("<bos><|turn>system\nYou are helpful.<turn|>\n<|turn>user\nHi there<turn|>\n<|turn>model\n<|channel>thought\n<channel|>");
    }

    @Test
    void enableThinkingAddsTheThinkToken() {
      assertThat(render(T, input(ChatMessage.user("Hi")).bosToken("<bos>").kwarg("enable_thinking", true).addGenerationPrompt(true)))
          .isEqualTo("<bos><|turn>system\n<|think|>\n<turn|>\n<|turn>user\nHi<turn|>\n<|turn>model\n");
    }

    @Test
    void historyStripsThoughtChannelsAndImagesBecomeTokens() {
      assertThat(render(T, input(ChatMessage.user("Hi"), ChatMessage.assistant("<|channel>thought\nhmm<channel|>Hello!"),
          ChatMessage.user(List.of(ContentPart.image(), ContentPart.text(" What? ")))).bosToken("<bos>").addGenerationPrompt(true)))
          .isEqualTo("<bos><|turn>user\nHi<turn|>\n<|turn>model\nHello!<turn|>\n<|turn>user\n<|image|>What?<turn|>\n"
              + "<|turn>model\n<|channel>thought\n<channel|>");
    }

    @Test
    void toolDeclarationsCallsAndResponsesStayInTheModelTurn() {
      ChatTemplateInput.Builder in = input(ChatMessage.system("You are helpful."), ChatMessage.user("Weather in Paris?"),
          ChatMessage.assistant("", List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"))
          .tools(List.of(WEATHER)).bosToken("<bos>").addGenerationPrompt(true);
      String prefix = "<bos><|turn>system\nYou are helpful.<|tool>" + DECL + "<tool|><turn|>\n<|turn>user\nWeather in Paris?<turn|>\n"
          + "<|turn>model\n<|tool_call>call:get_weather{city:<|\"|>Paris<|\"|>}<tool_call|>"
          + "<|tool_response>response:get_weather{value:<|\"|>{\"temp\": 21}<|\"|>}<tool_response|>";
      assertThat(render(T, in)).isEqualTo(prefix);
      ChatTemplateInput.Builder answered = input(ChatMessage.system("You are helpful."), ChatMessage.user("Weather in Paris?"),
          ChatMessage.assistant("", List.of(CALL)), ChatMessage.tool("call_1", "{\"temp\": 21}"), ChatMessage.assistant("It is 21."))
          .tools(List.of(WEATHER)).bosToken("<bos>");
      assertThat(render(T, answered)).isEqualTo(prefix + "It is 21.<turn|>\n");
    }
  }
}
