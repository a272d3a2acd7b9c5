package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decomposed graph and the fused GroupQueryAttention graph, same weights: the same logits. */
class StylesAgreeTest {
    @TempDir
    Path tmp;

    @Test
    void tinyStylesGiveSameLogits() throws Exception {
        compare(SynthSpec.tiny().seed(7));
    }

    @Test
    void qwenGeometryStylesGiveSameLogits() throws Exception {
        compare(SynthSpec.qwen25Geometry(2).vocab(512).intermediate(256).seed(3));
    }

    private void compare(SynthSpec.Builder b) throws Exception {
        Path dec = SyntheticModelWriter.write(b.style(Style.DECOMPOSED).build(), tmp.resolve("dec"), null, null);
        Path fused = SyntheticModelWriter.write(b.style(Style.FUSED_GQA).build(), tmp.resolve("fused"), null, null);
        Map<String, OrtRunner.Output> a = OrtRunner.run(dec, "model.onnx", SyntheticModelRunsTest.IDS);
        Map<String, OrtRunner.Output> f = OrtRunner.run(fused, "model.onnx", SyntheticModelRunsTest.IDS);
        for (String name : a.keySet()) {
            float[] x = a.get(name).values();
            float[] y = f.get(name).values();
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]) - 1e-3 * Math.abs(y[i]));
                scale = Math.max(scale, Math.abs(y[i]));
            }
            System.out.println(name + " worst " + worst + " scale " + scale);
            assertTrue(worst <= 1e-3, name + ": decomposed and fused differ by " + worst);
        }
    }
}
