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

/** The engine's Jinja2 semantics under HF's settings (trim_blocks, lstrip_blocks, no trailing newline). */
class JinjaSemanticsTest {

  static String render(String src, Object... kv) {
    Map<String, Object> ctx = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) ctx.put((String) kv[i], kv[i + 1]);
    return ChatTemplate.compile(src).render(ctx);
  }

  @Nested
  class Whitespace {
    @Test
    void trimBlocksRemovesTheNewlineAfterABlockTag() {
      assertThat(render("{% if true %}\nyes\n{% endif %}\nafter")).isEqualTo("yes\nafter");
    }

    @Test
    void trimBlocksDoesNotApplyToExpressions() {
      assertThat(render("{{ 'a' }}\nb")).isEqualTo("a\nb");
    }

    @Test
    void lstripBlocksRemovesIndentationBeforeBlockTagsOnly() {
      assertThat(render("x\n    {% if true %}\n    y\n    {% endif %}\n")).isEqualTo("x\n    y\n");
      assertThat(render("x\n    {{ 'v' }}")).isEqualTo("x\n    v");
    }

    @Test
    void lstripBlocksNeedsOnlyWhitespaceBeforeTheTagOnItsLine() {
      assertThat(render("a  {% if true %}b{% endif %}")).isEqualTo("a  b");
    }

    @Test
    void minusStripsAllWhitespaceIncludingNewlines() {
      assertThat(render("a  \n\n  {%- if true -%}  \n\n b {%- endif %}")).isEqualTo("ab");
      assertThat(render("a\n  {{- 'x' -}}\n  b")).isEqualTo("axb");
    }

    @Test
    void plusDisablesLstripAndTrim() {
      assertThat(render("x\n  {%+ if true +%}\ny{% endif %}")).isEqualTo("x\n  \ny");
    }

    @Test
    void commentsAreDroppedAndHonourWhitespaceControl() {
      assertThat(render("a {#- note -#}  b")).isEqualTo("ab");
      assertThat(render("a\n  {# note #}\nb")).isEqualTo("a\nb");
    }

    @Test
    void exactlyOneTrailingNewlineOfTheSourceIsDropped() {
      assertThat(render("hi\n")).isEqualTo("hi");
      assertThat(render("hi\n\n")).isEqualTo("hi\n");
      assertThat(render("{{ 'x\\n' }}")).isEqualTo("x\n");
    }

    @Test
    void crlfIsNormalized() {
      assertThat(render("a\r\n{% if true %}\r\nb{% endif %}")).isEqualTo("a\nb");
    }

    @Test
    void rawBlocksAreVerbatim() {
      assertThat(render("{% raw %}{{ x }}{% endraw %}")).isEqualTo("{{ x }}");
    }
  }

  @Nested
  class Expressions {
    @Test
    void arithmeticAndConcatenation() {
      assertThat(render("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ 7 / 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}")).isEqualTo("7 3 3.5 2 1024");
      assertThat(render("{{ 'a' + 'b' ~ 1 ~ none ~ true }}")).isEqualTo("ab1NoneTrue");
      assertThat(render("{{ '=' * 3 }}{{ [1] + [2] }}")).isEqualTo("===[1, 2]");
    }

    @Test
    void pythonReprOfValues() {
      assertThat(render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ [1, 'a', none] }} {{ {'k': true} }}"))
          .isEqualTo("1.0 0.30000000000000004 1e+20 [1, 'a', None] {'k': True}");
    }

    @Test
    void tuplesPrintAsPythonTuples() {
      assertThat(render("{{ (1, 2) }} {{ ('a',) }} {{ d.items()|list }}", "d", Map.of("k", 1))).isEqualTo("(1, 2) ('a',) [('k', 1)]");
    }

    @Test
    void roundIsPythonsHalfEvenOnTheBinaryValue() {
      assertThat(render("{{ 2.675|round(2) }} {{ 2.5|round }} {{ -2.5|round }} {{ 3.14159|round(2, 'floor') }}")).isEqualTo("2.67 2.0 -2.0 3.14");
    }

    @Test
    void strFormatSpecs() {
      assertThat(render("{{ '{:>5}|{:<3}|{:^5}|{:.2f}|{:05d}'.format('a', 'b', 'c', 3.14159, 42) }}")).isEqualTo("    a|b  |  c  |3.14|00042");
    }

    @Test
    void comparisonsAndMembership() {
      assertThat(render("{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ 'b' in 'abc' }} {{ 2 not in [1] }} {{ 'k' in {'k': 1} }}"))
          .isEqualTo("True True True True True");
    }

    @Test
    void andOrReturnOperands() {
      assertThat(render("{{ '' or 'x' }} {{ 'a' and 'b' }} {{ not '' }}")).isEqualTo("x b True");
    }

    @Test
    void conditionalExpression() {
      assertThat(render("{{ 'y' if x else 'n' }}|{{ 'y' if x }}|", "x", false)).isEqualTo("n||");
    }

    @Test
    void slicing() {
      String ctx = "{{ m[::-1] }} {{ m[1:] }} {{ m[:-1] }} {{ m[-1] }} {{ m[::2] }} {{ 'hello'[1:3] }} {{ 'abc'[::-1] }}";
      assertThat(render(ctx, "m", List.of(1, 2, 3, 4))).isEqualTo("[4, 3, 2, 1] [2, 3, 4] [1, 2, 3] 4 [1, 3] el cba");
    }

    @Test
    void filtersBindTighterThanOperators() {
      assertThat(render("{{ m|length - 1 }} {{ 'a' ~ ' b '|trim }}", "m", List.of(1, 2))).isEqualTo("1 ab");
    }

    @Test
    void stringLiteralEscapesAndAdjacentConcatenation() {
      assertThat(render("{{ 'a\\n' \"b\\t\" '\\u00e9' }}")).isEqualTo("a\nb\té");
    }
  }

  @Nested
  class StringMethods {
    @Test
    void pythonStringMethods() {
      assertThat(render("{{ '  x  '.strip() }}|{{ '\\nx\\n'.lstrip('\\n') }}|{{ 'x..'.rstrip('.') }}")).isEqualTo("x|x\n|x");
      assertThat(render("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a-b-c'.split('-', 1) }}"))
          .isEqualTo("['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b-c']");
      assertThat(render("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith(('x', 'c')) }}")).isEqualTo("True True");
      assertThat(render("{{ 'aXa'.replace('a', 'b') }} {{ 'Ab'.upper() }}{{ 'Ab'.lower() }} {{ 'hello world'.title() }}"))
          .isEqualTo("bXb ABab Hello World");
      assertThat(render("{{ '{} and {name}'.format(1, name='x') }} {{ '%s=%d' % ('a', 3) }}")).isEqualTo("1 and x a=3");
    }

    @Test
    void qwen3ThinkSplitting() {
      String src = "{{ c.split('</think>')[-1].lstrip('\\n') }}|{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}";
      assertThat(render(src, "c", "<think>\nwhy\n</think>\n\nanswer")).isEqualTo("answer|why");
    }
  }

  @Nested
  class Statements {
    @Test
    void loopVariables() {
      String src = "{% for x in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}"
          + "{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %}";
      assertThat(render(src, "items", List.of("a", "b"))).isEqualTo("102TrueFalse2,211FalseTrue2");
    }

    @Test
    void loopPrevNextCycleAndFilter() {
      String src = "{% for x in [1, 2, 3, 4] if x is even %}{{ loop.previtem }}{{ x }}{{ loop.cycle('a', 'b') }}{{ loop.length }} {% endfor %}";
      assertThat(render(src)).isEqualTo("2a2 24b2 ");
    }

    @Test
    void forElseAndUnpacking() {
      assertThat(render("{% for x in [] %}x{% else %}empty{% endfor %}")).isEqualTo("empty");
      assertThat(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "d", Map.of("a", 1))).isEqualTo("a=1;");
      assertThat(render("{% for k in d %}{{ k }}{% endfor %}", "d", Map.of("a", 1))).isEqualTo("a");
    }

    @Test
    void breakAndContinue() {
      assertThat(render("{% for i in range(10) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}"))
          .isEqualTo("023");
    }

    @Test
    void setInsideLoopDoesNotLeakButNamespaceDoes() {
      String src = "{% set x = 1 %}{% set ns = namespace(y=1) %}{% for i in [1, 2] %}{% set x = 5 %}{% set ns.y = ns.y + i %}{% endfor %}{{ x }} {{ ns.y }}";
      assertThat(render(src)).isEqualTo("1 4");
    }

    @Test
    void setInsideIfIsVisibleAfterwards() {
      assertThat(render("{% if true %}{% set x = 'in' %}{% endif %}{{ x }}")).isEqualTo("in");
    }

    @Test
    void blockSetWithFilter() {
      assertThat(render("{% set x | upper %}  ab  {% endset %}[{{ x }}]")).isEqualTo("[  AB  ]");
    }

    @Test
    void macrosWithDefaultsKeywordsAndRecursion() {
      String src = "{% macro f(a, b='B') %}{{ a }}{{ b }}{% endmacro %}{{ f(1) }} {{ f(1, b=2) }} {{ f(b=3, a=4) }}";
      assertThat(render(src)).isEqualTo("1B 12 43");
      String rec = "{% macro down(n) %}{{ n }}{% if n > 0 %}{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(3) }}";
      assertThat(render(rec)).isEqualTo("3210");
    }

    @Test
    void callBlockPassesCaller() {
      assertThat(render("{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}in{% endcall %}")).isEqualTo("[in]");
    }

    @Test
    void filterBlockAndGenerationBlock() {
      assertThat(render("{% filter upper %}ab{% endfilter %}{% generation %}cd{% endgeneration %}")).isEqualTo("ABcd");
    }
  }

  @Nested
  class Filters {
    @Test
    void commonFilters() {
      assertThat(render("{{ ' a '|trim }}|{{ x|default('d') }}|{{ ''|default('d', true) }}|{{ none|default('d') }}")).isEqualTo("a|d|d|None");
      assertThat(render("{{ [1, 2]|join(', ') }}|{{ [1, 2]|first }}{{ [1, 2]|last }}|{{ 'abc'|length }}|{{ '42'|int + 1 }}|{{ 'x'|int }}"))
          .isEqualTo("1, 2|12|3|43|0");
      assertThat(render("{{ 'ab'|upper }}{{ 'AB'|lower }}|{{ 'hello world'|title }}|{{ 'hello'|capitalize }}|{{ 3|string ~ 'x' }}"))
          .isEqualTo("ABab|Hello World|Hello|3x");
      assertThat(render("{{ 'a-b'|replace('-', '+') }}|{{ [3, 1, 2]|sort }}|{{ [1, 1, 2]|unique|list }}|{{ [1, 2]|reverse|list }}|{{ [1, 2]|sum }}"))
          .isEqualTo("a+b|[1, 2, 3]|[1, 2]|[2, 1]|3");
    }

    @Test
    void mapSelectAndReject() {
      List<Map<String, Object>> msgs = List.of(Map.of("role", "system", "n", 1), Map.of("role", "user", "n", 2), Map.of("role", "user", "n", 3));
      assertThat(render("{{ m|map(attribute='role')|list }}", "m", msgs)).isEqualTo("['system', 'user', 'user']");
      assertThat(render("{{ m|selectattr('role', 'equalto', 'user')|map(attribute='n')|list }}", "m", msgs)).isEqualTo("[2, 3]");
      assertThat(render("{{ m|rejectattr('role', 'equalto', 'user')|list|length }}", "m", msgs)).isEqualTo("1");
      assertThat(render("{{ m|map(attribute='x', default='D')|list }}", "m", List.of(Map.of("x", "a"), Map.of()))).isEqualTo("['a', 'D']");
      assertThatThrownBy(() -> render("{{ m|map(attribute='x.0')|list }}", "m", List.of(Map.of()))).isInstanceOf(TemplateException.class);
      assertThat(render("{{ [1, 2, 3, 4]|select('even')|list }} {{ ['a', 'b']|map('upper')|join }}")).isEqualTo("[2, 4] AB");
    }

    @Test
    void itemsAndDictsort() {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("b", 1);
      d.put("a", 2);
      assertThat(render("{% for k, v in d|items %}{{ k }}{{ v }}{% endfor %}|{% for k, v in d|dictsort %}{{ k }}{% endfor %}", "d", d))
          .isEqualTo("b1a2|ab");
    }

    @Test
    void indent() {
      assertThat(render("{{ 'a\\nb\\n\\nc'|indent(2) }}")).isEqualTo("a\n  b\n\n  c");
      assertThat(render("{{ 'a\\nb'|indent(2, true) }}")).isEqualTo("  a\n  b");
    }

    @Test
    void tojsonAsHuggingFaceDefinesIt() {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("name", "é \"q\" <b>");
      v.put("n", List.of(1, 2.5, true));
      v.put("none", null);
      v.put("empty", Map.of());
      assertThat(render("{{ v|tojson }}", "v", v))
          .isEqualTo("{\"name\": \"é \\\"q\\\" <b>\", \"n\": [1, 2.5, true], \"none\": null, \"empty\": {}}");
      assertThat(render("{{ v|tojson(indent=2) }}", "v", Map.of("a", List.of(1))))
          .isEqualTo("{\n  \"a\": [\n    1\n  ]\n}");
      assertThat(render("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}")).isEqualTo("{\"a\": 2, \"b\": 1}");
      assertThat(render("{{ {'a': 1}|tojson(separators=(',', ':')) }}")).isEqualTo("{\"a\":1}");
      assertThat(render("{{ 'x\\n\\u0001'|tojson }}")).isEqualTo("\"x\\n\\u0001\"");
    }
  }

  @Nested
  class TestsAndUndefined {
    @Test
    void isTests() {
      String src = "{{ x is defined }}{{ y is defined }}{{ n is none }}{{ s is string }}{{ d is mapping }}{{ l is sequence }}"
          + "{{ s is iterable }}{{ d is not string }}{{ 3 is odd }}{{ 4 is divisibleby 2 }}{{ f is false }}{{ t is true }}"
          + "{{ 1 is integer }}{{ 1.5 is float }}{{ 1 is number }}";
      assertThat(render(src, "x", 1, "n", null, "s", "a", "d", Map.of(), "l", List.of(), "f", false, "t", true))
          .isEqualTo("TrueFalseTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrue");
    }

    @Test
    void undefinedIsEmptyFalsyAndIterableButFailsOnAttributeAccess() {
      assertThat(render("[{{ nope }}]{{ nope|length }}{% for x in nope %}x{% endfor %}{{ not nope }}{{ nope is none }}")).isEqualTo("[]0TrueFalse");
      assertThat(render("{{ d.missing is defined }}[{{ d.missing }}]{{ d['missing'] is undefined }}", "d", Map.of())).isEqualTo("False[]True");
      assertThat(render("{{ l[5] is defined }}", "l", List.of(1))).isEqualTo("False");
      assertThatThrownBy(() -> render("{{ nope.attr }}")).isInstanceOf(TemplateException.class).hasMessageContaining("'nope' is undefined");
      assertThatThrownBy(() -> render("{{ nope + 1 }}")).isInstanceOf(TemplateException.class);
      assertThatThrownBy(() -> render("{{ d.a.b }}", "d", Map.of())).hasMessageContaining("'dict object' has no attribute 'a'");
    }

    @Test
    void dictMethodsAndNoneVersusMissing() {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("a", 1);
      d.put("n", null);
      assertThat(render("{{ d.get('a') }}{{ d.get('z') }}{{ d.get('z', 2) }}{{ d.keys()|list }}{{ d.n is none }}{{ d.n is defined }}", "d", d))
          .isEqualTo("1None2['a', 'n']TrueTrue");
    }
  }

  @Nested
  class Globals {
    @Test
    void raiseExceptionThrowsWithTheTemplatesMessage() {
      assertThatThrownBy(() -> render("line1\n{{ raise_exception('Roles must alternate') }}"))
          .isInstanceOf(TemplateException.Raised.class)
          .satisfies(e -> {
            TemplateException te = (TemplateException) e;
            assertThat(te.detail()).isEqualTo("Roles must alternate");
            assertThat(te.line()).isEqualTo(2);
          });
    }

    @Test
    void strftimeNowUsesTheClock() {
      Clock clock = Clock.fixed(Instant.parse("2024-07-26T10:05:00Z"), ZoneOffset.UTC);
      ChatTemplate t = ChatTemplate.compile("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M') }}").withClock(clock);
      assertThat(t.render(Map.of())).isEqualTo("26 Jul 2024|2024-07-26 10:05");
    }

    @Test
    void rangeAndDict() {
      assertThat(render("{{ range(3)|list }}{{ range(1, 7, 2)|list }}{{ dict(a=1) }}")).isEqualTo("[0, 1, 2][1, 3, 5]{'a': 1}");
    }

    @Test
    void listMutationIsRefusedLikeHfsImmutableSandbox() {
      assertThatThrownBy(() -> render("{{ l.append(1) }}", "l", List.of())).hasMessageContaining("unsafe");
    }
  }

  @Nested
  class Errors {
    @Test
    void syntaxErrorsCarryLineAndColumn() {
      assertThatThrownBy(() -> ChatTemplate.compile("ok\n{% if x %}\n{{ a + }}\n{% endif %}"))
          .isInstanceOf(TemplateException.class)
          .satisfies(e -> {
            TemplateException te = (TemplateException) e;
            assertThat(te.line()).isEqualTo(3);
            assertThat(te.column()).isEqualTo(8);
          });
      assertThatThrownBy(() -> ChatTemplate.compile("{% for x in y %}")).hasMessageContaining("unexpected end of template");
      assertThatThrownBy(() -> ChatTemplate.compile("{% frobnicate %}")).hasMessageContaining("unknown or unsupported tag 'frobnicate'");
      assertThatThrownBy(() -> ChatTemplate.compile("{{ 'abc }}")).hasMessageContaining("unterminated string");
    }

    @Test
    void badArgumentTypesBecomeTemplateExceptions() {
      assertThatThrownBy(() -> render("{{ 'abc'.replace(1, 2) }}")).isInstanceOf(TemplateException.class);
      assertThatThrownBy(() -> render("{{ 1 // 0 }}")).isInstanceOf(TemplateException.class);
      assertThatThrownBy(() -> render("{{ [].index(3) }}")).isInstanceOf(TemplateException.class);
    }

    @Test
    void runawayTemplatesAreStopped() {
      assertThatThrownBy(() -> render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"))
          .isInstanceOf(TemplateException.class).hasMessageContaining("loop iterations");
      assertThatThrownBy(() -> render("{{ 'x' * 1000000000 }}")).isInstanceOf(TemplateException.class).hasMessageContaining("too large");
      assertThatThrownBy(() -> render("{{ range(10000000000)|length }}")).isInstanceOf(TemplateException.class).hasMessageContaining("too large");
      assertThatThrownBy(() -> render("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")).isInstanceOf(TemplateException.class)
          .hasMessageContaining("recursion");
    }

    @Test
    void unknownFilterFailsAtRender() {
      assertThatThrownBy(() -> render("\n{{ 1|nosuch }}")).hasMessageContaining("no filter named 'nosuch'").hasMessageContaining("line 2");
    }
  }
}
