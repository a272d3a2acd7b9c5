package attnscope.onnx;

import attnscope.InputException;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rewrites an ONNX model as a small graph file plus one external weight file
 * ({@code model.onnx} + {@code model.onnx.data}), streaming: the weights pass through in chunks
 * of a few MiB, so a model near the 2 GB protobuf limit never sits in one Java array
 * (a {@code byte[]} holds at most 2³¹−1 bytes, and protobuf-java refuses messages above 64 MiB
 * unless told otherwise).
 *
 * <p>The ModelProto is read field by field with protobuf's wire format. Every field is copied
 * unchanged except the graph's initializers ({@code GraphProto.initializer}, field 5): a
 * TensorProto whose {@code raw_data} (field 9) has at least {@link #INLINE_LIMIT} bytes, or whose
 * data already lives in another external file, gets {@code data_location = EXTERNAL} (field 14)
 * and {@code external_data} entries (field 13) {@code location}, {@code offset}, {@code length};
 * its bytes go to the data file at an offset aligned to 4 KiB (so they can be memory-mapped, as
 * onnx's own converter does). Small tensors, node attributes (Constant) and sub-graphs stay
 * inline. Tensors stored in typed fields ({@code float_data}, …) instead of {@code raw_data} also
 * stay inline: exporters use {@code raw_data} for weights.
 *
 * <p>The source is never modified; the targets are written under temporary names and renamed.
 */
public final class ExternalDataConverter {
    /** Tensors smaller than this stay in the graph (onnx's default size_threshold). */
    public static final int INLINE_LIMIT = 1024;
    /** Models larger than this are converted on fetch/import: 512 MiB. */
    public static final long CONVERT_THRESHOLD_BYTES = 512L << 20;
    /** External tensors start at multiples of this. */
    public static final int ALIGNMENT = 4096;

    private static final int CHUNK = 4 << 20;

    // ModelProto.graph, GraphProto.initializer, TensorProto fields (onnx.proto3).
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int LOCATION_EXTERNAL = 1;

    /**
     * What a conversion did.
     *
     * @param externalTensors initializers whose bytes are now in the data file
     * @param inlineTensors   initializers left in the graph (small ones)
     * @param dataBytes       size of the data file, padding included
     * @param graphBytes      size of the new model file
     */
    public record Result(int externalTensors, int inlineTensors, long dataBytes, long graphBytes) {
    }

    private ExternalDataConverter() {
    }

    /** The data file that belongs to {@code model}: {@code model.onnx} → {@code model.onnx.data}. */
    public static Path dataFileOf(Path model) {
        return model.resolveSibling(model.getFileName() + ".data");
    }

    /**
     * Converts {@code source} (weights inside, or in external files beside it under any name)
     * into {@code target} + {@link #dataFileOf(Path) target.data}. {@code source} and
     * {@code target} must differ.
     */
    public static Result convert(Path source, Path target) throws IOException {
        return convert(source, target, dataFileOf(target).getFileName().toString());
    }

    /**
     * Like {@link #convert(Path, Path)} with another name for the data file (beside {@code target}),
     * e.g. {@code model.onnx_data} as optimum and transformers.js name it.
     */
    public static Result convert(Path source, Path target, String dataFileName) throws IOException {
        if (dataFileName.contains("/") || dataFileName.contains("\\") || dataFileName.startsWith(".")) {
            throw new IllegalArgumentException("the data file name must be a plain file name, found " + dataFileName);
        }
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("source and target must differ: " + source);
        }
        long size = Files.size(source);
        if (size > Integer.MAX_VALUE) {
            throw new InputException(source + " is " + size + " bytes: larger than protobuf's 2 GB limit, so it cannot "
                    + "be a single ONNX file (its weights must be in external data files)");
        }
        Path dataTarget = target.resolveSibling(dataFileName);
        Path graphTmp = target.resolveSibling(target.getFileName() + ".converting");
        Path dataTmp = dataTarget.resolveSibling(dataTarget.getFileName() + ".converting");
        Converter converter = new Converter(source, dataTarget.getFileName().toString());
        try (InputStream in = Files.newInputStream(source);
                FileChannel data = FileChannel.open(dataTmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream graphOut = Files.newOutputStream(graphTmp)) {
            converter.data = data;
            CodedInputStream cin = CodedInputStream.newInstance(in, 1 << 20);
            cin.setSizeLimit(Integer.MAX_VALUE);
            CodedOutputStream cout = CodedOutputStream.newInstance(graphOut, 1 << 16);
            converter.copyModel(cin, cout);
            cout.flush();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            Files.deleteIfExists(graphTmp);
            Files.deleteIfExists(dataTmp);
            throw new InputException(source + " is not a valid ONNX model (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(graphTmp);
            Files.deleteIfExists(dataTmp);
            throw e;
        } finally {
            converter.closeSources();
        }
        // Data first: a model file never points at a data file that is not there yet.
        Files.move(dataTmp, dataTarget, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(graphTmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Result(converter.externalTensors, converter.inlineTensors, Files.size(dataTarget), Files.size(target));
    }

    /** The state of one conversion. */
    // CodedInputStream.skipField(tag, out) copies a field it does not parse; protobuf 3.25 deprecates it
    // without a replacement that copies, and this converter must pass unknown fields through unchanged.
    @SuppressWarnings("deprecation")
    private static final class Converter {
        private final Path source;
        private final String dataLocation;
        private final Map<String, FileChannel> sourceData = new HashMap<>();
        private FileChannel data;
        private int externalTensors;
        private int inlineTensors;

        Converter(Path source, String dataLocation) {
            this.source = source;
            this.dataLocation = dataLocation;
        }

        /** ModelProto: everything verbatim except the graph. */
        void copyModel(CodedInputStream in, CodedOutputStream out) throws IOException {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int length = in.readRawVarint32();
                    int limit = in.pushLimit(length);
                    byte[] graph = copyGraph(in);
                    in.popLimit(limit);
                    out.writeByteArray(MODEL_GRAPH, graph);
                } else {
                    in.skipField(tag, out);
                }
            }
        }

        /** GraphProto: initializers rewritten, the rest verbatim. Returns the new (small) graph. */
        byte[] copyGraph(CodedInputStream in) throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
            CodedOutputStream out = CodedOutputStream.newInstance(buffer);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == GRAPH_INITIALIZER && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int length = in.readRawVarint32();
                    int limit = in.pushLimit(length);
                    byte[] tensor = copyTensor(in);
                    in.popLimit(limit);
                    out.writeByteArray(GRAPH_INITIALIZER, tensor);
                } else {
                    in.skipField(tag, out);
                }
            }
            out.flush();
            return buffer.toByteArray();
        }

        /** TensorProto: large raw_data or existing external data → the new data file. */
        byte[] copyTensor(CodedInputStream in) throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
            CodedOutputStream out = CodedOutputStream.newInstance(buffer);
            String name = "";
            Map<String, String> externalEntries = new LinkedHashMap<>();
            int sourceLocation = 0;
            long offset = -1;
            long length = -1;
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                int wireType = WireFormat.getTagWireType(tag);
                if (field == TENSOR_RAW_DATA && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int n = in.readRawVarint32();
                    if (n < INLINE_LIMIT) {
                        out.writeByteArray(TENSOR_RAW_DATA, in.readRawBytes(n));
                    } else {
                        offset = alignDataFile();
                        length = n;
                        copyFromStream(in, n);
                    }
                } else if (field == TENSOR_EXTERNAL_DATA && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    readEntry(in.readByteArray(), externalEntries);
                } else if (field == TENSOR_DATA_LOCATION && wireType == WireFormat.WIRETYPE_VARINT) {
                    sourceLocation = in.readEnum();
                } else {
                    if (field == TENSOR_NAME && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        // Kept byte for byte; decoded only for error messages.
                        com.google.protobuf.ByteString nameBytes = in.readBytes();
                        name = nameBytes.toStringUtf8();
                        out.writeBytes(TENSOR_NAME, nameBytes);
                    } else {
                        in.skipField(tag, out);
                    }
                }
            }
            if (sourceLocation == LOCATION_EXTERNAL) {
                offset = alignDataFile();
                length = copyFromExternal(name, externalEntries);
            }
            if (offset >= 0) {
                writeEntry(out, "location", dataLocation);
                writeEntry(out, "offset", Long.toString(offset));
                writeEntry(out, "length", Long.toString(length));
                out.writeEnum(TENSOR_DATA_LOCATION, LOCATION_EXTERNAL);
                externalTensors++;
            } else {
                inlineTensors++;
            }
            out.flush();
            return buffer.toByteArray();
        }

        /** Pads the data file with zeros to the next multiple of {@link #ALIGNMENT}; returns that offset. */
        private long alignDataFile() throws IOException {
            long position = data.position();
            long aligned = (position + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
            if (aligned > position) {
                writeFully(ByteBuffer.allocate((int) (aligned - position)));
            }
            return aligned;
        }

        private void copyFromStream(CodedInputStream in, int n) throws IOException {
            int left = n;
            while (left > 0) {
                int chunk = Math.min(left, CHUNK);
                writeFully(ByteBuffer.wrap(in.readRawBytes(chunk)));
                left -= chunk;
            }
        }

        /** Copies a tensor from the source model's own external file; returns its length. */
        private long copyFromExternal(String tensor, Map<String, String> entries) throws IOException {
            String location = entries.get("location");
            if (location == null || location.isEmpty() || location.startsWith("/") || location.contains("..")
                    || location.contains("\\")) {
                throw new InputException("initializer '" + tensor + "' of " + source + " has external data with location '"
                        + location + "': expected a file name beside the model");
            }
            FileChannel channel = sourceData.get(location);
            if (channel == null) {
                Path file = source.resolveSibling(location);
                if (!Files.isRegularFile(file)) {
                    throw new InputException("initializer '" + tensor + "' of " + source + " keeps its weights in " + file
                            + ", which is missing");
                }
                channel = FileChannel.open(file, StandardOpenOption.READ);
                sourceData.put(location, channel);
            }
            long start = Long.parseLong(entries.getOrDefault("offset", "0"));
            long length = entries.containsKey("length") ? Long.parseLong(entries.get("length")) : channel.size() - start;
            if (start < 0 || length < 0 || start + length > channel.size()) {
                throw new InputException("initializer '" + tensor + "' wants bytes " + start + ".." + (start + length) + " of "
                        + location + ", which has only " + channel.size());
            }
            long copied = 0;
            while (copied < length) {
                long n = channel.transferTo(start + copied, length - copied, data);
                if (n <= 0) {
                    throw new IOException("could not copy " + location + " at byte " + (start + copied));
                }
                copied += n;
            }
            return length;
        }

        private void writeFully(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                data.write(bytes);
            }
        }

        void closeSources() throws IOException {
            for (FileChannel c : sourceData.values()) {
                c.close();
            }
        }
    }

    /** StringStringEntryProto {key = 1, value = 2}. */
    private static void readEntry(byte[] bytes, Map<String, String> into) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String key = "";
        String value = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case ENTRY_KEY -> key = in.readString();
                case ENTRY_VALUE -> value = in.readString();
                default -> in.skipField(tag);
            }
        }
        into.put(key, value);
    }

    private static void writeEntry(CodedOutputStream out, String key, String value) throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        e.writeString(ENTRY_KEY, key);
        e.writeString(ENTRY_VALUE, value);
        e.flush();
        out.writeByteArray(TENSOR_EXTERNAL_DATA, entry.toByteArray());
    }
}
