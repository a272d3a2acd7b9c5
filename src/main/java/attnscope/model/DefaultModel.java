package attnscope.model;

import attnscope.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model that inspect, figures and lesson use when none is named: the folder
 * {@code attnscope fetch} writes, {@code models/qwen2.5-0.5b-instruct}. Nothing is ever
 * downloaded from here: a missing folder is an error that says how to get it.
 */
public final class DefaultModel {
    /** Relative to the working directory, like every path the user types. */
    public static final String DEFAULT_DIR = "models/qwen2.5-0.5b-instruct";

    private DefaultModel() {
    }

    /** {@code models/qwen2.5-0.5b-instruct}. */
    public static Path defaultDir() {
        return Path.of(DEFAULT_DIR);
    }

    /**
     * {@code dir} if given, else the default folder, after checking it holds config.json and an
     * ONNX model (model.onnx at its top or under onnx/).
     *
     * @throws InputException naming what is missing and the command that fetches it
     */
    public static Path require(Path dir) {
        Path folder = dir == null ? defaultDir() : dir;
        String advice = dir == null
                ? ": run `attnscope fetch` first (needs internet, about 2 GB; `attnscope fetch --variant q4` is smaller), "
                        + "or pass --model DIR"
                : ": pass a Hugging Face model folder (config.json, tokenizer.json, model.onnx or onnx/model.onnx), "
                        + "e.g. one written by `attnscope fetch`";
        if (!Files.isDirectory(folder)) {
            throw new InputException("no model at " + folder + advice);
        }
        if (!Files.isRegularFile(folder.resolve("config.json"))) {
            throw new InputException("no config.json in " + folder + advice);
        }
        if (modelFile(folder) == null) {
            throw new InputException("no model.onnx in " + folder + " or " + folder.resolve("onnx") + advice);
        }
        return folder;
    }

    /** {@code require(null)}: the default folder, or an error that says to run fetch. */
    public static Path require() {
        return require(null);
    }

    /** The ONNX file of a model folder ({@code onnx/model.onnx} first, then {@code model.onnx}), or null. */
    public static Path modelFile(Path folder) {
        for (Path p : List.of(folder.resolve("onnx").resolve("model.onnx"), folder.resolve("model.onnx"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
