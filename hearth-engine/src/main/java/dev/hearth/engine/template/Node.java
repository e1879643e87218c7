package dev.hearth.engine.template;

import java.util.List;

/** The template AST: statements ({@link Node}) and expressions ({@link Expr}); {@code off} is a source offset. */
sealed interface Node {

  record Text(String text) implements Node {}

  record Output(Expr expr) implements Node {}

  record If(List<Expr> tests, List<List<Node>> bodies, List<Node> elseBody) implements Node {}

  record For(List<String> targets, Expr iter, Expr filter, List<Node> body, List<Node> elseBody, boolean recursive, int off)
      implements Node {}

  /** {@code set name = v}, {@code set ns.attr = v}, {@code set a, b = v}. */
  record Set(List<Expr> targets, Expr value, int off) implements Node {}

  record SetBlock(String name, List<Node> body, List<Expr.Filter> filters) implements Node {}

  record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}

  record CallBlock(Expr.Call call, List<String> params, List<Expr> defaults, List<Node> body) implements Node {}

  record FilterBlock(List<Expr.Filter> filters, List<Node> body) implements Node {}

  record With(List<String> names, List<Expr> values, List<Node> body) implements Node {}

  record Break(int off) implements Node {}

  record Continue(int off) implements Node {}

  /** HF's {@code {% generation %}} marker (assistant-token masks): renders its body unchanged. */
  record Generation(List<Node> body) implements Node {}

  sealed interface Expr {
    int off();

    record Const(Object value, int off) implements Expr {}

    record Name(String name, int off) implements Expr {}

    record ListLit(List<Expr> items, int off) implements Expr {}

    record TupleLit(List<Expr> items, int off) implements Expr {}

    record DictLit(List<Expr> keys, List<Expr> values, int off) implements Expr {}

    record GetAttr(Expr obj, String name, int off) implements Expr {}

    record GetItem(Expr obj, Expr key, int off) implements Expr {}

    record Slice(Expr obj, Expr start, Expr stop, Expr step, int off) implements Expr {}

    record Call(Expr fn, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int off) implements Expr {}

    /** {@code value} is null inside a filter chain applied to a block. */
    record Filter(Expr value, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int off)
        implements Expr {}

    record Test(Expr value, String name, List<Expr> args, boolean negated, int off) implements Expr {}

    record Unary(String op, Expr operand, int off) implements Expr {}

    record Binary(String op, Expr left, Expr right, int off) implements Expr {}

    record Compare(Expr first, List<String> ops, List<Expr> rest, int off) implements Expr {}

    record Cond(Expr test, Expr then, Expr otherwise, int off) implements Expr {}
  }
}
