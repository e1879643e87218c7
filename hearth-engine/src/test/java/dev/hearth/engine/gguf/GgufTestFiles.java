package dev.hearth.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

/** Small in-memory GGUF files covering every value type, for reader/writer tests. */
final class GgufTestFiles {

    private GgufTestFiles() {}

    static GgufWriter everyValueType(int alignment) {
        GgufWriter w = new GgufWriter();
        if (alignment != 32) {
            w.putUint32("general.alignment", alignment);
        }
        w.putString("general.architecture", "llama");
        w.put("t.u8", new GgufValue(GgufValueType.UINT8, (byte) 0xfe));
        w.put("t.i8", new GgufValue(GgufValueType.INT8, (byte) -3));
        w.put("t.u16", new GgufValue(GgufValueType.UINT16, (short) 0xfffe));
        w.put("t.i16", new GgufValue(GgufValueType.INT16, (short) -300));
        w.put("t.u32", GgufValue.ofUint32(0xfffffffe));
        w.put("t.i32", GgufValue.ofInt32(-70000));
        w.put("t.f32", GgufValue.ofFloat32(1.5e-5f));
        w.put("t.bool", GgufValue.ofBool(true));
        w.put("t.string", GgufValue.ofString("héllo ▁ 🦙"));
        w.put("t.u64", GgufValue.ofUint64(-2L));
        w.put("t.i64", new GgufValue(GgufValueType.INT64, Long.MIN_VALUE));
        w.put("t.f64", new GgufValue(GgufValueType.FLOAT64, Math.PI));
        w.putArray("a.u8", new GgufArray(GgufValueType.UINT8, new byte[] {1, (byte) 255}));
        w.putArray("a.i8", new GgufArray(GgufValueType.INT8, new byte[] {-1, 2}));
        w.putArray("a.u16", new GgufArray(GgufValueType.UINT16, new short[] {1, -1}));
        w.putArray("a.i16", new GgufArray(GgufValueType.INT16, new short[] {-2, 3}));
        w.putArray("a.u32", new GgufArray(GgufValueType.UINT32, new int[] {7, -1}));
        w.putArray("a.i32", GgufArray.ofInt32(1, 2, 3));
        w.putArray("a.f32", GgufArray.ofFloat32(0.5f, -0f, Float.NaN));
        w.putArray("a.bool", new GgufArray(GgufValueType.BOOL, new boolean[] {true, false}));
        w.putArray("a.string", GgufArray.ofStrings("a", "", "Ġthe", "<0x0A>"));
        w.putArray("a.u64", new GgufArray(GgufValueType.UINT64, new long[] {Long.MAX_VALUE}));
        w.putArray("a.i64", new GgufArray(GgufValueType.INT64, new long[] {-5}));
        w.putArray("a.f64", new GgufArray(GgufValueType.FLOAT64, new double[] {1e300}));
        w.putArray("a.empty", GgufArray.ofStrings());
        Random random = new Random(42);
        w.addTensor("f32", GgmlType.F32, new long[] {3, 2}, randomBytes(random, 24));
        w.addTensor("q8", GgmlType.Q8_0, new long[] {64, 2}, randomBytes(random, 4 * 34));
        w.addTensor("q4", GgmlType.Q4_0, new long[] {32}, randomBytes(random, 18));
        w.addTensor("scalar", GgmlType.F16, new long[] {}, randomBytes(random, 2));
        w.addTensor("empty", GgmlType.F32, new long[] {0, 4}, new byte[0]);
        return w;
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] bytes(GgufWriter writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeTo(out);
        return out.toByteArray();
    }
}
