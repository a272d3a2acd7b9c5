package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The decomposed graph (optimum-style: rotary as Mul/Slice/Neg/Concat, repeated K/V, MatMul,
 * Softmax) and the fused graph (ONNX Runtime's GroupQueryAttention kernel with its own rotary and
 * causal mask) hold the same weights: two independent formulations must give the same outputs.
 */
class StylesAgreeTest {
    @TempDir
    Path tmp;

    @Test
    void tinyStylesGiveSameOutputs() throws Exception {
        compare(SynthSpec.tiny().seed(7));
    }

    @Test
    void qwenGeometryStylesGiveSameOutputs() throws Exception {
        compare(SynthSpec.qwen25Geometry(2).vocab(512).intermediate(256).seed(3));
    }

    @Test
    void splitSqrtScaleGivesSameOutputs() throws Exception {
        compare(SynthSpec.tiny().seed(9).scale(SynthSpec.ScalePlacement.SPLIT_SQRT));
    }

    @Test
    void packedQkvGivesSameOutputs() throws Exception {
        SynthSpec.Builder b = SynthSpec.qwen25Geometry(2).vocab(512).intermediate(256).seed(3);
        Path dec = SyntheticModelWriter.write(b.build(), tmp.resolve("dec"), null, null);
        Path packed = SyntheticModelWriter.write(b.style(Style.FUSED_GQA).packedQkv(true).build(),
                tmp.resolve("packed"), null, null);
        assertSameOutputs(dec, packed);
    }

    /** Every exporter structure (SDPA float/bool mask, ONNX Attention, MultiHeadAttention) computes the decomposed graph's outputs. */
    @Test
    void everyStructureGivesTheDecomposedOutputs() throws Exception {
        SynthSpec.Builder b = SynthSpec.qwen25Geometry(2).vocab(512).intermediate(256).seed(3);
        Path dec = SyntheticModelWriter.write(b.style(Style.DECOMPOSED).build(), tmp.resolve("dec"), null, null);
        for (Style style : Style.values()) {
            Path other = SyntheticModelWriter.write(b.style(style).build(), tmp.resolve(style.cliName()), null, null);
            assertSameOutputs(dec, other);
        }
    }

    @Test
    void swappedHeadsFaultIsTheSameInBothStyles() throws Exception {
        compare(SynthSpec.tiny().seed(4).fault(SynthSpec.Fault.SWAPPED_HEADS));
    }

    @Test
    void comparisonCatchesAFaultyDecomposedGraph() throws Exception {
        SynthSpec.Builder b = SynthSpec.tiny().seed(7);
        Path dec = SyntheticModelWriter.write(b.fault(SynthSpec.Fault.FUTURE_VISIBLE_MASK).build(), tmp.resolve("dec"),
                null, null);
        Path fused = SyntheticModelWriter.write(SynthSpec.tiny().seed(7).style(Style.FUSED_GQA).build(),
                tmp.resolve("fused"), null, null);
        assertThrows(AssertionFailedError.class, () -> assertSameOutputs(dec, fused));
    }

    private void compare(SynthSpec.Builder b) throws Exception {
        Path dec = SyntheticModelWriter.write(b.style(Style.DECOMPOSED).build(), tmp.resolve("dec"), null, null);
        Path fused = SyntheticModelWriter.write(b.style(Style.FUSED_GQA).build(), tmp.resolve("fused"), null, null);
        assertSameOutputs(dec, fused);
    }

    private static void assertSameOutputs(Path dec, Path fused) throws Exception {
        Map<String, OrtRunner.Output> a = OrtRunner.run(dec, "model.onnx", SyntheticModelRunsTest.IDS);
        Map<String, OrtRunner.Output> f = OrtRunner.run(fused, "model.onnx", SyntheticModelRunsTest.IDS);
        assertEquals(a.keySet(), f.keySet());
        for (String name : a.keySet()) {
            float[] x = a.get(name).values();
            float[] y = f.get(name).values();
            assertEquals(x.length, y.length, name);
            for (int i = 0; i < x.length; i++) {
                // |a − b| ≤ atol + rtol·|b|: float32 rounding through two layers of different kernels
                assertEquals(y[i], x[i], 1e-4 + 1e-4 * Math.abs(y[i]), name + " index " + i);
            }
        }
    }
}
