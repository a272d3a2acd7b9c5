package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec.Fault;
import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The patterns the synthetic models compute: causal, far from uniform, and broken where a fault says so. */
class AttentionPatternTest {
    @TempDir
    Path tmp;

    static final long[] IDS = SyntheticModelRunsTest.IDS;
    static final int T = IDS.length;

    private static SynthSpec.Builder qwenGeometry() {
        return SynthSpec.qwen25Geometry(2).vocab(512).intermediate(256).seed(11);
    }

    /** Softmax outputs of every layer, (1, H, T, T) each, from a decomposed model. */
    private static List<float[]> patterns(Path dir) throws Exception {
        List<String> names = OrtRunner.outputsOf(dir, "Softmax");
        Map<String, OrtRunner.Output> out = OrtRunner.runExposing(dir, names, IDS);
        return names.stream().map(n -> out.get(n).values()).toList();
    }

    /** Largest weight on a key after its query, over all heads and rows. */
    private static float futureWeight(float[] pattern, int heads) {
        float worst = 0;
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < T; t++) {
                for (int s = t + 1; s < T; s++) {
                    worst = Math.max(worst, pattern[(h * T + t) * T + s]);
                }
            }
        }
        return worst;
    }

    @Test
    void patternsAreCausalRowStochasticAndFarFromUniform() throws Exception {
        SynthSpec spec = qwenGeometry().build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        List<float[]> patterns = patterns(dir);
        assertEquals(spec.layers(), patterns.size());
        for (float[] p : patterns) {
            assertEquals(0f, futureWeight(p, spec.heads()), "a causal model puts exactly 0 on future keys");
            double ratioSum = 0;
            int rows = 0;
            for (int h = 0; h < spec.heads(); h++) {
                for (int t = 0; t < T; t++) {
                    double sum = 0;
                    float max = 0;
                    for (int s = 0; s <= t; s++) {
                        sum += p[(h * T + t) * T + s];
                        max = Math.max(max, p[(h * T + t) * T + s]);
                    }
                    assertEquals(1.0, sum, 1e-5, "row sum, head " + h + " row " + t);
                    if (t >= 4) {
                        ratioSum += max * (t + 1); // 1 for a uniform row, t + 1 for a one-hot row
                        rows++;
                    }
                }
            }
            double meanRatio = ratioSum / rows;
            assertTrue(meanRatio > 3, "the largest weight of a row should be several times the uniform 1/(t+1), "
                    + "found on average " + meanRatio + " times");
        }
    }

    @Test
    void fusedQkOutputEqualsDecomposedSoftmax() throws Exception {
        SynthSpec spec = qwenGeometry().style(Style.FUSED_GQA).gqaQkOutput(2).build();
        Path fused = SyntheticModelWriter.write(spec, tmp.resolve("f"), null, null);
        Path decomposed = SyntheticModelWriter.write(spec.toBuilder().style(Style.DECOMPOSED).gqaQkOutput(0).build(),
                tmp.resolve("d"), null, null);
        Map<String, OrtRunner.Output> out = OrtRunner.run(fused, "model.onnx", IDS);
        List<float[]> reference = patterns(decomposed);
        for (int i = 0; i < spec.layers(); i++) {
            OrtRunner.Output qk = out.get(Qwen2Graph.qkOutputName(i));
            assertArrayEquals(new long[] {1, spec.heads(), T, T}, qk.shape());
            float[] want = reference.get(i);
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], qk.values()[j], 1e-5 + 1e-4 * Math.abs(want[j]), "layer " + i + " index " + j);
            }
        }
    }

    @Test
    void futureVisibleMaskFaultLetsTokensSeeTheFuture() throws Exception {
        SynthSpec spec = qwenGeometry().fault(Fault.FUTURE_VISIBLE_MASK).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        for (float[] p : patterns(dir)) {
            assertTrue(futureWeight(p, spec.heads()) > 0.05, "the faulty mask should let weight reach future keys");
        }
    }

    @Test
    void swappedHeadsFaultSwapsHeadsZeroAndOneBeforeOProj() throws Exception {
        SynthSpec spec = qwenGeometry().build();
        Path good = SyntheticModelWriter.write(spec, tmp.resolve("good"), null, null);
        Path bad = SyntheticModelWriter.write(spec.toBuilder().fault(Fault.SWAPPED_HEADS).build(), tmp.resolve("bad"),
                null, null);
        // The input of layer 0's o_proj: concat_h(z_h), (1, T, H·d).
        String oProj = "/model/layers.0/self_attn/o_proj/MatMul";
        String oProjInput = OrtRunner.tensorsOf(good, "MatMul", oProj::equals, 0).get(0);
        List<String> softmax = OrtRunner.outputsOf(good, "Softmax");
        Map<String, OrtRunner.Output> g = OrtRunner.runExposing(good, List.of(oProjInput, softmax.get(0)), IDS);
        String badInput = OrtRunner.tensorsOf(bad, "MatMul", oProj::equals, 0).get(0);
        Map<String, OrtRunner.Output> b = OrtRunner.runExposing(bad, List.of(badInput, softmax.get(0)), IDS);

        assertArrayEquals(g.get(softmax.get(0)).values(), b.get(softmax.get(0)).values(),
                "the per-head patterns stay right");
        int d = spec.headDim();
        int width = spec.heads() * d;
        float[] z = g.get(oProjInput).values();
        float[] zBad = b.get(badInput).values();
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < width; c++) {
                int head = c / d;
                int source = head == 0 ? 1 : head == 1 ? 0 : head;
                assertEquals(z[t * width + source * d + c % d], zBad[t * width + c], 0f, "token " + t + " column " + c);
            }
        }
        assertTrue(!java.util.Arrays.equals(g.get("logits").values(), b.get("logits").values()),
                "swapped heads change the logits");
    }
}
