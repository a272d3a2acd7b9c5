package attnscope.lesson;

import attnscope.model.ModelConfig;
import attnscope.progress.ProgressBar;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The stand-in for the lesson when no real model has been fetched: a synthetic model with
 * Qwen2.5-0.5B's attention geometry (24 layers, hidden 896, 14 query heads, 2 key/value heads,
 * head dimension 64), random weights, written once and reused. Its config.json says synthetic, and
 * every figure and the report say so too.
 *
 * <p>The MLP is made narrow (it does not touch attention's shapes) so the stand-in is quick to write;
 * with the real Qwen2 tokenizer the vocabulary must be Qwen's, otherwise the byte-level tokenizer
 * of {@code synth} needs only a small one.
 */
public final class SyntheticStandIn {
    private SyntheticStandIn() {
    }

    /** The spec of the stand-in: Qwen2.5-0.5B's attention geometry. */
    public static SynthSpec spec(boolean realTokenizer) {
        ModelConfig q = ModelConfig.qwen25_05b();
        return SynthSpec.qwen25Geometry(q.layers()).intermediate(256).vocab(realTokenizer ? q.vocab() : 1024).build();
    }

    /**
     * The stand-in's folder under {@code modelsDir}, written now if it is not there yet.
     *
     * @param tokenizer the real Qwen2 tokenizer.json, or null for synth's byte-level one
     */
    public static Path ensure(Path modelsDir, Path tokenizer, Consumer<String> progress) {
        return ensure(modelsDir, tokenizer, progress, ProgressListener.NONE);
    }

    /**
     * As {@link #ensure(Path, Path, Consumer)}, reporting the writing of the weights to {@code weights}.
     * Before the first byte of them is written, {@code progress} hears how many bytes will land where
     * and why: several hundred megabytes should never appear in a folder without a word.
     */
    public static Path ensure(Path modelsDir, Path tokenizer, Consumer<String> progress, ProgressListener weights) {
        String name = "synthetic-qwen2.5-0.5b-geometry" + (tokenizer != null ? "" : "-bytes");
        Path dir = modelsDir.resolve(name);
        if (Files.isRegularFile(dir.resolve("config.json")) && ModelConfig.read(dir).synthetic()
                && Files.isRegularFile(dir.resolve(SyntheticModelWriter.DATA_FILE))) {
            return dir;
        }
        progress.accept("writing a synthetic stand-in with Qwen2.5-0.5B's attention geometry to " + dir + " (once) …");
        ProgressListener announced = new ProgressListener() {
            private boolean said;

            @Override
            public void progress(long done, long total) {
                if (!said) {
                    said = true;
                    progress.accept(ProgressBar.humanBytes(total) + " of random weights go to " + dir.resolve(SyntheticModelWriter.DATA_FILE)
                            + ": written once, reused by every later lesson (delete the folder to get the space back)");
                }
                weights.progress(done, total);
            }
        };
        return SyntheticModelWriter.write(spec(tokenizer != null), dir, tokenizer, announced, true);
    }
}
