package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.chat.ChatCompletionRequest;
import dev.hearth.server.chat.ChatRequest.Role;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.Json;
import dev.hearth.server.http.JsonBodies;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestValidatorTest {
  private static final JsonBodies BODIES = new JsonBodies(Json.mapper(true));

  private static ChatRequest validate(String json) {
    return ChatRequestValidator.validate(BODIES.parse(json.getBytes(StandardCharsets.UTF_8), ChatCompletionRequest.class));
  }

  private static String withMessages(String extra) {
    return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
  }

  private static void assertRejected(String json, String param, String messagePart) {
    assertThatThrownBy(() -> validate(json))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.toError().param()).isEqualTo(param);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }

  @Test
  void defaultsFollowTheSpec() {
    ChatRequest r = validate(withMessages(""));
    assertThat(r.temperature()).isEqualTo(1.0);
    assertThat(r.topP()).isEqualTo(1.0);
    assertThat(r.n()).isEqualTo(1);
    assertThat(r.maxTokens()).isNull();
    assertThat(r.stop()).isEmpty();
    assertThat(r.stream()).isFalse();
    assertThat(r.logprobs()).isFalse();
    assertThat(r.store()).isFalse();
  }

  @Test
  void rolesMapToTemplateRolesAndContentPartsFlattenToText() {
    ChatRequest r = validate("""
        {"model":"m","messages":[
          {"role":"developer","content":"be brief"},
          {"role":"system","content":[{"type":"text","text":"a "},{"type":"text","text":"b"}]},
          {"role":"user","content":"q","name":"ann"},
          {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_1","content":"42"},
          {"role":"assistant","refusal":"no"}
        ]}""");
    assertThat(r.messages()).extracting(ChatRequest.PromptMessage::role)
        .containsExactly(Role.SYSTEM, Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    assertThat(r.messages().get(1).content()).isEqualTo("a b");
    assertThat(r.messages().get(2).name()).isEqualTo("ann");
    assertThat(r.messages().get(3).toolCalls()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("f"));
    assertThat(r.messages().get(4).toolCallId()).isEqualTo("call_1");
    assertThat(r.messages().get(5).content()).isEqualTo("no");
  }

  @Test
  void messagesAreRequiredAndChecked() {
    assertRejected("{\"model\":\"m\"}", "messages", "Missing required parameter");
    assertRejected("{\"model\":\"m\",\"messages\":[]}", "messages", "at least one");
    assertRejected("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model", "Missing required parameter");
    assertRejected("{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}", "messages[0].role", "Missing");
    assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "messages[0].role", "'robot'");
    assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}", "messages[0].content", "Missing");
    assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "messages[0].tool_call_id", "Missing");
    assertRejected("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", "messages[0].content", "string or an array");
  }

  @Test
  void imageAndAudioPartsAreRefusedByName() {
    assertRejected("""
        {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"look"},
          {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""",
        "messages[0].content[1]", "text only");
    assertRejected("""
        {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}]}""",
        "messages[0].content[0]", "input_audio");
    assertRejected("""
        {"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""",
        "messages[0].content[0]", "only valid in user messages");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      ",\"temperature\":2.5 | temperature | not between 0 and 2",
      ",\"temperature\":-0.1 | temperature | not between 0 and 2",
      ",\"top_p\":1.5 | top_p | not between 0 and 1",
      ",\"n\":0 | n | not between 1 and 128",
      ",\"n\":129 | n | not between 1 and 128",
      ",\"presence_penalty\":3 | presence_penalty | not between -2 and 2",
      ",\"frequency_penalty\":-2.5 | frequency_penalty | not between -2 and 2",
      ",\"max_tokens\":0 | max_tokens | minimum of 1",
      ",\"max_completion_tokens\":-5 | max_completion_tokens | minimum of 1",
      ",\"top_logprobs\":21,\"logprobs\":true | top_logprobs | not between 0 and 20",
      ",\"top_logprobs\":3 | top_logprobs | requires 'logprobs'",
      ",\"stream_options\":{\"include_usage\":true} | stream_options | only allowed when 'stream'",
      ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"] | stop | at most 4",
      ",\"stop\":[\"a\",7] | stop[1] | expected a string",
      ",\"logit_bias\":{\"abc\":1} | logit_bias | not a token id",
      ",\"logit_bias\":{\"50256\":-101} | logit_bias | between -100 and 100",
      ",\"reasoning_effort\":\"extreme\" | reasoning_effort | 'extreme'",
      ",\"service_tier\":\"gold\" | service_tier | 'gold'",
      ",\"modalities\":[\"text\",\"audio\"] | modalities | Audio output",
  })
  void outOfRangeValuesNameTheParameter(String extra, String param, String message) {
    assertRejected(withMessages(extra), param, message);
  }

  @Test
  void metadataLimits() {
    StringBuilder many = new StringBuilder(",\"metadata\":{");
    for (int i = 0; i < 17; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    assertRejected(withMessages(many.append("}").toString()), "metadata", "at most 16");
    assertRejected(withMessages(",\"metadata\":{\"" + "k".repeat(65) + "\":\"v\"}"), "metadata", "longer than 64");
    assertRejected(withMessages(",\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}"), "metadata.k", "longer than 512");
    assertThat(validate(withMessages(",\"metadata\":{\"team\":\"search\"}")).metadata()).containsEntry("team", "search");
  }

  @Test
  void featuresNotYetServedAreRefusedNotIgnored() {
    assertRejected(withMessages(",\"response_format\":{\"type\":\"xml\"}"), "response_format.type", "'xml'");
    assertRejected(withMessages(",\"response_format\":{\"type\":\"json_schema\"}"), "response_format.json_schema", "Missing");
    assertRejected(withMessages(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}"),
        "response_format.json_schema.name", "Missing");
    assertRejected(withMessages(",\"tool_choice\":\"required\""), "tool_choice", "only allowed when 'tools'");
    assertRejected(withMessages(",\"functions\":[{\"name\":\"f\"}]"), "functions", "as 'tools'");
    assertRejected(withMessages(",\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}"), "audio", "Audio output");
    assertRejected(withMessages(",\"web_search_options\":{}"), "web_search_options", "Web search");
    assertThat(validate(withMessages(",\"response_format\":{\"type\":\"text\"},\"tool_choice\":\"none\"")).n()).isEqualTo(1);
  }

  @Test
  void jsonResponseFormatsAreCarriedAsConstraints() {
    assertThat(validate(withMessages(",\"response_format\":{\"type\":\"json_object\"}")).responseFormat().type())
        .isEqualTo("json_object");
    ChatRequest.ResponseFormat f = validate(withMessages(
        ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,"
            + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}}}")).responseFormat();
    assertThat(f.name()).isEqualTo("person");
    assertThat(f.schema()).containsKey("properties");
    assertThat(validate(withMessages(",\"response_format\":{\"type\":\"text\"}")).responseFormat()).isNull();
  }

  @Test
  void acceptedOptionsAreCarriedThrough() {
    ChatRequest r = validate(withMessages("""
        ,"temperature":0.2,"top_p":0.9,"n":3,"stop":["\\n\\n","END"],"seed":42,"stream":true,
         "stream_options":{"include_usage":true},"presence_penalty":0.5,"frequency_penalty":-0.5,
         "logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":5,"user":"u1","store":true,
         "reasoning_effort":"low","service_tier":"default","max_completion_tokens":64,"max_tokens":10,
         "prediction":{"type":"content","content":"x"},"prompt_cache_key":"k","safety_identifier":"s","verbosity":"low"
        """));
    assertThat(r.temperature()).isEqualTo(0.2);
    assertThat(r.n()).isEqualTo(3);
    assertThat(r.stop()).containsExactly("\n\n", "END");
    assertThat(r.seed()).isEqualTo(42L);
    assertThat(r.includeUsage()).isTrue();
    assertThat(r.logitBias()).containsEntry(50256, -100.0);
    assertThat(r.topLogprobs()).isEqualTo(5);
    assertThat(r.maxTokens()).as("max_completion_tokens wins over the deprecated max_tokens").isEqualTo(64);
    assertThat(r.reasoningEffort()).isEqualTo("low");
    assertThat(r.serviceTier()).isEqualTo("default");
    assertThat(r.store()).isTrue();
  }
}
