package dev.hearth.server.moderation;

import java.util.List;

/**
 * One binary classifier over sentence embeddings: {@code sigmoid(w·x + b)}, flagged at or above
 * {@code threshold}. Trained by {@link #train}: class-balanced, L2-regularised logistic regression by full-batch
 * gradient descent (deterministic: same data, same weights).
 */
public record LogisticHead(float[] weights, double bias, double threshold) {

  public double score(float[] x) {
    double z = bias;
    for (int i = 0; i < weights.length; i++) {
      z += weights[i] * x[i];
    }
    return 1 / (1 + Math.exp(-z));
  }

  public LogisticHead withThreshold(double t) {
    return new LogisticHead(weights, bias, t);
  }

  static LogisticHead train(List<float[]> xs, boolean[] ys, double l2, int iterations, double learningRate) {
    int n = xs.size();
    int d = xs.getFirst().length;
    int positives = 0;
    for (boolean y : ys) {
      positives += y ? 1 : 0;
    }
    int negatives = n - positives;
    // Each class carries half the loss, however few examples it has.
    double wPos = positives == 0 ? 0 : 0.5 / positives;
    double wNeg = negatives == 0 ? 0 : 0.5 / negatives;
    double[] w = new double[d];
    double b = 0;
    double[] grad = new double[d];
    for (int it = 0; it < iterations; it++) {
      java.util.Arrays.fill(grad, 0);
      double gb = 0;
      for (int i = 0; i < n; i++) {
        float[] x = xs.get(i);
        double z = b;
        for (int j = 0; j < d; j++) {
          z += w[j] * x[j];
        }
        double p = 1 / (1 + Math.exp(-z));
        double g = (p - (ys[i] ? 1 : 0)) * (ys[i] ? wPos : wNeg);
        for (int j = 0; j < d; j++) {
          grad[j] += g * x[j];
        }
        gb += g;
      }
      for (int j = 0; j < d; j++) {
        w[j] -= learningRate * (grad[j] + l2 * w[j]);
      }
      b -= learningRate * gb;
    }
    float[] wf = new float[d];
    for (int j = 0; j < d; j++) {
      wf[j] = (float) w[j];
    }
    return new LogisticHead(wf, b, 0.5);
  }
}
