package attnscope.synth;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The weights of a graph as ONNX external data: every float32 tensor gets an offset in one
 * {@code model.onnx.data} file, and its values are generated chunk by chunk while the file is
 * written, so no tensor (the 544 MB embedding of Qwen2.5 included) is ever held whole in memory.
 */
final class WeightFile {
    /** Tensors of 1 MiB and more start on a 64 KiB boundary (mmap granularity on every OS), the rest on 64 bytes. */
    private static final long LARGE_TENSOR_BYTES = 1 << 20;
    private static final long LARGE_ALIGNMENT = 1 << 16;
    private static final long SMALL_ALIGNMENT = 64;
    private static final int CHUNK_FLOATS = 1 << 20;

    /** Produces a tensor's values in row-major order, a chunk at a time. */
    interface Values {
        /** Writes the next {@code count} values into {@code chunk[0..count)}. */
        void next(float[] chunk, int count);
    }

    private record Entry(String name, long offset, long count, boolean half, Supplier<Values> values, Supplier<byte[]> bytes) {
    }

    private final String location;
    private final List<Entry> entries = new ArrayList<>();
    private long size;

    /** @param location the data file's name relative to model.onnx, stored in every tensor */
    WeightFile(String location) {
        this.location = location;
    }

    /** Reserves room for a float32 tensor and returns its initializer, pointing into the data file. */
    TensorProto add(String name, long[] dims, Supplier<Values> values) {
        return add(name, dims, TensorProto.DataType.FLOAT, values);
    }

    /**
     * Reserves room for a tensor of {@code type} (FLOAT, or FLOAT16: the generated floats rounded to
     * nearest) and returns its initializer, pointing into the data file.
     */
    TensorProto add(String name, long[] dims, TensorProto.DataType type, Supplier<Values> values) {
        if (type != TensorProto.DataType.FLOAT && type != TensorProto.DataType.FLOAT16) {
            throw new IllegalArgumentException("weights are FLOAT or FLOAT16, not " + type);
        }
        boolean half = type == TensorProto.DataType.FLOAT16;
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        long bytes = count * (half ? Short.BYTES : Float.BYTES);
        long alignment = bytes >= LARGE_TENSOR_BYTES ? LARGE_ALIGNMENT : SMALL_ALIGNMENT;
        long offset = (size + alignment - 1) / alignment * alignment;
        entries.add(new Entry(name, offset, count, half, values, null));
        size = offset + bytes;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(type.getNumber())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(bytes)));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /**
     * Reserves room for a tensor of 8-bit integers ({@code type} UINT8 or INT8), whose bytes {@code bytes}
     * makes when the file is written (quantized weights, computed from the whole float matrix).
     */
    TensorProto addBytes(String name, long[] dims, TensorProto.DataType type, Supplier<byte[]> bytes) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        long alignment = count >= LARGE_TENSOR_BYTES ? LARGE_ALIGNMENT : SMALL_ALIGNMENT;
        long offset = (size + alignment - 1) / alignment * alignment;
        entries.add(new Entry(name, offset, count, false, null, bytes));
        size = offset + count;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(count)));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** The final size of the data file in bytes. */
    long size() {
        return size;
    }

    /** Writes every tensor at its offset (zero padding in between), reporting progress as it goes. */
    void write(Path file, ProgressListener progress) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = buffer.asFloatBuffer();
        float[] chunk = new float[CHUNK_FLOATS];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long position = 0;
            progress.progress(0, size);
            for (Entry e : entries) {
                position = pad(ch, buffer, position, e.offset());
                if (e.bytes() != null) {
                    byte[] raw = e.bytes().get();
                    if (raw.length != e.count()) {
                        throw new IllegalStateException(e.name() + ": " + raw.length + " bytes made, " + e.count() + " reserved");
                    }
                    ByteBuffer b = ByteBuffer.wrap(raw);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    position += raw.length;
                    progress.progress(position, size);
                    continue;
                }
                Values values = e.values().get();
                for (long done = 0; done < e.count(); ) {
                    int n = (int) Math.min(CHUNK_FLOATS, e.count() - done);
                    values.next(chunk, n);
                    int bytes = n * (e.half() ? Short.BYTES : Float.BYTES);
                    if (e.half()) {
                        buffer.clear();
                        for (int j = 0; j < n; j++) {
                            buffer.putShort(j * Short.BYTES, Float16.fromFloat(chunk[j]));
                        }
                    } else {
                        floats.clear();
                        floats.put(chunk, 0, n);
                    }
                    buffer.clear().limit(bytes);
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                    done += n;
                    position += bytes;
                    progress.progress(position, size);
                }
            }
        }
    }

    private static long pad(FileChannel ch, ByteBuffer buffer, long position, long target) throws IOException {
        if (position < target) {
            buffer.clear();
            for (int i = 0; i < target - position; i++) {
                buffer.put(i, (byte) 0);
            }
            buffer.limit((int) (target - position));
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
        }
        return target;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
