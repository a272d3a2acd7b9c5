package attnscope.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import attnscope.InputException;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Converts a large single-file ONNX model (weights inside, like optimum's 1.99 GB fp32
 * onnx/model.onnx of Qwen2.5-0.5B) once into a small graph plus an external weights file, in a
 * cache folder. Editing the graph then never means copying 2 GB of weights through one Java
 * array, and both sessions read the weights from the same file. The user's folder is not touched.
 *
 * <p>The cache folder is the system property {@code attnscope.cache}, {@code $ATTNSCOPE_CACHE} or {@code ~/.cache/attnscope}, under
 * {@code external/NAME-SIZE-MTIME}, so a changed model gets a fresh conversion.
 */
public final class ExternalWeights {
    /** Files above this size (bytes) are converted; the system property attnscope.externalize.threshold overrides it. */
    public static final long DEFAULT_THRESHOLD = 512L << 20;
    static final String DATA_FILE = "model.onnx.data";
    /** Weights smaller than this stay inside the graph (shapes, scalars). */
    private static final int MIN_EXTERNAL_BYTES = 1024;
    private static final long ALIGNMENT = 4096;

    private ExternalWeights() {
    }

    /** True when the file is a single-file model big enough to be worth converting. */
    public static boolean worthConverting(Path onnx, OnnxGraph graph) throws IOException {
        long threshold = Long.getLong("attnscope.externalize.threshold", DEFAULT_THRESHOLD);
        return graph.externalLocations().isEmpty() && Files.size(onnx) > threshold;
    }

    /** The cache root: the system property attnscope.cache, else $ATTNSCOPE_CACHE, else ~/.cache/attnscope. */
    public static Path cacheRoot() {
        String property = System.getProperty("attnscope.cache");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("ATTNSCOPE_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "attnscope");
    }

    /**
     * The converted graph for {@code onnx}, converting it first if the cache has none.
     *
     * @param progress told one line before a conversion starts (it takes a while for 2 GB)
     * @return the converted model.onnx (its weights in model.onnx.data beside it)
     */
    public static Path converted(Path onnx, OnnxGraph graph, Consumer<String> progress) {
        try {
            String key = onnx.getFileName() + "-" + Files.size(onnx) + "-" + Files.getLastModifiedTime(onnx).toMillis()
                    + "-" + Integer.toHexString(onnx.toAbsolutePath().normalize().toString().hashCode());
            Path dir = cacheRoot().resolve("external").resolve(key);
            Path graphFile = dir.resolve("model.onnx");
            if (Files.isRegularFile(graphFile) && Files.isRegularFile(dir.resolve(DATA_FILE))) {
                return graphFile;
            }
            progress.accept("converting " + onnx + " (" + Files.size(onnx) / (1 << 20) + " MiB, weights inside) once to graph + "
                    + "external weights in " + dir);
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "." + key + ".tmp-");
            try {
                write(graph.model(), tmp);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // Another process converted it meanwhile: use theirs.
                }
            } finally {
                deleteTree(tmp);
            }
            return graphFile;
        } catch (IOException e) {
            throw new InputException("cannot convert " + onnx + " to graph + external weights in " + cacheRoot()
                    + ": " + e.getMessage() + " (set ATTNSCOPE_CACHE to a writable folder)");
        }
    }

    /** Writes model.onnx (graph, small constants) and model.onnx.data (every larger weight, back to back). */
    static void write(ModelProto model, Path dir) throws IOException {
        ModelProto.Builder m = model.toBuilder();
        long offset = 0;
        try (OutputStream data = Files.newOutputStream(dir.resolve(DATA_FILE))) {
            for (TensorProto.Builder t : m.getGraphBuilder().getInitializerBuilderList()) {
                ByteString raw = t.getRawData();
                if (raw.size() < MIN_EXTERNAL_BYTES) {
                    continue;
                }
                // ONNX Runtime memory-maps external weights on the CPU when their offsets are
                // page-aligned, so two sessions share one copy: pad each weight to 4096 bytes.
                long padding = (ALIGNMENT - offset % ALIGNMENT) % ALIGNMENT;
                data.write(new byte[(int) padding]);
                offset += padding;
                raw.writeTo(data);
                t.clearRawData();
                t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
                t.addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(DATA_FILE));
                t.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
                t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Integer.toString(raw.size())));
                offset += raw.size();
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("model.onnx"))) {
            m.build().writeTo(out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
