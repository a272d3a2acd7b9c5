package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelRunsTest {
    @TempDir
    Path tmp;

    static final long[] IDS = {104, 101, 32, 99, 97, 116, 32, 99, 104, 97, 115, 101, 115};

    @Test
    void tinyDecomposedRuns() throws Exception {
        SynthSpec spec = SynthSpec.tiny().build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, ProgressListener.NONE);
        Map<String, OrtRunner.Output> out = OrtRunner.run(dir, "model.onnx", IDS);
        assertArrayEquals(new long[] {1, IDS.length, spec.vocab()}, out.get("logits").shape());
        assertArrayEquals(new long[] {1, 2, IDS.length, 16}, out.get("present.1.key").shape());
    }

    @Test
    void tinyFusedRuns() throws Exception {
        SynthSpec spec = SynthSpec.tiny().style(Style.FUSED_GQA).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, ProgressListener.NONE);
        Map<String, OrtRunner.Output> out = OrtRunner.run(dir, "model.onnx", IDS);
        assertArrayEquals(new long[] {1, IDS.length, spec.vocab()}, out.get("logits").shape());
        assertArrayEquals(new long[] {1, 2, IDS.length, 16}, out.get("present.1.key").shape());
    }
}
