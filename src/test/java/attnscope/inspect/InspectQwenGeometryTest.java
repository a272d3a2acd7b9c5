package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.synth.SynthSpec;
import attnscope.tensor.Tensor;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Qwen2.5-0.5B's exact attention geometry (D 896, 14 query heads, 2 key/value heads, d 64, θ 10⁶)
 * at the lesson's T = 50, in both graph styles: the shapes of the lesson, and every check passing.
 * The phases are timed one by one, as bench will.
 */
class InspectQwenGeometryTest {

    @ParameterizedTest
    @EnumSource(SynthSpec.Style.class)
    void lessonShapesAndAllChecksPass(SynthSpec.Style style) {
        SynthSpec spec = SynthSpec.qwen25Geometry(2).style(style).scale(SynthSpec.ScalePlacement.SPLIT_SQRT).seed(11).build();
        Path dir = SynthFixtures.model("qwen-geometry-" + style.cliName(), spec);
        int[] ids = new int[50];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 37 + 5) % 1024;
        }
        long t0 = System.nanoTime();
        try (HookedModel model = HookedModel.open(dir, Device.CPU, null)) {
            long t1 = System.nanoTime();
            model.openPlain();
            long t2 = System.nanoTime();
            Tensor plain = model.plainForward(ids);
            long t3 = System.nanoTime();
            HookedModel.Capture capture = model.capture(ids);
            long t4 = System.nanoTime();
            InspectionResult r = Inspector.verify(model, TextTokenizer.unlabelled(ids), capture, plain);
            long t5 = System.nanoTime();

            System.err.printf(Locale.ROOT, "%s T=50: open hooked %.3f s, open plain %.3f s, plain forward %.4f s, "
                    + "hooked forward %.4f s, reference+checks %.4f s%n", style.cliName(),
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9, (t5 - t4) / 1e9);
            assertTrue(r.passed(), () -> InspectSyntheticTest.failures(r));
            assertArrayEquals(new int[] {14, 50, 64}, r.model().get(1, Site.Q).shape());
            assertArrayEquals(new int[] {2, 50, 64}, r.model().get(1, Site.K).shape());
            assertArrayEquals(new int[] {2, 50, 64}, r.model().get(1, Site.V).shape());
            assertArrayEquals(new int[] {14, 50, 50}, r.model().get(1, Site.PATTERN).shape());
            assertArrayEquals(new int[] {14, 50, 64}, r.model().get(1, Site.Z).shape());
            assertEquals(2 * 14L, r.checks().stream().filter(c -> c.check().equals("negative-control")).count());
            // The phases can be repeated on the same session and capture (bench does): same checks again.
            InspectionResult again = Inspector.verify(model, TextTokenizer.unlabelled(ids), model.capture(ids), model.plainForward(ids));
            assertEquals(r.checks(), again.checks());
        }
    }
}
