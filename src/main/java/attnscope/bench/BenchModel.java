package attnscope.bench;

import attnscope.InputException;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * The synthetic model the benchmark runs, written once and reused: the folder keeps a key (the
 * spec and the tokenizer's SHA-256) in {@value #KEY_FILE}; a different spec or tokenizer rebuilds it.
 */
public final class BenchModel {
    /** The key file inside the cached model folder. */
    public static final String KEY_FILE = "attnscope-bench.key";

    private BenchModel() {
    }

    /** The benchmark's model: Qwen2.5-0.5B's full shape, decomposed like optimum's exports (√ scale on Q and Kᵀ). */
    public static SynthSpec full() {
        return SynthSpec.fullQwen25().scale(SynthSpec.ScalePlacement.SPLIT_SQRT).seed(2025).build();
    }

    /** The --quick model: Qwen2.5's attention geometry (D 896, 14/2 heads, d 64), 2 layers, small MLP and vocab. */
    public static SynthSpec quick() {
        return SynthSpec.qwen25Geometry(2).scale(SynthSpec.ScalePlacement.SPLIT_SQRT).seed(2025).build();
    }

    /**
     * The model folder for {@code spec} under {@code dir}, written now unless it is already there
     * with the same key.
     *
     * @param tokenizerOrNull tokenizer.json to put beside the model, or null for synth's byte-level one
     */
    public static Path ensure(SynthSpec spec, Path dir, Path tokenizerOrNull, Consumer<String> progress) {
        String key = key(spec, tokenizerOrNull);
        Path keyFile = dir.resolve(KEY_FILE);
        try {
            if (Files.isRegularFile(keyFile) && Files.readString(keyFile).equals(key)
                    && Files.isRegularFile(dir.resolve(SyntheticModelWriter.DATA_FILE))) {
                progress.accept("bench: reusing the model in " + dir);
                return dir;
            }
            progress.accept("bench: writing the synthetic model to " + dir + " (" + spec.layers() + " layers, vocab "
                    + spec.vocab() + "; about " + approxMegabytes(spec) + " MB of float32 weights)");
            long t0 = System.nanoTime();
            int[] lastPercent = {-1};
            SyntheticModelWriter.write(spec, dir, tokenizerOrNull, (done, total) -> {
                int percent = total == 0 ? 100 : (int) (100 * done / total);
                if (percent / 10 != lastPercent[0] / 10) {
                    lastPercent[0] = percent;
                    progress.accept(String.format("bench:   weights %3d %% (%d / %d MB)", percent, done >> 20, total >> 20));
                }
            }, true);
            Path tmp = Files.createTempFile(dir, KEY_FILE, ".part");
            Files.writeString(tmp, key);
            Files.move(tmp, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            progress.accept(String.format("bench: model written in %.1f s", (System.nanoTime() - t0) / 1e9));
            return dir;
        } catch (IOException e) {
            throw new InputException("cannot prepare the benchmark model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Bytes of model.onnx and its weight file. */
    public static long modelBytes(Path dir) {
        try {
            return Files.size(dir.resolve(SyntheticModelWriter.GRAPH_FILE)) + Files.size(dir.resolve(SyntheticModelWriter.DATA_FILE));
        } catch (IOException e) {
            throw new InputException("cannot read the size of the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long approxMegabytes(SynthSpec s) {
        long perLayer = 2L * s.hidden() * s.heads() * s.headDim() + 2L * s.hidden() * s.kvHeads() * s.headDim()
                + 3L * s.hidden() * s.intermediate();
        return (s.layers() * perLayer + (long) s.vocab() * s.hidden()) * Float.BYTES >> 20;
    }

    static String key(SynthSpec spec, Path tokenizerOrNull) {
        return spec + "\ntokenizer: " + (tokenizerOrNull == null ? "synth byte-level" : sha256(tokenizerOrNull)) + "\n";
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new InputException("cannot read the tokenizer " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
