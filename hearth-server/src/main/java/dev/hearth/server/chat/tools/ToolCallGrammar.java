package dev.hearth.server.chat.tools;

import dev.hearth.engine.grammar.Grammar;
import dev.hearth.engine.grammar.Grammar.Builder;
import dev.hearth.engine.grammar.Grammar.Element;
import dev.hearth.engine.grammar.Grammar.RuleRef;
import dev.hearth.engine.grammar.JsonSchemaGrammar;
import dev.hearth.engine.grammar.SchemaException;
import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of "a call (or several, when parallel) in this model's syntax": the literal markup
 * of the syntax around each function's arguments, the arguments compiled from the function's
 * JSON schema by {@link JsonSchemaGrammar}. A non-strict function whose schema uses keywords
 * Hearth cannot enforce gets arguments constrained to any JSON object instead.
 */
public final class ToolCallGrammar {
  private ToolCallGrammar() {}

  public static Grammar build(ToolSyntax syntax, List<FunctionTool> functions, boolean parallel) {
    return build(syntax, functions, parallel, null, false);
  }

  /**
   * Calls, or else an answer: with {@code tool_choice: auto} and a {@code response_format}, the
   * model either calls or answers with JSON valid against {@code answerSchema} (any JSON object
   * when it is null and {@code answerIsObject}).
   */
  public static Grammar build(ToolSyntax syntax, List<FunctionTool> functions, boolean parallel,
      java.util.Map<String, Object> answerSchema, boolean answerIsObject) {
    Builder b = Grammar.builder();
    List<List<Element>> alternatives = new ArrayList<>();
    for (FunctionTool f : functions) {
      List<Element> call = new ArrayList<>(Builder.literal(syntax.callPrefix(f.name())));
      call.add(arguments(b, f));
      call.addAll(Builder.literal(syntax.callSuffix()));
      alternatives.add(call);
    }
    RuleRef call = b.rule("call", alternatives);
    List<Element> root = new ArrayList<>(Builder.literal(syntax.open()));
    root.add(call);
    if (parallel && syntax.parallel()) {
      List<Element> more = new ArrayList<>(Builder.literal(syntax.separator()));
      more.add(call);
      root.add(b.star("more calls", more));
    }
    root.addAll(Builder.literal(syntax.close()));
    if (answerSchema == null && !answerIsObject) {
      return b.build(b.rule("calls", List.of(root)).rule());
    }
    RuleRef answer = answerSchema == null ? JsonSchemaGrammar.anyObjectInto(b) : JsonSchemaGrammar.compileInto(b, answerSchema);
    return b.build(b.rule("calls or answer", List.of(root, List.of(answer))).rule());
  }

  private static RuleRef arguments(Builder b, FunctionTool f) {
    if (f.parameters() == null) {
      return JsonSchemaGrammar.anyObjectInto(b);
    }
    if (!f.strict()) {
      try {
        JsonSchemaGrammar.compile(f.parameters());
      } catch (SchemaException e) {
        return JsonSchemaGrammar.anyObjectInto(b);
      }
    }
    return JsonSchemaGrammar.compileInto(b, f.parameters());
  }
}
