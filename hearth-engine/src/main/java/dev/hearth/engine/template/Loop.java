package dev.hearth.engine.template;

import java.util.List;

/** The {@code loop} variable of a {@code for} block. */
final class Loop {
  final List<Object> items;
  final int depth0;
  int index0;
  private static final Object NONE_YET = new Object();
  private Object lastChanged = NONE_YET;

  Loop(List<Object> items, int depth0) {
    this.items = items;
    this.depth0 = depth0;
  }

  Object attr(String name) {
    int n = items.size();
    return switch (name) {
      case "index" -> (long) index0 + 1;
      case "index0" -> (long) index0;
      case "revindex" -> (long) (n - index0);
      case "revindex0" -> (long) (n - index0 - 1);
      case "first" -> index0 == 0;
      case "last" -> index0 == n - 1;
      case "length" -> (long) n;
      case "depth" -> (long) depth0 + 1;
      case "depth0" -> (long) depth0;
      case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Py.Undefined("there is no previous item");
      case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : new Py.Undefined("there is no next item");
      case "cycle" -> (Py.PyCallable) (args, kw) -> {
        if (args.isEmpty()) throw new TemplateException("no items for cycling given");
        return args.get(index0 % args.size());
      };
      case "changed" -> (Py.PyCallable) (args, kw) -> {
        Object v = args.size() == 1 ? args.getFirst() : args;
        if (lastChanged != NONE_YET && Py.eq(lastChanged, v)) return false;
        lastChanged = v;
        return true;
      };
      default -> new Py.Undefined("'LoopContext' object has no attribute '" + name + "'");
    };
  }
}
