package dev.hearth.engine.template;

import dev.hearth.engine.template.Node.Expr;
import dev.hearth.engine.template.Py.Namespace;
import dev.hearth.engine.template.Py.PyCallable;
import dev.hearth.engine.template.Py.Undefined;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tree-walking renderer with Jinja2's scoping: {@code for} bodies and macros get their own scope, {@code if} does not. */
final class Interpreter {

  static final class Scope {
    final Map<String, Object> vars = new HashMap<>();
    final Scope parent;

    Scope(Scope parent) {
      this.parent = parent;
    }

    Object lookup(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) return s.vars.get(name);
      }
      return MISSING;
    }
  }

  static final Object MISSING = new Object();

  private static final class BreakSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BreakSignal() {
      super(null, null, false, false);
    }
  }

  private static final class ContinueSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ContinueSignal() {
      super(null, null, false, false);
    }
  }

  private static final BreakSignal BREAK = new BreakSignal();
  private static final ContinueSignal CONTINUE = new ContinueSignal();

  /** Limits for untrusted templates (they come from model files): generous for any real chat prompt. */
  static final int MAX_OUTPUT_CHARS = 16 << 20;
  static final long MAX_LOOP_ITERATIONS = 1_000_000;
  static final int MAX_MACRO_DEPTH = 200;

  private final Lexer.Lexed lexed;
  final Builtins builtins;
  private int depth;
  private long iterations;

  Interpreter(Lexer.Lexed lexed, Builtins builtins) {
    this.lexed = lexed;
    this.builtins = builtins;
  }

  TemplateException at(TemplateException e, int off) {
    if (e.line() > 0) return e;
    int line = lexed.line(off), col = lexed.column(off);
    if (e instanceof TemplateException.Raised) return new TemplateException.Raised(e.detail(), line, col);
    return new TemplateException(e.detail(), line, col);
  }

  String render(List<Node> body, Map<String, Object> context) {
    Scope globals = new Scope(null);
    globals.vars.putAll(builtins.globals());
    Scope root = new Scope(globals);
    for (var e : context.entrySet()) root.vars.put(e.getKey(), Py.wrap(e.getValue()));
    StringBuilder out = new StringBuilder();
    try {
      renderBody(body, root, out, 0);
    } catch (BreakSignal | ContinueSignal s) {
      throw new TemplateException("'break' or 'continue' outside of a loop");
    }
    return out.toString();
  }

  void renderBody(List<Node> body, Scope scope, StringBuilder out, int loopDepth) {
    for (Node n : body) renderNode(n, scope, out, loopDepth);
  }

  private void renderNode(Node node, Scope scope, StringBuilder out, int loopDepth) {
    switch (node) {
      case Node.Text t -> out.append(t.text());
      case Node.Output o -> {
        out.append(Py.str(eval(o.expr(), scope)));
        if (out.length() > MAX_OUTPUT_CHARS) throw at(new TemplateException("template output exceeds " + MAX_OUTPUT_CHARS + " characters"), o.expr().off());
      }
      case Node.If n -> {
        for (int k = 0; k < n.tests().size(); k++) {
          if (Py.truthy(eval(n.tests().get(k), scope))) {
            renderBody(n.bodies().get(k), scope, out, loopDepth);
            return;
          }
        }
        renderBody(n.elseBody(), scope, out, loopDepth);
      }
      case Node.For f -> renderFor(f, scope, out, loopDepth);
      case Node.Set s -> {
        Object v = eval(s.value(), scope);
        if (s.targets().size() == 1) {
          assign(s.targets().getFirst(), v, scope, s.off());
        } else {
          List<Object> vals = unpack(v, s.targets().size(), s.off());
          for (int k = 0; k < vals.size(); k++) assign(s.targets().get(k), vals.get(k), scope, s.off());
        }
      }
      case Node.SetBlock s -> {
        StringBuilder sb = new StringBuilder();
        renderBody(s.body(), scope, sb, loopDepth);
        Object v = sb.toString();
        for (Expr.Filter f : s.filters()) v = applyFilter(f, v, scope);
        scope.vars.put(s.name(), v);
      }
      case Node.Macro m -> scope.vars.put(m.name(), macro(m.name(), m.params(), m.defaults(), m.body(), scope));
      case Node.CallBlock c -> {
        PyCallable caller = macro("caller", c.params(), c.defaults(), c.body(), scope);
        Expr.Call call = c.call();
        Object fn = eval(call.fn(), scope);
        List<Object> args = new ArrayList<>();
        for (Expr a : call.args()) args.add(eval(a, scope));
        Map<String, Object> kw = new LinkedHashMap<>();
        for (int k = 0; k < call.kwNames().size(); k++) kw.put(call.kwNames().get(k), eval(call.kwValues().get(k), scope));
        kw.put("caller", caller);
        out.append(Py.str(callValue(fn, args, kw, call.off())));
      }
      case Node.FilterBlock fb -> {
        StringBuilder sb = new StringBuilder();
        renderBody(fb.body(), scope, sb, loopDepth);
        Object v = sb.toString();
        for (Expr.Filter f : fb.filters()) v = applyFilter(f, v, scope);
        out.append(Py.str(v));
      }
      case Node.With w -> {
        Scope inner = new Scope(scope);
        for (int k = 0; k < w.names().size(); k++) inner.vars.put(w.names().get(k), eval(w.values().get(k), scope));
        renderBody(w.body(), inner, out, loopDepth);
      }
      case Node.Break b -> {
        if (loopDepth == 0) throw at(new TemplateException("'break' outside of a loop"), b.off());
        throw BREAK;
      }
      case Node.Continue c -> {
        if (loopDepth == 0) throw at(new TemplateException("'continue' outside of a loop"), c.off());
        throw CONTINUE;
      }
      case Node.Generation g -> renderBody(g.body(), scope, out, loopDepth);
    }
  }

  private List<Object> unpack(Object v, int n, int off) {
    List<Object> vals = Py.iterate(v);
    if (vals.size() != n) {
      throw at(new TemplateException("cannot unpack " + vals.size() + " values into " + n + " names"), off);
    }
    return vals;
  }

  private void assign(Expr target, Object v, Scope scope, int off) {
    switch (target) {
      case Expr.Name n -> scope.vars.put(n.name(), v);
      case Expr.GetAttr ga -> {
        Object obj = eval(ga.obj(), scope);
        if (!(obj instanceof Namespace ns)) {
          throw at(new TemplateException("cannot assign attribute on non-namespace object"), off);
        }
        ns.attrs.put(ga.name(), v);
      }
      default -> throw at(new TemplateException("cannot assign to this expression"), off);
    }
  }

  private void renderFor(Node.For f, Scope scope, StringBuilder out, int loopDepth) {
    Object iterable = eval(f.iter(), scope);
    renderLoop(f, iterable, scope, out, loopDepth, 0);
  }

  private void renderLoop(Node.For f, Object iterable, Scope scope, StringBuilder out, int loopDepth, int recursion) {
    List<Object> items;
    try {
      items = Py.iterate(iterable);
    } catch (TemplateException e) {
      throw at(e, f.off());
    }
    if (f.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        Scope s = new Scope(scope);
        bindTargets(f, item, s);
        if (Py.truthy(eval(f.filter(), s))) kept.add(item);
      }
      items = kept;
    }
    if (items.isEmpty()) {
      renderBody(f.elseBody(), scope, out, loopDepth);
      return;
    }
    Loop loop = new Loop(items, recursion);
    for (int k = 0; k < items.size(); k++) {
      if (++iterations > MAX_LOOP_ITERATIONS) {
        throw at(new TemplateException("template exceeds " + MAX_LOOP_ITERATIONS + " loop iterations"), f.off());
      }
      loop.index0 = k;
      Scope s = new Scope(scope);
      bindTargets(f, items.get(k), s);
      s.vars.put("loop", f.recursive() ? recursiveLoop(loop, f, scope, recursion) : loop);
      try {
        renderBody(f.body(), s, out, loopDepth + 1);
      } catch (ContinueSignal c) {
        // next item
      } catch (BreakSignal b) {
        break;
      }
    }
  }

  /** {@code loop(children)} inside a {@code recursive} for: a callable loop object. */
  private Object recursiveLoop(Loop loop, Node.For f, Scope scope, int recursion) {
    return new RecursiveLoop(loop, (args, kw) -> {
      StringBuilder sb = new StringBuilder();
      renderLoop(f, args.isEmpty() ? List.of() : args.getFirst(), scope, sb, 0, recursion + 1);
      return sb.toString();
    });
  }

  record RecursiveLoop(Loop loop, PyCallable call) implements PyCallable {
    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
      return call.call(args, kwargs);
    }
  }

  private void bindTargets(Node.For f, Object item, Scope s) {
    if (f.targets().size() == 1) {
      s.vars.put(f.targets().getFirst(), item);
    } else {
      List<Object> vals = unpack(item, f.targets().size(), f.off());
      for (int k = 0; k < vals.size(); k++) s.vars.put(f.targets().get(k), vals.get(k));
    }
  }

  private PyCallable macro(String name, List<String> params, List<Expr> defaults, List<Node> body, Scope defScope) {
    int firstDefault = params.size() - defaults.size();
    return (args, kwargs) -> {
      try {
        if (++depth > MAX_MACRO_DEPTH) throw new TemplateException("maximum macro recursion depth exceeded in '" + name + "'");
        Scope s = new Scope(defScope);
        Map<String, Object> kw = new LinkedHashMap<>(kwargs);
        List<Object> varargs = new ArrayList<>();
        for (int k = 0; k < args.size(); k++) {
          if (k < params.size()) s.vars.put(params.get(k), args.get(k));
          else varargs.add(args.get(k));
        }
        for (int k = args.size(); k < params.size(); k++) {
          String p = params.get(k);
          if (kw.containsKey(p)) {
            s.vars.put(p, kw.remove(p));
          } else if (k >= firstDefault) {
            s.vars.put(p, eval(defaults.get(k - firstDefault), s));
          } else {
            s.vars.put(p, new Undefined("parameter '" + p + "' was not provided"));
          }
        }
        if (kw.containsKey("caller")) s.vars.put("caller", kw.remove("caller"));
        s.vars.put("varargs", new Py.Tuple(varargs));
        s.vars.put("kwargs", kw);
        StringBuilder sb = new StringBuilder();
        renderBody(body, s, sb, 0);
        return sb.toString();
      } finally {
        depth--;
      }
    };
  }

  // ---- expressions

  Object eval(Expr e, Scope scope) {
    try {
      return evalInner(e, scope);
    } catch (TemplateException ex) {
      throw at(ex, e.off());
    } catch (ClassCastException | IndexOutOfBoundsException | ArithmeticException | NullPointerException
        | NumberFormatException | java.util.NoSuchElementException ex) {
      throw at(new TemplateException("invalid operation (" + ex.getClass().getSimpleName() + "): " + ex.getMessage()), e.off());
    }
  }

  private Object evalInner(Expr e, Scope scope) {
    return switch (e) {
      case Expr.Const c -> c.value();
      case Expr.Name n -> {
        Object v = scope.lookup(n.name());
        yield v == MISSING ? new Undefined("'" + n.name() + "' is undefined") : v;
      }
      case Expr.ListLit l -> {
        List<Object> out = new ArrayList<>();
        for (Expr x : l.items()) out.add(eval(x, scope));
        yield out;
      }
      case Expr.TupleLit l -> {
        List<Object> out = new ArrayList<>();
        for (Expr x : l.items()) out.add(eval(x, scope));
        yield new Py.Tuple(out);
      }
      case Expr.DictLit d -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int k = 0; k < d.keys().size(); k++) out.put(eval(d.keys().get(k), scope), eval(d.values().get(k), scope));
        yield out;
      }
      case Expr.GetAttr g -> Builtins.getattr(eval(g.obj(), scope), g.name());
      case Expr.GetItem g -> Builtins.getitem(eval(g.obj(), scope), eval(g.key(), scope));
      case Expr.Slice s -> Py.slice(eval(s.obj(), scope), evalOpt(s.start(), scope), evalOpt(s.stop(), scope), evalOpt(s.step(), scope));
      case Expr.Call c -> {
        Object fn = eval(c.fn(), scope);
        List<Object> args = new ArrayList<>();
        for (Expr a : c.args()) args.add(eval(a, scope));
        Map<String, Object> kw = new LinkedHashMap<>();
        for (int k = 0; k < c.kwNames().size(); k++) kw.put(c.kwNames().get(k), eval(c.kwValues().get(k), scope));
        yield callValue(fn, args, kw, c.off());
      }
      case Expr.Filter f -> applyFilter(f, eval(f.value(), scope), scope);
      case Expr.Test t -> {
        Object v = eval(t.value(), scope);
        List<Object> args = new ArrayList<>();
        for (Expr a : t.args()) args.add(eval(a, scope));
        boolean r = builtins.test(t.name(), v, args, this);
        yield t.negated() != r;
      }
      case Expr.Unary u -> {
        Object v = eval(u.operand(), scope);
        yield switch (u.op()) {
          case "not" -> !Py.truthy(v);
          case "-" -> switch (v) {
            case null -> throw new Py.TypeError("bad operand type for unary -: 'NoneType'");
            case Long l -> -l;
            case Double d -> -d;
            case Boolean b -> b ? -1L : 0L;
            default -> throw new Py.TypeError("bad operand type for unary -: '" + Py.typeName(v) + "'");
          };
          default -> {
            if (!Py.isNumber(v)) throw new Py.TypeError("bad operand type for unary +: '" + Py.typeName(v) + "'");
            yield v instanceof Boolean b ? (b ? 1L : 0L) : v;
          }
        };
      }
      case Expr.Binary b -> {
        if (b.op().equals("and")) {
          Object l = eval(b.left(), scope);
          yield Py.truthy(l) ? eval(b.right(), scope) : l;
        }
        if (b.op().equals("or")) {
          Object l = eval(b.left(), scope);
          yield Py.truthy(l) ? l : eval(b.right(), scope);
        }
        yield Builtins.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
      }
      case Expr.Compare c -> {
        Object left = eval(c.first(), scope);
        for (int k = 0; k < c.ops().size(); k++) {
          Object right = eval(c.rest().get(k), scope);
          boolean ok = switch (c.ops().get(k)) {
            case "==" -> Py.eq(left, right);
            case "!=" -> !Py.eq(left, right);
            case "<" -> Py.compare(left, right, "<") < 0;
            case ">" -> Py.compare(left, right, ">") > 0;
            case "<=" -> Py.compare(left, right, "<=") <= 0;
            case ">=" -> Py.compare(left, right, ">=") >= 0;
            case "in" -> Py.contains(right, left);
            default -> !Py.contains(right, left);
          };
          if (!ok) yield false;
          left = right;
        }
        yield true;
      }
      case Expr.Cond c -> {
        if (Py.truthy(eval(c.test(), scope))) yield eval(c.then(), scope);
        yield c.otherwise() == null ? new Undefined("the inline if-expression evaluated to false and no else section was defined")
            : eval(c.otherwise(), scope);
      }
    };
  }

  private Object evalOpt(Expr e, Scope scope) {
    return e == null ? null : eval(e, scope);
  }

  Object callValue(Object fn, List<Object> args, Map<String, Object> kw, int off) {
    if (fn instanceof PyCallable c) {
      try {
        return c.call(args, kw);
      } catch (TemplateException ex) {
        throw at(ex, off);
      }
    }
    if (fn instanceof Undefined u) throw at(u.error(), off);
    throw at(new Py.TypeError("'" + Py.typeName(fn) + "' object is not callable"), off);
  }

  private Object applyFilter(Expr.Filter f, Object value, Scope scope) {
    List<Object> args = new ArrayList<>();
    for (Expr a : f.args()) args.add(eval(a, scope));
    Map<String, Object> kw = new LinkedHashMap<>();
    for (int k = 0; k < f.kwNames().size(); k++) kw.put(f.kwNames().get(k), eval(f.kwValues().get(k), scope));
    try {
      return builtins.filter(f.name(), value, args, kw, this);
    } catch (TemplateException ex) {
      throw at(ex, f.off());
    }
  }
}
