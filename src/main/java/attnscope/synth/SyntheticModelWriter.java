package attnscope.synth;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import attnscope.InputException;
import attnscope.model.ModelConfig;
import attnscope.output.CleanupOnExit;
import attnscope.output.FolderLock;
import attnscope.output.IoProblems;
import attnscope.progress.ProgressBar;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a synthetic Qwen2-architecture model as a Hugging Face model folder:
 * {@code config.json}, {@code model.onnx} (the graph), {@code model.onnx.data} (every weight, as
 * ONNX external data) and {@code tokenizer.json}.
 *
 * <p>The folder is written under a temporary name next to {@code outDir} and renamed at the end,
 * so a failed write leaves nothing behind. Same spec and tokenizer → byte-identical files.
 */
public final class SyntheticModelWriter {
    /** ONNX IR version 8 (ONNX 1.13), the one that goes with opset 17. */
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    /** ONNX IR version 11 (ONNX 1.18), the one that goes with opset 23 (the standard Attention op). */
    static final long IR_VERSION_OPSET_23 = 11;
    static final double RMS_NORM_EPS = 1e-6;
    public static final String GRAPH_FILE = "model.onnx";
    public static final String DATA_FILE = "model.onnx.data";
    /**
     * The largest weights file written without an explicit request ({@code synth --allow-large}): the
     * full Qwen2.5-0.5B geometry is about 2 GB, so 4 GiB leaves room and stops a typo (an extra
     * zero in --vocab or --layers) from filling the disk.
     */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    private SyntheticModelWriter() {
    }

    /**
     * Writes into {@code outDir}, which must not exist or be empty; see
     * {@link #write(SynthSpec, Path, Path, ProgressListener, boolean)}.
     */
    public static Path write(SynthSpec spec, Path outDir, Path tokenizerOrNull, ProgressListener progress) {
        return write(spec, outDir, tokenizerOrNull, progress, false);
    }

    /**
     * @param tokenizerOrNull a tokenizer.json to copy (its ids must be &lt; vocab), or null for the
     *                        byte-level tokenizer of {@link ByteLevelTokenizer} (needs vocab ≥ 256)
     * @param replace         replace an existing non-empty {@code outDir}, but only if it is itself a
     *                        synthetic model folder (config.json with {@code attnscope_synthetic})
     * @return the model folder
     * @throws InputException if outDir is in the way, or the tokenizer does not fit the vocabulary
     */
    public static Path write(SynthSpec spec, Path outDir, Path tokenizerOrNull, ProgressListener progress,
            boolean replace) {
        return write(spec, outDir, tokenizerOrNull, progress, replace, DEFAULT_MAX_BYTES);
    }

