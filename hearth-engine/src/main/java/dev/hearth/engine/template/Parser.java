package dev.hearth.engine.template;

import dev.hearth.engine.template.Lexer.Kind;
import dev.hearth.engine.template.Lexer.Token;
import dev.hearth.engine.template.Node.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recursive-descent parser following Jinja2's grammar and operator precedence. */
final class Parser {

  private final Lexer.Lexed lexed;
  private final List<Token> toks;
  private int i;

  private Parser(Lexer.Lexed lexed) {
    this.lexed = lexed;
    this.toks = lexed.tokens();
  }

  static List<Node> parse(Lexer.Lexed lexed) {
    Parser p = new Parser(lexed);
    List<Node> body = p.subparse(Set.of());
    if (p.peek().kind() != Kind.EOF) throw p.error("unexpected '" + p.peek().text() + "'", p.peek());
    return body;
  }

  // ---- token helpers

  private Token peek() {
    return toks.get(i);
  }

  private Token peek(int ahead) {
    return toks.get(Math.min(i + ahead, toks.size() - 1));
  }

  private Token next() {
    return toks.get(i++);
  }

  TemplateException error(String msg, Token at) {
    return new TemplateException(msg, lexed.line(at.offset()), lexed.column(at.offset()));
  }

  private Token expectOp(String op) {
    Token t = peek();
    if (!t.isOp(op)) throw error("expected '" + op + "', got " + describe(t), t);
    return next();
  }

  private String expectName() {
    Token t = peek();
    if (t.kind() != Kind.NAME) throw error("expected a name, got " + describe(t), t);
    return next().text();
  }

  private void expectName(String name) {
    Token t = peek();
    if (!t.isName(name)) throw error("expected '" + name + "', got " + describe(t), t);
    next();
  }

  private void expectBlockEnd() {
    Token t = peek();
    if (t.kind() != Kind.BLOCK_END) throw error("expected end of statement block, got " + describe(t), t);
    next();
  }

  private static String describe(Token t) {
    return switch (t.kind()) {
      case EOF -> "end of template";
      case BLOCK_END, VAR_END -> "end of tag '" + t.text() + "'";
      case TEXT -> "template text";
      default -> "'" + t.text() + "'";
    };
  }

  // ---- statements

  /** Parses nodes until a block tag whose name is in {@code ends}; leaves that name as the current token. */
  private List<Node> subparse(Set<String> ends) {
    List<Node> body = new ArrayList<>();
    while (true) {
      Token t = peek();
      switch (t.kind()) {
        case EOF -> {
          if (!ends.isEmpty()) throw error("unexpected end of template, expected one of " + ends, t);
          return body;
        }
        case TEXT -> body.add(new Node.Text(next().text()));
        case VAR_BEGIN -> {
          next();
          Expr e = parseTuple(false);
          Token end = peek();
          if (end.kind() != Kind.VAR_END) throw error("expected end of print statement, got " + describe(end), end);
          next();
          body.add(new Node.Output(e));
        }
        case BLOCK_BEGIN -> {
          Token name = peek(1);
          if (name.kind() == Kind.NAME && ends.contains(name.text())) {
            next();
            return body;
          }
          next();
          body.add(parseStatement());
        }
        default -> throw error("unexpected " + describe(t), t);
      }
    }
  }

  private Node parseStatement() {
    Token t = peek();
    if (t.kind() != Kind.NAME) throw error("tag name expected", t);
    String kw = next().text();
    return switch (kw) {
      case "if" -> parseIf();
      case "for" -> parseFor(t);
      case "set" -> parseSet(t);
      case "macro" -> parseMacro();
      case "call" -> parseCallBlock();
      case "filter" -> parseFilterBlock();
      case "with" -> parseWith();
      case "break" -> {
        expectBlockEnd();
        yield new Node.Break(t.offset());
      }
      case "continue" -> {
        expectBlockEnd();
        yield new Node.Continue(t.offset());
      }
      case "generation" -> {
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endgeneration"));
        next();
        expectBlockEnd();
        yield new Node.Generation(body);
      }
      default -> throw error("unknown or unsupported tag '" + kw + "'", t);
    };
  }

  private Node parseIf() {
    List<Expr> tests = new ArrayList<>();
    List<List<Node>> bodies = new ArrayList<>();
    List<Node> elseBody = List.of();
    tests.add(parseTuple(false));
    expectBlockEnd();
    while (true) {
      List<Node> body = subparse(Set.of("elif", "else", "endif"));
      bodies.add(body);
      String tag = next().text();
      if (tag.equals("elif")) {
        tests.add(parseTuple(false));
        expectBlockEnd();
        continue;
      }
      if (tag.equals("else")) {
        expectBlockEnd();
        elseBody = subparse(Set.of("endif"));
        next();
      }
      expectBlockEnd();
      return new Node.If(tests, bodies, elseBody);
    }
  }

