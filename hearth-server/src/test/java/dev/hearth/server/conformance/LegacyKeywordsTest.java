package dev.hearth.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LegacyKeywordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String rewritten(String schema) {
        JsonNode node = JSON.readTree(schema.replace('\'', '"'));
        LegacyKeywords.rewrite(node);
        return node.toString().replace('"', '\'');
    }

    @Test
    void nullableTypeBecomesATypeUnionAndEnumsAcceptNull() {
        assertThat(rewritten("{'type':'integer','nullable':true,'minimum':0}"))
                .isEqualTo("{'type':['integer','null'],'minimum':0}");
        assertThat(rewritten("{'type':'string','enum':['a','b'],'nullable':true}"))
                .isEqualTo("{'type':['string','null'],'enum':['a','b',null]}");
    }

    @Test
    void nullableCompositionsAndRefsGainANullBranch() {
        assertThat(rewritten("{'anyOf':[{'type':'string'}],'nullable':true}"))
                .isEqualTo("{'anyOf':[{'type':'string'},{'type':'null'}]}");
        assertThat(rewritten("{'oneOf':[{'type':'string'},{'type':'array'}],'nullable':true}"))
                .isEqualTo("{'oneOf':[{'type':'string'},{'type':'array'},{'type':'null'}]}");
        assertThat(rewritten("{'$ref':'#/components/schemas/X','nullable':true}"))
                .isEqualTo("{'anyOf':[{'$ref':'#/components/schemas/X'},{'type':'null'}]}");
    }

    @Test
    void leavesUnconstrainedSchemasAndPropertiesCalledNullableAlone() {
        assertThat(rewritten("{'description':'d','nullable':true}")).isEqualTo("{'description':'d'}");
        assertThat(rewritten("{'properties':{'nullable':{'type':'boolean'}}}"))
                .isEqualTo("{'properties':{'nullable':{'type':'boolean'}}}");
    }

    @Test
    void booleanExclusiveBoundsBecomeNumeric() {
        assertThat(rewritten("{'type':'number','minimum':0,'maximum':2,'exclusiveMinimum':true}"))
                .isEqualTo("{'type':'number','maximum':2,'exclusiveMinimum':0}");
        assertThat(rewritten("{'maximum':2,'exclusiveMaximum':false}")).isEqualTo("{'maximum':2}");
        assertThat(rewritten("{'exclusiveMinimum':1}")).isEqualTo("{'exclusiveMinimum':1}");
    }

    @Test
    void rewritesNestedSchemasAndCountsThem() {
        JsonNode node = JSON.readTree("""
                {"items":[{"type":"string","nullable":true}],"properties":{"a":{"type":"number","minimum":0,"exclusiveMinimum":true}}}""");

        assertThat(LegacyKeywords.rewrite(node)).isEqualTo(2);
        assertThat(node.toString()).doesNotContain("nullable").contains("\"exclusiveMinimum\":0");
    }
}
