package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelTest {
    @TempDir
    Path tmp;

    @Test
    void defaultIsTheFolderFetchWrites() {
        assertEquals(Path.of("models/qwen2.5-0.5b-instruct"), DefaultModel.defaultDir());
    }

    @Test
    void missingDefaultSaysToRunFetch() {
        // The test JVM runs in the project root, where no model has been fetched on a build machine;
        // if one has, require() must return it instead.
        if (Files.isDirectory(DefaultModel.defaultDir())) {
            assertEquals(DefaultModel.defaultDir(), DefaultModel.require());
            return;
        }
        InputException e = assertThrows(InputException.class, DefaultModel::require);
        assertTrue(e.getMessage().startsWith("no model at models/qwen2.5-0.5b-instruct: run `attnscope fetch` first"), e.getMessage());
    }

    @Test
    void folderWithoutModelIsRefused() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{}");
        InputException e = assertThrows(InputException.class, () -> DefaultModel.require(tmp));
        assertTrue(e.getMessage().startsWith("no model.onnx in " + tmp), e.getMessage());
    }

    @Test
    void modelUnderOnnxOrAtTheTopIsFound() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{}");
        Files.writeString(tmp.resolve("model.onnx"), "x");
        assertEquals(tmp, DefaultModel.require(tmp));
        assertEquals(tmp.resolve("model.onnx"), DefaultModel.modelFile(tmp));
        Files.createDirectories(tmp.resolve("onnx"));
        Files.writeString(tmp.resolve("onnx/model.onnx"), "x");
        assertEquals(tmp.resolve("onnx/model.onnx"), DefaultModel.modelFile(tmp));
    }
}