  private Node parseFor(Token at) {
    List<String> targets = new ArrayList<>();
    boolean paren = peek().isOp("(");
    if (paren) next();
    targets.add(expectName());
    while (peek().isOp(",")) {
      next();
      if (peek().kind() != Kind.NAME || peek().text().equals("in")) break;
      targets.add(expectName());
    }
    if (paren) expectOp(")");
    expectName("in");
    Expr iter = parseTuple(true);
    Expr filter = null;
    if (peek().isName("if")) {
      next();
      filter = parseExpression(true);
    }
    boolean recursive = false;
    if (peek().isName("recursive")) {
      next();
      recursive = true;
    }
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endfor", "else"));
    List<Node> elseBody = List.of();
    if (next().text().equals("else")) {
      expectBlockEnd();
      elseBody = subparse(Set.of("endfor"));
      next();
    }
    expectBlockEnd();
    return new Node.For(targets, iter, filter, body, elseBody, recursive, at.offset());
  }

  private Node parseSet(Token at) {
    List<Expr> targets = new ArrayList<>();
    do {
      if (!targets.isEmpty()) next();
      Token nt = peek();
      String name = expectName();
      Expr target = new Expr.Name(name, nt.offset());
      if (peek().isOp(".")) {
        next();
        Token attr = peek();
        target = new Expr.GetAttr(target, expectName(), attr.offset());
      }
      targets.add(target);
    } while (peek().isOp(","));
    if (peek().isOp("=")) {
      next();
      Expr value = parseTuple(false);
      expectBlockEnd();
      return new Node.Set(targets, value, at.offset());
    }
    if (targets.size() != 1 || !(targets.getFirst() instanceof Expr.Name n)) throw error("expected '='", peek());
    List<Expr.Filter> filters = parseFilterChain();
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endset"));
    next();
    expectBlockEnd();
    return new Node.SetBlock(n.name(), body, filters);
  }

  private List<Expr.Filter> parseFilterChain() {
    List<Expr.Filter> filters = new ArrayList<>();
    while (peek().isOp("|")) {
      next();
      Expr.Filter f = (Expr.Filter) parseFilter(null);
      filters.add(f);
    }
    return filters;
  }

  private void parseSignature(List<String> params, List<Expr> defaults) {
    expectOp("(");
    while (!peek().isOp(")")) {
      if (!params.isEmpty()) expectOp(",");
      if (peek().isOp(")")) break;
      params.add(expectName());
      if (peek().isOp("=")) {
        next();
        defaults.add(parseExpression(true));
      } else {
        if (!defaults.isEmpty()) throw error("non-default argument follows default argument", peek());
      }
    }
    expectOp(")");
  }

  private Node parseMacro() {
    String name = expectName();
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    parseSignature(params, defaults);
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endmacro"));
    next();
    if (peek().kind() == Kind.NAME) next(); // {% endmacro name %}
    expectBlockEnd();
    return new Node.Macro(name, params, defaults, body);
  }

  private Node parseCallBlock() {
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    if (peek().isOp("(")) parseSignature(params, defaults);
    Token t = peek();
    Expr call = parseExpression(true);
    if (!(call instanceof Expr.Call c)) throw error("expected a call", t);
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endcall"));
    next();
    expectBlockEnd();
    return new Node.CallBlock(c, params, defaults, body);
  }

  private Node parseFilterBlock() {
    List<Expr.Filter> filters = new ArrayList<>();
    filters.add((Expr.Filter) parseFilter(null));
    filters.addAll(parseFilterChain());
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endfilter"));
    next();
    expectBlockEnd();
    return new Node.FilterBlock(filters, body);
  }

  private Node parseWith() {
    List<String> names = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (peek().kind() != Kind.BLOCK_END) {
      if (!names.isEmpty()) expectOp(",");
      names.add(expectName());
      expectOp("=");
      values.add(parseExpression(true));
    }
    expectBlockEnd();
    List<Node> body = subparse(Set.of("endwith"));
    next();
    expectBlockEnd();
    return new Node.With(names, values, body);
  }

  // ---- expressions (Jinja2 precedence)

  /** An expression or an implicit tuple {@code a, b}. */
  private Expr parseTuple(boolean noCondExpr) {
    Token start = peek();
    Expr first = parseExpression(!noCondExpr);
    if (!peek().isOp(",")) return first;
    List<Expr> items = new ArrayList<>();
    items.add(first);
    while (peek().isOp(",")) {
      next();
      if (isTupleEnd()) break;
      items.add(parseExpression(!noCondExpr));
    }
    return new Expr.TupleLit(items, start.offset());
  }

