package dev.hearth.engine.tensor;

import dev.hearth.engine.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * What the float types (F32, F16, BF16) share: their one-row kernels take one FMA chain over a
 * row's vector steps in natural order and sum its lanes in order, and batches run on float panels
 * in natural order ({@link Panel#multiplyNatural}) with the same arithmetic per output, so every
 * row stays bitwise what it is alone, for rows that are whole vector steps (other widths take the
 * types' 4-row tiles). Each type fills the panel itself ({@link #dequantizeRows}): a loop shared
 * here would call a per-type load that C2 cannot inline once three types share it.
 */
abstract sealed class FloatTypeTensor extends FloatTensor permits F32Tensor, F16Tensor, BF16Tensor {

    FloatTypeTensor(MemorySegment data, long size, GgmlType type) {
        super(data, size, type);
    }

    @Override
    final boolean panelKernels(int cols) {
        return Vectors.QUANTIZED_ENABLED && cols % Vectors.LANES == 0;
    }

    @Override
    final float[] panelInput(Activation x) {
        return ((Activation.Floats) x).values();
    }

    @Override
    final void multiplyPanel(float[] w, int rows, int cols, float[][] xs, int n, float[] out, int base, int outStride) {
        Panel.multiplyNatural(w, rows, cols, xs, n, out, base, outStride);
    }
}
