package dev.hearth.engine.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSchemaGrammarTest {

  @SafeVarargs
  private static Map<String, Object> obj(Map.Entry<String, Object>... entries) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (var e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  private static Map.Entry<String, Object> e(String k, Object v) {
    return Map.entry(k, v);
  }

  private static GrammarMatcher matcher(Map<String, Object> schema) {
    return new GrammarMatcher(JsonSchemaGrammar.compile(schema));
  }

  @Test
  void objectsHaveTheirPropertiesInSchemaOrder() {
    var m = matcher(obj(e("type", "object"),
        e("properties", obj(e("name", obj(e("type", "string"))), e("age", obj(e("type", "integer"))))),
        e("required", List.of("name", "age")), e("additionalProperties", false)));
    assertThat(m.matches("{\"name\":\"Ada\",\"age\":36}")).isTrue();
    assertThat(m.matches("{\"name\":\"caf\u00e9 \\\"q\\\" \\u00e9\",\"age\":-0}")).isTrue();
    assertThat(m.matches("{\"age\":36,\"name\":\"Ada\"}")).isFalse();
    assertThat(m.matches("{\"name\":\"Ada\"}")).isFalse();
    assertThat(m.matches("{\"name\":\"Ada\",\"age\":3.5}")).isFalse();
    assertThat(m.matches("{\"name\":\"Ada\",\"age\":036}")).isFalse();
    assertThat(m.matches("{\"name\":\"a\nb\",\"age\":1}")).as("raw control characters are not JSON").isFalse();
  }

  @Test
  void scalarsEnumsConstAndTypeLists() {
    var m = matcher(obj(e("type", "object"), e("properties", obj(
        e("n", obj(e("type", "number"))),
        e("b", obj(e("type", "boolean"))),
        e("z", obj(e("type", "null"))),
        e("color", obj(e("enum", List.of("red", "green", 7)))),
        e("v", obj(e("const", "v1"))),
        e("maybe", obj(e("type", List.of("string", "null"))))))));
    assertThat(m.matches("{\"n\":-1.5e+3,\"b\":true,\"z\":null,\"color\":\"green\",\"v\":\"v1\",\"maybe\":null}")).isTrue();
    assertThat(m.matches("{\"n\":0.25,\"b\":false,\"z\":null,\"color\":7,\"v\":\"v1\",\"maybe\":\"x\"}")).isTrue();
    assertThat(m.matches("{\"n\":1.,\"b\":false,\"z\":null,\"color\":7,\"v\":\"v1\",\"maybe\":\"x\"}")).isFalse();
    assertThat(m.matches("{\"n\":1,\"b\":false,\"z\":null,\"color\":\"blue\",\"v\":\"v1\",\"maybe\":\"x\"}")).isFalse();
  }

  @Test
  void numbersStayWithinWhatEveryParserReadsExactly() {
    var number = matcher(obj(e("type", "number")));
    assertThat(number.matches("123456789012345.123456789012345e-99")).isTrue();
    assertThat(number.matches("1e100")).as("three-digit exponents could overflow a double").isFalse();
    assertThat(number.matches("1234567890123456")).isFalse();
    var integer = matcher(obj(e("type", "integer")));
    assertThat(integer.matches("-999999999999999")).isTrue();
    assertThat(integer.matches("9999999999999999")).isFalse();
  }

  @Test
  void arraysHonourItemCounts() {
    var m = matcher(obj(e("type", "array"), e("items", obj(e("type", "integer"))), e("minItems", 1), e("maxItems", 3)));
    assertThat(m.matches("[1]")).isTrue();
    assertThat(m.matches("[1,2,3]")).isTrue();
    assertThat(m.matches("[]")).isFalse();
    assertThat(m.matches("[1,2,3,4]")).isFalse();
    var any = matcher(obj(e("type", "array")));
    assertThat(any.matches("[]")).isTrue();
    assertThat(any.matches("[1,\"a\",{\"k\":[null,true]},[]]")).isTrue();
  }

  @Test
  void stringLengthsAndFormats() {
    var m = matcher(obj(e("type", "object"), e("properties", obj(
        e("code", obj(e("type", "string"), e("minLength", 2), e("maxLength", 3))),
        e("day", obj(e("type", "string"), e("format", "date"))),
        e("id", obj(e("type", "string"), e("format", "uuid")))))));
    assertThat(m.matches("{\"code\":\"ab\",\"day\":\"2026-11-27\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}")).isTrue();
    assertThat(m.matches("{\"code\":\"a\",\"day\":\"2026-11-27\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}")).isFalse();
    assertThat(m.matches("{\"code\":\"abcd\",\"day\":\"2026-11-27\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}")).isFalse();
    assertThat(m.matches("{\"code\":\"ab\",\"day\":\"2026-13-27\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}")).isFalse();
    assertThat(m.matches("{\"code\":\"\u00e9\u00e9\",\"day\":\"2026-01-31\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\"}"))
        .as("length counts characters, not bytes").isTrue();
  }

  @Test
  void recursiveDefinitions() {
    Map<String, Object> children = obj(e("type", "array"), e("items", obj(e("$ref", "#/$defs/node"))));
    Map<String, Object> node = obj(e("type", "object"),
        e("properties", obj(e("value", obj(e("type", "integer"))), e("children", children))));
    var m = matcher(obj(e("$ref", "#/$defs/node"), e("$defs", obj(e("node", node)))));
    assertThat(m.matches("{\"value\":1,\"children\":[{\"value\":2,\"children\":[]},{\"value\":3,\"children\":[{\"value\":4,\"children\":[]}]}]}"))
        .isTrue();
    assertThat(m.matches("{\"value\":1,\"children\":[{\"value\":2}]}")).isFalse();
  }

  @Test
  void anyOfAndAnyJsonObject() {
    var m = matcher(obj(e("anyOf", List.of(obj(e("type", "integer")), obj(e("type", "object"),
        e("properties", obj(e("x", obj(e("type", "boolean"))))))))));
    assertThat(m.matches("12")).isTrue();
    assertThat(m.matches("{\"x\":false}")).isTrue();
    assertThat(m.matches("\"12\"")).isFalse();
    var object = new GrammarMatcher(JsonSchemaGrammar.anyObject());
    assertThat(object.matches("{}")).isTrue();
    assertThat(object.matches("{\"a\":[1,{\"b\":\"\\n\"}],\"c\":null}")).isTrue();
    assertThat(object.matches("[1]")).isFalse();
  }

  @Test
  void keywordsThatWouldNotBeEnforcedAreRefusedByName() {
    assertThatThrownBy(() -> JsonSchemaGrammar.compile(obj(e("type", "object"), e("properties", obj(
        e("zip", obj(e("type", "string"), e("pattern", "^[0-9]{5}$"))))))))
        .isInstanceOfSatisfying(SchemaException.class, ex -> {
          assertThat(ex.keyword()).isEqualTo("pattern");
          assertThat(ex.path()).isEqualTo("#/properties/zip");
        });
    assertThatThrownBy(() -> JsonSchemaGrammar.compile(obj(e("type", "integer"), e("minimum", 3))))
        .isInstanceOfSatisfying(SchemaException.class, ex -> assertThat(ex.keyword()).isEqualTo("minimum"));
    assertThatThrownBy(() -> JsonSchemaGrammar.compile(obj(e("type", "string"), e("format", "hostname"))))
        .isInstanceOfSatisfying(SchemaException.class, ex -> assertThat(ex.keyword()).isEqualTo("format"));
    assertThatThrownBy(() -> JsonSchemaGrammar.compile(obj(e("$ref", "#/$defs/missing"))))
        .isInstanceOfSatisfying(SchemaException.class, ex -> assertThat(ex.keyword()).isEqualTo("$ref"));
  }
}