  private boolean isTupleEnd() {
    Token t = peek();
    return t.kind() == Kind.VAR_END || t.kind() == Kind.BLOCK_END || t.isOp(")") || t.isOp("]") || t.isOp("}")
        || t.isName("if") || t.isName("recursive");
  }

  Expr parseExpression(boolean withCondExpr) {
    return withCondExpr ? parseCondExpr() : parseOr();
  }

  private Expr parseCondExpr() {
    Expr expr = parseOr();
    while (peek().isName("if")) {
      Token t = next();
      Expr test = parseOr();
      Expr otherwise = null;
      if (peek().isName("else")) {
        next();
        otherwise = parseCondExpr();
      }
      expr = new Expr.Cond(test, expr, otherwise, t.offset());
    }
    return expr;
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (peek().isName("or")) {
      Token t = next();
      left = new Expr.Binary("or", left, parseAnd(), t.offset());
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (peek().isName("and")) {
      Token t = next();
      left = new Expr.Binary("and", left, parseNot(), t.offset());
    }
    return left;
  }

  private Expr parseNot() {
    if (peek().isName("not")) {
      Token t = next();
      return new Expr.Unary("not", parseNot(), t.offset());
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    Token start = peek();
    Expr first = parseMath1();
    List<String> ops = new ArrayList<>();
    List<Expr> rest = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.kind() == Kind.OP && Set.of("==", "!=", "<", ">", "<=", ">=").contains(t.text())) {
        next();
        ops.add(t.text());
        rest.add(parseMath1());
      } else if (t.isName("in")) {
        next();
        ops.add("in");
        rest.add(parseMath1());
      } else if (t.isName("not") && peek(1).isName("in")) {
        next();
        next();
        ops.add("notin");
        rest.add(parseMath1());
      } else {
        break;
      }
    }
    return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest, start.offset());
  }

  private Expr parseMath1() {
    Expr left = parseConcat();
    while (peek().isOp("+") || peek().isOp("-")) {
      Token t = next();
      left = new Expr.Binary(t.text(), left, parseConcat(), t.offset());
    }
    return left;
  }

  private Expr parseConcat() {
    Expr left = parseMath2();
    while (peek().isOp("~")) {
      Token t = next();
      left = new Expr.Binary("~", left, parseMath2(), t.offset());
    }
    return left;
  }

  private Expr parseMath2() {
    Expr left = parsePow();
    while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
      Token t = next();
      left = new Expr.Binary(t.text(), left, parsePow(), t.offset());
    }
    return left;
  }

  private Expr parsePow() {
    Expr left = parseUnary(true);
    while (peek().isOp("**")) {
      Token t = next();
      left = new Expr.Binary("**", left, parseUnary(true), t.offset());
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    Token t = peek();
    Expr node;
    if (t.isOp("-") || t.isOp("+")) {
      next();
      node = new Expr.Unary(t.text(), parseUnary(false), t.offset());
    } else {
      node = parsePrimary();
    }
    node = parsePostfix(node);
    if (withFilter) node = parseFilterExpr(node);
    return node;
  }

  private Expr parsePrimary() {
    Token t = peek();
    switch (t.kind()) {
      case NAME -> {
        next();
        return switch (t.text()) {
          case "true", "True" -> new Expr.Const(Boolean.TRUE, t.offset());
          case "false", "False" -> new Expr.Const(Boolean.FALSE, t.offset());
          case "none", "None" -> new Expr.Const(null, t.offset());
          default -> new Expr.Name(t.text(), t.offset());
        };
      }
      case STRING -> {
        next();
        StringBuilder sb = new StringBuilder((String) t.value());
        while (peek().kind() == Kind.STRING) sb.append((String) next().value());
        return new Expr.Const(sb.toString(), t.offset());
      }
      case INT, FLOAT -> {
        next();
        return new Expr.Const(t.value(), t.offset());
      }
      case OP -> {
        switch (t.text()) {
          case "(" -> {
            next();
            if (peek().isOp(")")) {
              next();
              return new Expr.TupleLit(List.of(), t.offset());
            }
            Expr e = parseTuple(false);
            expectOp(")");
            return e;
          }
          case "[" -> {
            next();
            List<Expr> items = new ArrayList<>();
            while (!peek().isOp("]")) {
              if (!items.isEmpty()) expectOp(",");
              if (peek().isOp("]")) break;
              items.add(parseExpression(true));
            }
            expectOp("]");
            return new Expr.ListLit(items, t.offset());
          }
          case "{" -> {
            next();
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!peek().isOp("}")) {
              if (!keys.isEmpty()) expectOp(",");
              if (peek().isOp("}")) break;
              keys.add(parseExpression(true));
              expectOp(":");
              values.add(parseExpression(true));
            }
            expectOp("}");
            return new Expr.DictLit(keys, values, t.offset());
          }
          default -> throw error("unexpected " + describe(t), t);
        }
      }
      default -> throw error("unexpected " + describe(t), t);
    }
  }

  private Expr parsePostfix(Expr node) {
    while (true) {
      Token t = peek();
      if (t.isOp(".")) {
        next();
        Token a = peek();
        if (a.kind() == Kind.NAME) {
          next();
          node = new Expr.GetAttr(node, a.text(), a.offset());
        } else if (a.kind() == Kind.INT) {
          next();
          node = new Expr.GetItem(node, new Expr.Const(a.value(), a.offset()), a.offset());
        } else {
          throw error("expected attribute name", a);
        }
      } else if (t.isOp("[")) {
        next();
        node = parseSubscript(node, t);
      } else if (t.isOp("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseSubscript(Expr node, Token open) {
    Expr start = null, stop = null, step = null;
    boolean slice = false;
    if (!peek().isOp(":")) start = parseExpression(true);
    if (peek().isOp(":")) {
      slice = true;
      next();
      if (!peek().isOp("]") && !peek().isOp(":")) stop = parseExpression(true);
      if (peek().isOp(":")) {
        next();
        if (!peek().isOp("]")) step = parseExpression(true);
      }
    } else if (peek().isOp(",")) {
      List<Expr> items = new ArrayList<>();
      items.add(start);
      while (peek().isOp(",")) {
        next();
        if (peek().isOp("]")) break;
        items.add(parseExpression(true));
      }
      start = new Expr.TupleLit(items, open.offset());
    }
    expectOp("]");
    return slice ? new Expr.Slice(node, start, stop, step, open.offset()) : new Expr.GetItem(node, start, open.offset());
  }

  private Expr.Call parseCall(Expr fn) {
    Token open = expectOp("(");
    List<Expr> args = new ArrayList<>();
    List<String> kwNames = new ArrayList<>();
    List<Expr> kwValues = new ArrayList<>();
    boolean first = true;
    while (!peek().isOp(")")) {
      if (!first) expectOp(",");
      first = false;
      if (peek().isOp(")")) break;
      if (peek().kind() == Kind.NAME && peek(1).isOp("=")) {
        kwNames.add(next().text());
        next();
        kwValues.add(parseExpression(true));
      } else {
        if (!kwNames.isEmpty()) throw error("positional argument follows keyword argument", peek());
        args.add(parseExpression(true));
      }
    }
    expectOp(")");
    return new Expr.Call(fn, args, kwNames, kwValues, open.offset());
  }

  private Expr parseFilterExpr(Expr node) {
    while (true) {
      Token t = peek();
      if (t.isOp("|")) {
        next();
        node = parseFilter(node);
      } else if (t.isName("is")) {
        next();
        node = parseTest(node, t);
      } else if (t.isOp("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseFilter(Expr value) {
    Token nt = peek();
    StringBuilder name = new StringBuilder(expectName());
    while (peek().isOp(".")) {
      next();
      name.append('.').append(expectName());
    }
    List<Expr> args = List.of();
    List<String> kwNames = List.of();
    List<Expr> kwValues = List.of();
    if (peek().isOp("(")) {
      Expr.Call c = parseCall(new Expr.Const(null, nt.offset()));
      args = c.args();
      kwNames = c.kwNames();
      kwValues = c.kwValues();
    }
    return new Expr.Filter(value, name.toString(), args, kwNames, kwValues, nt.offset());
  }

  private static final Set<String> NO_TEST_ARG = Set.of("else", "or", "and", "if", "in", "is", "not");

  private Expr parseTest(Expr value, Token at) {
    boolean negated = false;
    if (peek().isName("not")) {
      next();
      negated = true;
    }
    Token nt = peek();
    String name;
    if (nt.isName("none") || nt.isName("None") || nt.isName("true") || nt.isName("false")
        || nt.isName("True") || nt.isName("False")) {
      next();
      name = nt.text().toLowerCase(java.util.Locale.ROOT);
    } else {
      name = expectName();
    }
    while (peek().isOp(".")) {
      next();
      name = name + "." + expectName();
    }
    List<Expr> args = new ArrayList<>();
    Token a = peek();
    if (a.isOp("(")) {
      Expr.Call c = parseCall(new Expr.Const(null, a.offset()));
      args.addAll(c.args());
    } else if (a.kind() == Kind.STRING || a.kind() == Kind.INT || a.kind() == Kind.FLOAT || a.isOp("[") || a.isOp("{")
        || (a.kind() == Kind.NAME && !NO_TEST_ARG.contains(a.text()))) {
      Expr arg = parsePrimary();
      args.add(parsePostfix(arg));
    }
    return new Expr.Test(value, name, args, negated, at.offset());
  }
}
