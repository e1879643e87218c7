package dev.hearth.server.embeddings;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session of a BERT-style encoder: pads a batch to its longest input, runs it,
 * pools ({@link Pooling}) and L2-normalises, exactly as sentence-transformers' Pooling and
 * Normalize modules do. {@link #run} may be called from several threads (ORT sessions are
 * thread-safe), but the batcher gives each session one thread.
 */
final class OnnxEncoder implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Pooling pooling;
  private final boolean wantsTypeIds;
  private final String output;
  private final int dimensions;

  OnnxEncoder(OnnxModelFiles files, int intraOpThreads) {
    this.env = NativeLibraries.ortEnvironment(); // not OrtEnvironment.getEnvironment(): see there
    this.pooling = files.pooling();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (intraOpThreads > 0) {
        options.setIntraOpNumThreads(intraOpThreads);
      }
      options.setInterOpNumThreads(1);
      this.session = files.onnxBytes() != null
          ? env.createSession(files.onnxBytes(), options)
          : env.createSession(files.onnxPath().toString(), options);
      this.wantsTypeIds = session.getInputNames().contains("token_type_ids");
      Map<String, NodeInfo> outputs = session.getOutputInfo();
      this.output = outputs.containsKey("last_hidden_state") ? "last_hidden_state" : outputs.keySet().iterator().next();
      long[] shape = ((TensorInfo) outputs.get(output).getInfo()).getShape();
      this.dimensions = (int) shape[shape.length - 1];
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load ONNX model " + files.source() + ": " + e.getMessage(), e);
    }
  }

  int dimensions() {
    return dimensions;
  }

  /** One unit vector per input. */
  float[][] run(List<TokenizedInput> batch) {
    int n = batch.size();
    int len = 0;
    for (TokenizedInput t : batch) {
      len = Math.max(len, t.length());
    }
    long[] ids = new long[n * len];
    long[] mask = new long[n * len];
    long[] types = new long[n * len];
    for (int b = 0; b < n; b++) {
      TokenizedInput t = batch.get(b);
      System.arraycopy(t.ids(), 0, ids, b * len, t.length());
      System.arraycopy(t.typeIds(), 0, types, b * len, t.length());
      java.util.Arrays.fill(mask, b * len, b * len + t.length(), 1L);
    }
    long[] shape = {n, len};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (wantsTypeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      }
      try (OrtSession.Result result = session.run(inputs, java.util.Set.of(output))) {
        OnnxTensor tensor = (OnnxTensor) result.get(0);
        long[] outShape = tensor.getInfo().getShape();
        FloatBuffer out = tensor.getFloatBuffer();
        return outShape.length == 2 ? pooled(out, n) : pool(out, batch, len);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** The model already returns one vector per input (a sentence_embedding output). */
  private float[][] pooled(FloatBuffer out, int n) {
    float[][] vectors = new float[n][dimensions];
    for (int b = 0; b < n; b++) {
      out.get(b * dimensions, vectors[b]);
      Vectors.normalize(vectors[b]);
    }
    return vectors;
  }

  private float[][] pool(FloatBuffer out, List<TokenizedInput> batch, int len) {
    int n = batch.size();
    int d = dimensions;
    float[][] vectors = new float[n][d];
    float[] row = new float[d];
    for (int b = 0; b < n; b++) {
      float[] v = vectors[b];
      int base = b * len * d;
      if (pooling == Pooling.CLS) {
        out.get(base, v);
      } else {
        // sentence-transformers: sum(token * mask) / clamp(sum(mask), min=1e-9); padding has mask 0.
        int tokens = batch.get(b).length();
        double[] sum = new double[d];
        for (int t = 0; t < tokens; t++) {
          out.get(base + t * d, row);
          for (int i = 0; i < d; i++) {
            sum[i] += row[i];
          }
        }
        double count = Math.max(tokens, 1e-9);
        for (int i = 0; i < d; i++) {
          v[i] = (float) (sum[i] / count);
        }
      }
      Vectors.normalize(v);
    }
    return vectors;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
