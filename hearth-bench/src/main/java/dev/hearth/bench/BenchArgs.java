package dev.hearth.bench;

import java.util.Arrays;
import java.util.List;

/** Command-line options and percentiles shared by the benchmarks ({@code --name value} pairs). */
public final class BenchArgs {
  private BenchArgs() {}

  public static String stringArg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  public static int intArg(String[] args, String name, int fallback) {
    String v = stringArg(args, name, null);
    return v == null ? fallback : Integer.parseInt(v);
  }

  /** The {@code p}-th percentile (nearest rank) of {@code values}. */
  public static double pct(List<Double> values, double p) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v[Math.max(0, Math.min(v.length - 1, (int) Math.ceil(p / 100 * v.length) - 1))];
  }
}
