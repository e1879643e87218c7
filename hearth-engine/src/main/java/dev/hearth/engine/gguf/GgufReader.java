package dev.hearth.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the GGUF header (magic, version, metadata, tensor infos) from a memory segment and checks
 * every count, length, offset and size against the bytes that are there before using it, so a
 * truncated or corrupt file ends in a {@link GgufFormatException}, never in a huge allocation or an
 * out-of-bounds access. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */
final class GgufReader {

    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_DIMS. */
    static final int MAX_DIMS = 4;
    /** ggml's GGML_MAX_NAME, including the terminating NUL. */
    static final int MAX_TENSOR_NAME = 64;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What the header says: everything but the tensor bytes. */
    record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {}

    private final MemorySegment segment;
    private final long size;
    private long pos;

    private GgufReader(MemorySegment segment) {
        this.segment = segment;
        this.size = segment.byteSize();
    }

    static Header read(MemorySegment segment) throws GgufFormatException {
        return new GgufReader(segment).header();
    }

    private Header header() throws GgufFormatException {
        if (size < 4) {
            throw new GgufFormatException("not a GGUF file: " + size + " bytes is too short for the magic number");
        }
        int magic = segment.get(U32, 0);
        if (magic != MAGIC) {
            throw new GgufFormatException(String.format(
                    "not a GGUF file: magic is 0x%08x, expected 0x%08x (\"GGUF\")", magic, MAGIC));
        }
        pos = 4;
        int version = u32("version");
        if (version == 1) {
            throw new GgufFormatException("unsupported GGUF version 1 (32-bit lengths); convert the file to version 3");
        }
        if (version != 2 && version != 3) {
            if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
                throw new GgufFormatException("unsupported big-endian GGUF file (version field reads "
                        + Integer.toUnsignedString(version) + ")");
            }
            throw new GgufFormatException("unsupported GGUF version " + Integer.toUnsignedString(version)
                    + " (supported: 2, 3)");
        }
        long tensorCount = u64("tensor count");
        long kvCount = u64("metadata count");
        // each metadata entry takes at least 8 (key length) + 4 (type) + 1 bytes
        if (kvCount < 0 || kvCount > remaining() / 13) {
            throw new GgufFormatException("corrupt header: metadata count " + Long.toUnsignedString(kvCount)
                    + " cannot fit in the " + remaining() + " bytes left after offset " + pos);
        }
        Map<String, GgufValue> entries = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long entryStart = pos;
            String key = string("key of metadata entry " + i);
            GgufValueType type = valueType("type of metadata '" + key + "'");
            GgufValue value = value(key, type);
            if (entries.putIfAbsent(key, value) != null) {
                throw new GgufFormatException("corrupt metadata: duplicate key '" + key + "' at offset " + entryStart);
            }
        }
        GgufMetadata metadata = new GgufMetadata(entries);
        int alignment = alignment(metadata);

        // each tensor info takes at least 8 (name length) + 4 (n_dims) + 4 (type) + 8 (offset) bytes
        if (tensorCount < 0 || tensorCount > remaining() / 24) {
            throw new GgufFormatException("corrupt header: tensor count " + Long.toUnsignedString(tensorCount)
                    + " cannot fit in the " + remaining() + " bytes left after offset " + pos);
        }
        List<GgufTensorInfo> tensors = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo info = tensorInfo(i, alignment);
            if (!names.add(info.name())) {
                throw new GgufFormatException("corrupt tensor infos: duplicate tensor name '" + info.name() + "'");
            }
            tensors.add(info);
        }
        long dataOffset = alignUp(pos, alignment);
        if (!tensors.isEmpty() && dataOffset > size) {
            throw new GgufFormatException("truncated file: tensor data would start at offset " + dataOffset
                    + " but the file has " + size + " bytes");
        }
        checkTensorExtents(tensors, dataOffset);
        return new Header(version, metadata, List.copyOf(tensors), alignment, dataOffset);
    }

    private static int alignment(GgufMetadata metadata) throws GgufFormatException {
        GgufValue v = metadata.entries().get("general.alignment");
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (v.type() != GgufValueType.UINT32) {
            throw new GgufFormatException("corrupt metadata: general.alignment must be UINT32, got " + v.type());
        }
        int a = (Integer) v.value();
        if (a <= 0 || Integer.bitCount(a) != 1) {
            throw new GgufFormatException("corrupt metadata: general.alignment " + Integer.toUnsignedString(a)
                    + " is not a power of two");
        }
        return a;
    }

    private GgufTensorInfo tensorInfo(long index, int alignment) throws GgufFormatException {
        long start = pos;
        String name = string("name of tensor " + index);
        if (name.getBytes(StandardCharsets.UTF_8).length >= MAX_TENSOR_NAME) {
            throw new GgufFormatException("corrupt tensor info at offset " + start + ": tensor name is longer than "
                    + (MAX_TENSOR_NAME - 1) + " bytes");
        }
        int nDims = u32("dimension count of tensor '" + name + "'");
        if (nDims < 0 || nDims > MAX_DIMS) {
            throw new GgufFormatException("corrupt tensor info: tensor '" + name + "' has "
                    + Integer.toUnsignedString(nDims) + " dimensions (at most " + MAX_DIMS + ")");
        }
        long[] shape = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            shape[d] = u64("dimension " + d + " of tensor '" + name + "'");
            if (shape[d] < 0) {
                throw new GgufFormatException("corrupt tensor info: tensor '" + name + "' dimension " + d + " is "
                        + Long.toUnsignedString(shape[d]));
            }
            try {
                elements = Math.multiplyExact(elements, shape[d]);
            } catch (ArithmeticException e) {
                throw new GgufFormatException("corrupt tensor info: tensor '" + name + "' has more than 2^63 elements");
            }
        }
        int typeId = u32("type of tensor '" + name + "'");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw new GgufFormatException("unsupported tensor type " + Integer.toUnsignedString(typeId)
                    + " for tensor '" + name + "'");
        }
        if (nDims > 0 && shape[0] % type.blockSize() != 0) {
            throw new GgufFormatException("corrupt tensor info: tensor '" + name + "' of type " + type
                    + " has row length " + shape[0] + ", not a multiple of the block size " + type.blockSize());
        }
        long offset = u64("data offset of tensor '" + name + "'");
        if (offset < 0 || offset % alignment != 0) {
            throw new GgufFormatException("corrupt tensor info: tensor '" + name + "' data offset "
                    + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, shape, type, offset);
    }

    private void checkTensorExtents(List<GgufTensorInfo> tensors, long dataOffset) throws GgufFormatException {
        long dataSize = size - dataOffset;
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        long previousEnd = 0;
        String previousName = null;
        for (GgufTensorInfo t : byOffset) {
            long bytes;
            try {
                bytes = t.byteSize();
            } catch (ArithmeticException e) {
                throw new GgufFormatException("corrupt tensor info: tensor '" + t.name() + "' is too large");
            }
            if (t.offset() > dataSize || bytes > dataSize - t.offset()) {
                throw new GgufFormatException("truncated file: tensor '" + t.name() + "' needs bytes "
                        + (dataOffset + t.offset()) + ".." + (dataOffset + t.offset() + bytes)
                        + " but the file has " + size + " bytes");
            }
            if (t.offset() < previousEnd) {
                throw new GgufFormatException("corrupt tensor infos: tensor '" + t.name() + "' overlaps tensor '"
                        + previousName + "'");
            }
            previousEnd = t.offset() + bytes;
            previousName = t.name();
        }
    }

    private GgufValue value(String key, GgufValueType type) throws GgufFormatException {
        String what = "value of metadata '" + key + "'";
        return switch (type) {
            case UINT8, INT8 -> new GgufValue(type, u8(what));
            case UINT16, INT16 -> new GgufValue(type, u16(what));
            case UINT32, INT32 -> new GgufValue(type, u32(what));
            case UINT64, INT64 -> new GgufValue(type, u64(what));
            case FLOAT32 -> { need(4, what); float f = segment.get(F32, pos); pos += 4; yield new GgufValue(type, f); }
            case FLOAT64 -> { need(8, what); double d = segment.get(F64, pos); pos += 8; yield new GgufValue(type, d); }
            case BOOL -> new GgufValue(type, u8(what) != 0);
            case STRING -> new GgufValue(type, string(what));
            case ARRAY -> new GgufValue(type, array(key));
        };
    }

    private GgufArray array(String key) throws GgufFormatException {
        GgufValueType elementType = valueType("element type of array '" + key + "'");
        if (elementType == GgufValueType.ARRAY) {
            throw new GgufFormatException("unsupported metadata: '" + key + "' is an array of arrays");
        }
        long count = u64("length of array '" + key + "'");
        if (count < 0 || count > remaining() / elementType.minimumSize()) {
            throw new GgufFormatException("truncated or corrupt metadata: array '" + key + "' claims "
                    + Long.toUnsignedString(count) + " " + elementType + " elements but only " + remaining()
                    + " bytes remain at offset " + pos);
        }
        int n = (int) count; // bounded by remaining bytes, and strings need 8 bytes each
        String what = "array '" + key + "'";
        if (elementType.fixedSize() > 0) {
            need((long) n * elementType.fixedSize(), what);
        }
        Object values = switch (elementType) {
            case UINT8, INT8 -> { byte[] a = new byte[n]; MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, pos, a, 0, n); yield a; }
            case UINT16, INT16 -> { short[] a = new short[n]; MemorySegment.copy(segment, U16, pos, a, 0, n); yield a; }
            case UINT32, INT32 -> { int[] a = new int[n]; MemorySegment.copy(segment, U32, pos, a, 0, n); yield a; }
            case UINT64, INT64 -> { long[] a = new long[n]; MemorySegment.copy(segment, U64, pos, a, 0, n); yield a; }
            case FLOAT32 -> { float[] a = new float[n]; MemorySegment.copy(segment, F32, pos, a, 0, n); yield a; }
            case FLOAT64 -> { double[] a = new double[n]; MemorySegment.copy(segment, F64, pos, a, 0, n); yield a; }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = segment.get(ValueLayout.JAVA_BYTE, pos + i) != 0;
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(what + " element " + i);
                }
                yield a;
            }
            case ARRAY -> throw new AssertionError();
        };
        if (elementType.fixedSize() > 0) {
            pos += (long) n * elementType.fixedSize();
        }
        return new GgufArray(elementType, values);
    }

    private GgufValueType valueType(String what) throws GgufFormatException {
        long at = pos;
        int id = u32(what);
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw new GgufFormatException("corrupt metadata: unknown value type " + Integer.toUnsignedString(id)
                    + " for " + what + " at offset " + at);
        }
        return type;
    }

    private String string(String what) throws GgufFormatException {
        long length = u64("length of " + what);
        if (length < 0 || length > remaining() || length > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException("truncated or corrupt file: " + what + " claims "
                    + Long.toUnsignedString(length) + " bytes at offset " + (pos - 8) + " but only " + remaining()
                    + " remain");
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        pos += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private byte u8(String what) throws GgufFormatException {
        need(1, what);
        return segment.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short u16(String what) throws GgufFormatException {
        need(2, what);
        short v = segment.get(U16, pos);
        pos += 2;
        return v;
    }

    private int u32(String what) throws GgufFormatException {
        need(4, what);
        int v = segment.get(U32, pos);
        pos += 4;
        return v;
    }

    private long u64(String what) throws GgufFormatException {
        need(8, what);
        long v = segment.get(U64, pos);
        pos += 8;
        return v;
    }

    private long remaining() {
        return size - pos;
    }

    private void need(long bytes, String what) throws GgufFormatException {
        if (bytes > remaining()) {
            throw new GgufFormatException("truncated file: reading " + what + " needs " + bytes + " bytes at offset "
                    + pos + " but the file ends at " + size);
        }
    }

    static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) & -(long) alignment;
    }
}
