package attnscope.inspect;

import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.TestAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Synthetic Qwen2-architecture models for the inspector's tests, written once per spec into
 * target/test-models/ (the folder name carries a hash of the spec, so a changed spec gets a new folder).
 */
final class SynthFixtures {
    private SynthFixtures() {
    }

    static Path model(String name, SynthSpec spec) {
        return model(name, spec, null);
    }

    static Path model(String name, SynthSpec spec, Path tokenizer) {
        Path dir = TestAssets.projectRoot().resolve("target/test-models/inspect-" + name + "-"
                + Integer.toHexString(spec.toString().hashCode()));
        if (Files.isRegularFile(dir.resolve("model.onnx"))) {
            return dir;
        }
        return SyntheticModelWriter.write(spec, dir, tokenizer, ProgressListener.NONE, true);
    }

    /** A copy of a model folder with config.json edited (the graph and weights are linked, not copied). */
    static Path withConfig(Path model, String name, UnaryOperator<String> edit) {
        Path dir = model.resolveSibling(model.getFileName() + "-" + name);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try (var files = Files.list(model)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (!f.getFileName().toString().equals("config.json")) {
                            Files.createSymbolicLink(dir.resolve(f.getFileName()), f.toAbsolutePath());
                        }
                    }
                }
            }
            String config = Files.readString(model.resolve("config.json"));
            String edited = edit.apply(config);
            if (edited.equals(config)) {
                throw new IllegalStateException("the config edit " + name + " changed nothing");
            }
            Files.writeString(dir.resolve("config.json"), edited);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SynthSpec tiny(SynthSpec.Style style) {
        return SynthSpec.tiny().style(style).seed(7).build();
    }
}
