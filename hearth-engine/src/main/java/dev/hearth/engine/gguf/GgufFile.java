package dev.hearth.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * An opened GGUF file: header, metadata and tensor infos parsed and validated, tensor bytes left in
 * place in a memory-mapped {@link MemorySegment} (no 2 GB ByteBuffer limit). Closing unmaps the
 * file; tensor segments obtained before then become inaccessible (access throws, it does not crash).
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final GgufReader.Header header;
    private final Map<String, GgufTensorInfo> tensorsByName;

    private GgufFile(Path path, Arena arena, MemorySegment segment, GgufReader.Header header) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.header = header;
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /** Maps {@code path} read-only and parses it. */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment segment = size == 0
                    ? MemorySegment.ofArray(new byte[0])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GgufReader.Header header;
            try {
                header = GgufReader.read(segment);
            } catch (GgufFormatException e) {
                throw new GgufFormatException(path + ": " + e.getMessage());
            }
            return new GgufFile(path, arena, segment, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Parses GGUF bytes already in memory. The caller keeps ownership of {@code segment}; closing
     * the returned file does nothing to it.
     */
    public static GgufFile parse(MemorySegment segment) throws GgufFormatException {
        return new GgufFile(null, null, segment, GgufReader.read(segment));
    }

    /** The file this was opened from, or empty when parsed from memory. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    public int version() {
        return header.version();
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** Byte alignment of tensor data ({@code general.alignment}, default 32). */
    public int alignment() {
        return header.alignment();
    }

    /** Absolute file offset where the tensor data section begins. */
    public long dataOffset() {
        return header.dataOffset();
    }

    public long byteSize() {
        return segment.byteSize();
    }

    /** The bytes of tensor {@code info}, a read-only slice of the mapping. */
    public MemorySegment tensorData(GgufTensorInfo info) {
        return segment.asSlice(header.dataOffset() + info.offset(), info.byteSize()).asReadOnly();
    }

    public MemorySegment tensorData(String name) {
        GgufTensorInfo info = tensorsByName.get(name);
        if (info == null) {
            throw new NoSuchElementException("no tensor named '" + name + "'" + (path == null ? "" : " in " + path));
        }
        return tensorData(info);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