    /**
     * As {@link #write(SynthSpec, Path, Path, ProgressListener, boolean)}, refusing (before anything is
     * written) a model whose weights would exceed {@code maxBytes} or the free space of the disk.
     */
    public static Path write(SynthSpec spec, Path outDir, Path tokenizerOrNull, ProgressListener progress,
            boolean replace, long maxBytes) {
        Path out = outDir.toAbsolutePath().normalize();
        checkTokenizer(spec, tokenizerOrNull);
        checkSize(spec, out, maxBytes);
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            return writeLocked(spec, out, tokenizerOrNull, progress, replace); // which says what is in the way
        }
        // Two synths into one folder: the second waits for nothing and is refused, instead of silently replacing the first.
        Path lockFile = out.resolveSibling("." + out.getFileName() + ".attnscope-lock");
        try (FolderLock lock = FolderLock.acquire(lockFile, out.toString(), line -> { });
                CleanupOnExit gone = CleanupOnExit.register(lockFile)) {
            return writeLocked(spec, out, tokenizerOrNull, progress, replace);
        }
    }

    private static Path writeLocked(SynthSpec spec, Path out, Path tokenizerOrNull, ProgressListener progress, boolean replace) {
        boolean occupied = isNonEmpty(out);
        if (occupied && !replace) {
            throw new InputException(out + " exists and is not empty: choose another --out, or pass --force to replace "
                    + "a model folder written by attnscope synth");
        }
        if (occupied && !isSyntheticFolder(out)) {
            throw new InputException("refusing to replace " + out + ": it is not a model folder written by attnscope "
                    + "synth (no config.json with \"" + ModelConfig.SYNTHETIC_KEY + "\": true)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InputException(out + " exists and is a file, not a folder");
        }
        Path parent = out.getParent();
        Path tmp = null;
        CleanupOnExit cleanup = null;
        try {
            Files.createDirectories(parent);
            removeLeftovers(parent, out.getFileName().toString());
            // The process id in the name lets a later run remove what a killed one (kill -9) left.
            tmp = Files.createTempDirectory(parent, tempPrefix(out.getFileName().toString()) + ProcessHandle.current().pid() + "-");
            cleanup = CleanupOnExit.register(tmp); // SIGINT / SIGTERM while writing: the hook deletes it
            makeReadable(tmp);
            writeInto(spec, tmp, tokenizerOrNull, progress);
            moveIntoPlace(tmp, out);
            tmp = null;
            return out;
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.NotDirectoryException e) {
            throw new InputException("cannot write the model to " + out + ": " + e.getFile()
                    + " is a file, not a folder; choose another --out", e);
        } catch (IOException e) {
            throw new InputException("cannot write the model to " + out + " (" + IoProblems.reason(e)
                    + (e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? ": " + f.getFile() : "")
                    + "): is the disk full or the folder read-only? Nothing was left behind", e);
        } finally {
            if (tmp != null) {
                deleteRecursively(tmp);
            }
            if (cleanup != null) {
                cleanup.close();
            }
        }
    }

    /** The size in bytes of the weights file {@code spec} makes ({@link #DATA_FILE}); the graph is built, no weight computed. */
    public static long dataBytes(SynthSpec spec) {
        WeightFile weights = new WeightFile(DATA_FILE);
        Qwen2Graph.build(spec, new GraphBuilder(weights));
        return weights.size();
    }

    /** Refuses a model above {@code maxBytes} or larger than the free space where it goes. */
    private static void checkSize(SynthSpec spec, Path out, long maxBytes) {
        // A lower bound from the shapes alone first, so that an absurd spec is refused without building its graph.
        long lowerBound = lowerBoundBytes(spec);
        long free = freeSpace(out);
        requireSize(spec, lowerBound, maxBytes, free);
        requireSize(spec, dataBytes(spec), maxBytes, free);
    }

    private static void requireSize(SynthSpec spec, long bytes, long maxBytes, long free) {
        if (bytes > maxBytes) {
            throw new InputException(String.format(java.util.Locale.ROOT, "this model's weights would take %s%s (%d layers, D %d, "
                    + "MLP %d, vocab %d), more than the %s attnscope writes unless asked: check the sizes, or pass "
                    + "--allow-large to write it", bytes == Long.MAX_VALUE ? "more than " : "", ProgressBar.humanBytes(bytes),
                    spec.layers(), spec.hidden(), spec.intermediate(), spec.vocab(), ProgressBar.humanBytes(maxBytes)));
        }
        long needed = bytes + bytes / 20 + (8L << 20); // the graph, the tokenizer and some room
        if (needed > free) {
            throw new InputException("this model needs about " + ProgressBar.humanBytes(needed) + " but only "
                    + ProgressBar.humanBytes(free) + " is free on the disk where it goes: free some space, choose another "
                    + "--out, or make the model smaller");
        }
    }

    /** The usable space of the disk {@code out} goes to (its nearest existing folder), or Long.MAX_VALUE when unknown. */
    private static long freeSpace(Path out) {
        Path existing = out.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing == null ? Long.MAX_VALUE : Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: the writes themselves say when the disk is full
        }
    }

    /**
     * The projections' floats alone, 4 bytes each: embedding vocab × D, and per layer Q (D × H·d),
     * K and V (D × Hkv·d each), O (H·d × D) and the SwiGLU MLP (3 × D × MLP). Saturates instead of overflowing.
     */
    static long lowerBoundBytes(SynthSpec spec) {
        double d = spec.hidden();
        double perLayer = d * spec.heads() * spec.headDim() * 2 + d * spec.kvHeads() * spec.headDim() * 2
                + 3 * d * spec.intermediate();
        double floats = (double) spec.vocab() * d + spec.layers() * perLayer;
        return (long) Math.min(Long.MAX_VALUE, floats * Float.BYTES);
    }

    private static String tempPrefix(String name) {
        return "." + name + ".tmp-";
    }

    /** Temporary folders of this model that a killed process (its id in the name is not running) left. */
    private static void removeLeftovers(Path parent, String name) throws IOException {
        String prefix = tempPrefix(name);
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                if (dash > 0 && !CleanupOnExit.pidIsRunning(rest.substring(0, dash))) {
                    deleteRecursively(p);
                }
            }
        }
    }

    private static void writeInto(SynthSpec spec, Path dir, Path tokenizer, ProgressListener progress)
            throws IOException {
        WeightFile weights = new WeightFile(DATA_FILE);
        GraphBuilder graph = new GraphBuilder(weights);
        Qwen2Graph.build(spec, graph);
        weights.write(dir.resolve(DATA_FILE), progress == null ? ProgressListener.NONE : progress);

        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .setProducerName("attnscope synth").setProducerVersion("1")
                .setDocString("Synthetic Qwen2-architecture model with seeded random weights (seed " + spec.seed()
                        + ", style " + spec.style().cliName() + "): not a trained model.")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(spec.style().opset()));
        if (spec.style().opset() > OPSET) {
            model.setIrVersion(IR_VERSION_OPSET_23);
        }
        if (spec.style().microsoftOps() || spec.quantize() == SynthSpec.Quantize.Q4) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(GraphBuilder.MS_DOMAIN).setVersion(1));
        }
        model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(ModelConfig.SYNTHETIC_KEY).setValue("true"));
        model.setGraph(graph.build());
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(dir.resolve(GRAPH_FILE)))) {
            model.build().writeTo(os);
        }
        Files.writeString(dir.resolve("config.json"), configJson(spec));
        if (tokenizer != null) {
            Files.copy(tokenizer, dir.resolve("tokenizer.json"));
        } else {
            Files.writeString(dir.resolve("tokenizer.json"), ByteLevelTokenizer.json());
        }
    }

    /** The Hugging Face config.json of the model, plus attnscope's synthetic marker, seed and style. */
    static String configJson(SynthSpec spec) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode c = mapper.createObjectNode();
        c.putArray("architectures").add("Qwen2ForCausalLM");
        c.put("model_type", "qwen2");
        c.put("hidden_size", spec.hidden());
        c.put("num_hidden_layers", spec.layers());
        c.put("num_attention_heads", spec.heads());
        c.put("num_key_value_heads", spec.kvHeads());
        c.put("head_dim", spec.headDim());
        c.put("intermediate_size", spec.intermediate());
        c.put("vocab_size", spec.vocab());
        c.put("rope_theta", spec.configRopeTheta());
        c.put("rms_norm_eps", RMS_NORM_EPS);
        c.put("max_position_embeddings", spec.maxPositions());
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", true);
        c.put("use_sliding_window", false);
        c.put("torch_dtype", spec.dtype() == SynthSpec.DType.FP16 ? "float16" : "float32");
        c.put(ModelConfig.SYNTHETIC_KEY, true);
        c.put("attnscope_seed", spec.seed());
        c.put("attnscope_style", spec.style().cliName());
        if (!spec.faults().isEmpty()) {
            ArrayNode faults = c.putArray("attnscope_faults");
            spec.faults().forEach(f -> faults.add(f.name()));
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(c) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkTokenizer(SynthSpec spec, Path tokenizer) {
        if (tokenizer == null) {
            if (spec.vocab() < ByteLevelTokenizer.BYTE_TOKENS) {
                throw new IllegalArgumentException("the built-in byte-level tokenizer needs a vocabulary of at least "
                        + ByteLevelTokenizer.BYTE_TOKENS + " (one token per byte), found " + spec.vocab());
            }
            return;
        }
        if (!Files.isRegularFile(tokenizer)) {
            throw new InputException("tokenizer file " + tokenizer + " does not exist");
        }
        int maxId = ByteLevelTokenizer.maxTokenId(tokenizer);
        if (maxId >= spec.vocab()) {
            throw new InputException("tokenizer " + tokenizer + " has token ids up to " + maxId + " but the model's "
                    + "vocabulary has only " + spec.vocab() + " rows: use a vocabulary of at least " + (maxId + 1));
        }
    }

    /** Temporary folders are created owner-only; the model folder should read like any other (rwxr-xr-x). */
    private static void makeReadable(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean isNonEmpty(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            throw new InputException("cannot read " + dir + ": " + e.getMessage());
        }
    }

    private static boolean isSyntheticFolder(Path dir) {
        try {
            return Files.isDirectory(dir) && ModelConfig.read(dir).synthetic();
        } catch (InputException e) {
            return false;
        }
    }

    /** Renames tmp to out; an existing (empty, or synthetic and to be replaced) out is moved aside first. */
    private static void moveIntoPlace(Path tmp, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            try {
                Files.delete(out); // an empty folder
            } catch (DirectoryNotEmptyException e) {
                old = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".old-");
                Files.delete(old);
                Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    // best effort: a leftover temporary folder is harmless and named as such
                }
            });
        } catch (IOException e) {
            // best effort, as above
        }
    }
}
