package attnscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.attention.GroupedQuery;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.tensor.Tensor;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The pre-softmax scores as the graph computed them (scaled, before the mask): checked against
 * Q·Kᵀ/√d from the captured Q and K, and against the captured pattern (softmax of the scores with
 * the mask gives it back), on a synthetic decoder and on a real trained encoder.
 */
class ScoresCaptureTest {
    private static Path decomposed() {
        SynthSpec spec = SynthSpec.tiny().style(SynthSpec.Style.DECOMPOSED).seed(11).build();
        Path dir = TestAssets.projectRoot().resolve("target/test-models/scores-" + Integer.toHexString(spec.toString().hashCode()));
        return Files.isRegularFile(dir.resolve("model.onnx")) ? dir : SyntheticModelWriter.write(spec, dir, null, ProgressListener.NONE, true);
    }

    @Test
    void decoderScoresAreScaledQKBeforeTheCausalMask() {
        try (HookedModel model = HookedModel.open(decomposed(), Device.CPU, null)) {
            InspectionResult r = Inspector.inspect(model, TextTokenizer.unlabelled(new int[] {5, 9, 2, 7, 3, 8}));
            int t = 6;
            for (int layer : r.layers()) {
                Tensor scores = r.model().get(layer, Site.SCORES);
                Tensor q = r.model().get(layer, Site.Q);
                Tensor k = r.model().get(layer, Site.K);
                int heads = q.dim(0);
                int d = q.dim(2);
                assertArrayEquals(new int[] {heads, t, t}, scores.shape(), "scores, layer " + layer);
                for (int h = 0; h < heads; h++) {
                    int g = GroupedQuery.kvHeadFor(h, heads, k.dim(0));
                    for (int i = 0; i < t; i++) {
                        for (int j = 0; j < t; j++) {
                            double dot = 0;
                            for (int c = 0; c < d; c++) {
                                dot += q.get(h, i, c) * k.get(g, j, c);
                            }
                            double expected = dot / Math.sqrt(d);
                            float got = scores.get(h, i, j);
                            // Before the mask: a future key (j > i) has its real score, not −∞.
                            assertTrue(Float.isFinite(got), "layer " + layer + " head " + h + " (" + i + ", " + j + ")");
                            assertEquals(expected, got, 1e-4 + 1e-4 * Math.abs(expected),
                                    "scores, layer " + layer + " head " + h + " (" + i + ", " + j + ")");
                        }
                    }
                }
                assertPatternIsSoftmaxOfScores(scores, r.model().get(layer, Site.PATTERN), true);
            }
        }
    }

    @Test
    void realEncoderScoresGiveItsPatternWithoutACausalMask() {
        Path minilm = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        try (HookedModel model = HookedModel.open(minilm, Device.CPU, new int[] {0, 5});
                TextTokenizer tok = TextTokenizer.open(minilm.resolve("tokenizer.json"))) {
            InspectionResult r = Inspector.inspect(model, tok.encode("the cat chases the mouse"));
            for (int layer : r.layers()) {
                Tensor scores = r.model().get(layer, Site.SCORES);
                assertArrayEquals(r.model().get(layer, Site.PATTERN).shape(), scores.shape());
                assertPatternIsSoftmaxOfScores(scores, r.model().get(layer, Site.PATTERN), false);
            }
        }
    }

    @Test
    void aFusedGraphHasNoScoresTensor() {
        SynthSpec spec = SynthSpec.tiny().style(SynthSpec.Style.FUSED_GQA).seed(11).build();
        Path dir = TestAssets.projectRoot().resolve("target/test-models/scores-" + Integer.toHexString(spec.toString().hashCode()));
        Path m = Files.isRegularFile(dir.resolve("model.onnx")) ? dir : SyntheticModelWriter.write(spec, dir, null, ProgressListener.NONE, true);
        try (HookedModel model = HookedModel.open(m, Device.CPU, null)) {
            InspectionResult r = Inspector.inspect(model, TextTokenizer.unlabelled(new int[] {5, 9, 2}));
            assertFalse(r.model().has(r.layers().get(0), Site.SCORES), "the fused op never holds the scores: nothing is made up");
        }
    }

    /** softmax(scores + mask) row by row equals the captured pattern. */
    private static void assertPatternIsSoftmaxOfScores(Tensor scores, Tensor pattern, boolean causal) {
        int heads = scores.dim(0);
        int t = scores.dim(1);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                int visible = causal ? i + 1 : t;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    max = Math.max(max, scores.get(h, i, j));
                }
                double sum = 0;
                for (int j = 0; j < visible; j++) {
                    sum += Math.exp(scores.get(h, i, j) - max);
                }
                for (int j = 0; j < t; j++) {
                    double expected = j < visible ? Math.exp(scores.get(h, i, j) - max) / sum : 0;
                    assertEquals(expected, pattern.get(h, i, j), 1e-5, "pattern from scores, head " + h + " (" + i + ", " + j + ")");
                }
            }
        }
    }
}
