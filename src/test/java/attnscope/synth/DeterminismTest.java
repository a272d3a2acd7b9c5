package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same spec → byte-identical files; another seed → other weights. */
class DeterminismTest {
    @TempDir
    Path tmp;

    private static final String[] FILES = {"config.json", "model.onnx", "model.onnx.data", "tokenizer.json"};

    @Test
    void sameSeedGivesIdenticalFiles() throws Exception {
        for (SynthSpec.Style style : SynthSpec.Style.values()) {
            SynthSpec spec = SynthSpec.tiny().style(style).seed(42).build();
            Path a = SyntheticModelWriter.write(spec, tmp.resolve(style + "a"), null, null);
            Path b = SyntheticModelWriter.write(spec, tmp.resolve(style + "b"), null, null);
            for (String f : FILES) {
                assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), style + " " + f);
            }
        }
    }

    @Test
    void otherSeedGivesOtherWeights() throws Exception {
        Path a = SyntheticModelWriter.write(SynthSpec.tiny().seed(1).build(), tmp.resolve("a"), null, null);
        Path b = SyntheticModelWriter.write(SynthSpec.tiny().seed(2).build(), tmp.resolve("b"), null, null);
        byte[] da = Files.readAllBytes(a.resolve("model.onnx.data"));
        byte[] db = Files.readAllBytes(b.resolve("model.onnx.data"));
        assertFalse(Arrays.equals(da, db));
        // Not just one tensor: the first and the last kilobyte differ too.
        assertFalse(Arrays.equals(Arrays.copyOf(da, 1024), Arrays.copyOf(db, 1024)));
        assertFalse(Arrays.equals(Arrays.copyOfRange(da, da.length - 1024, da.length),
                Arrays.copyOfRange(db, db.length - 1024, db.length)));
    }
}
