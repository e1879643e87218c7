package dev.hearth.engine.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a GGUF version 3 file: metadata in insertion order, then tensor infos, then tensor data,
 * each tensor starting at a multiple of the alignment ({@code general.alignment} if set, else 32)
 * and padded to it, as ggml's gguf writer does.
 */
public final class GgufWriter {

    /** A tensor's bytes produced when the file is written (so a large model never sits in memory whole). */
    @FunctionalInterface
    public interface TensorBytes {
        void writeTo(OutputStream out) throws IOException;
    }

    private record PendingTensor(String name, GgmlType type, long[] shape, long byteSize, MemorySegment data,
            TensorBytes source) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.equals("general.alignment")) {
            if (value.type() != GgufValueType.UINT32 || Integer.bitCount((Integer) value.value()) != 1) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 power of two, got " + value);
            }
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValue.ofString(value));
    }

    public GgufWriter putUint32(String key, int value) {
        return put(key, GgufValue.ofUint32(value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValue.ofFloat32(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValue.ofBool(value));
    }

    public GgufWriter putArray(String key, GgufArray value) {
        return put(key, GgufValue.ofArray(value));
    }

    public GgufWriter putAll(GgufMetadata source) {
        source.entries().forEach(this::put);
        return this;
    }

    /**
     * Adds a tensor. {@code shape} is in ggml order ({@code shape[0]} contiguous); {@code data} must
     * hold exactly the bytes the type and shape call for.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        return add(name, type, shape, data.byteSize(), data, null);
    }

    /**
     * Adds a tensor whose {@code byteSize} bytes {@code source} writes when the file is written
     * (writing fails if it writes another number of bytes).
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, long byteSize, TensorBytes source) {
        return add(name, type, shape, byteSize, null, Objects.requireNonNull(source, "source"));
    }

    private GgufWriter add(String name, GgmlType type, long[] shape, long byteSize, MemorySegment data,
            TensorBytes source) {
        Objects.requireNonNull(type, "type");
        if (name.getBytes(StandardCharsets.UTF_8).length >= GgufReader.MAX_TENSOR_NAME) {
            throw new IllegalArgumentException("tensor name longer than " + (GgufReader.MAX_TENSOR_NAME - 1)
                    + " bytes: " + name);
        }
        if (shape.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length + " dimensions");
        }
        if (tensorNames.contains(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in tensor '" + name + "'");
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (shape.length > 0 && shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long expected = type.byteSize(elements);
        if (byteSize != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + " and " + elements
                    + " elements needs " + expected + " bytes, got " + byteSize);
        }
        tensorNames.add(name);
        tensors.add(new PendingTensor(name, type, shape.clone(), byteSize, data, source));
        return this;
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        return addTensor(name, type, shape, MemorySegment.ofArray(data));
    }

    public void write(Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            writeTo(out);
        }
    }

    public void writeTo(OutputStream target) throws IOException {
        int alignment = metadata.containsKey("general.alignment")
                ? (Integer) metadata.get("general.alignment").value()
                : GgufReader.DEFAULT_ALIGNMENT;
        LittleEndianOutput out = new LittleEndianOutput(new BufferedOutputStream(target, 1 << 16));
        out.u32(GgufReader.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            writeValue(out, e.getValue().type(), e.getValue().value());
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            out.string(t.name());
            out.u32(t.shape().length);
            for (long d : t.shape()) {
                out.u64(d);
            }
            out.u32(t.type().id());
            out.u64(offset);
            offset = GgufReader.alignUp(offset + t.byteSize(), alignment);
        }
        out.pad(alignment);
        for (PendingTensor t : tensors) {
            if (t.data() != null) {
                out.segment(t.data());
            } else {
                long before = out.position;
                t.source().writeTo(out.stream());
                if (out.position - before != t.byteSize()) {
                    throw new IllegalStateException("tensor '" + t.name() + "' wrote " + (out.position - before)
                            + " bytes, expected " + t.byteSize());
                }
            }
            out.pad(alignment);
        }
        out.flush();
    }

    private static void writeValue(LittleEndianOutput out, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.u8((Byte) value);
            case UINT16, INT16 -> out.u16((Short) value);
            case UINT32, INT32 -> out.u32((Integer) value);
            case UINT64, INT64 -> out.u64((Long) value);
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) value));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) value));
            case BOOL -> out.u8((byte) ((Boolean) value ? 1 : 0));
            case STRING -> out.string((String) value);
            case ARRAY -> {
                GgufArray array = (GgufArray) value;
                out.u32(array.elementType().id());
                out.u64(array.length());
                switch (array.values()) {
                    case byte[] a -> { for (byte v : a) out.u8(v); }
                    case short[] a -> { for (short v : a) out.u16(v); }
                    case int[] a -> { for (int v : a) out.u32(v); }
                    case long[] a -> { for (long v : a) out.u64(v); }
                    case float[] a -> { for (float v : a) out.u32(Float.floatToRawIntBits(v)); }
                    case double[] a -> { for (double v : a) out.u64(Double.doubleToRawLongBits(v)); }
                    case boolean[] a -> { for (boolean v : a) out.u8((byte) (v ? 1 : 0)); }
                    case String[] a -> { for (String v : a) out.string(v); }
                    default -> throw new AssertionError(array.values().getClass());
                }
            }
        }
    }

    /** Little-endian primitive output that counts bytes, for padding to the alignment. */
    private static final class LittleEndianOutput {
        private final OutputStream out;
        private long position;
        private final byte[] scratch = new byte[8];

        LittleEndianOutput(OutputStream out) {
            this.out = out;
        }

        void u8(byte v) throws IOException {
            out.write(v);
            position++;
        }

        void u16(short v) throws IOException {
            le(v, 2);
        }

        void u32(int v) throws IOException {
            le(v, 4);
        }

        void u64(long v) throws IOException {
            le(v, 8);
        }

        private void le(long v, int bytes) throws IOException {
            for (int i = 0; i < bytes; i++) {
                scratch[i] = (byte) (v >>> (8 * i));
            }
            out.write(scratch, 0, bytes);
            position += bytes;
        }

        void string(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            out.write(bytes);
            position += bytes.length;
        }

        void segment(MemorySegment data) throws IOException {
            byte[] chunk = new byte[(int) Math.min(data.byteSize(), 1 << 20)];
            for (long off = 0; off < data.byteSize(); off += chunk.length) {
                int n = (int) Math.min(chunk.length, data.byteSize() - off);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, chunk, 0, n);
                out.write(chunk, 0, n);
            }
            position += data.byteSize();
        }

        /** A view that counts what is written through it. */
        OutputStream stream() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    position++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    position += len;
                }
            };
        }

        void pad(int alignment) throws IOException {
            long target = GgufReader.alignUp(position, alignment);
            while (position < target) {
                u8((byte) 0);
            }
        }

        void flush() throws IOException {
            out.flush();
        }
    }
}
