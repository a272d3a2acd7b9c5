package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.output.FileSink;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.tensor.Tensor;
import attnscope.testing.TestAssets;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The anatomy of one head: the real values of one head in every block, legible on a projector. */
class AnatomyFigureTest {
    private static InspectionResult inspect(SynthSpec.Style style, int tokens) {
        SynthSpec spec = SynthSpec.qwen25Geometry(2).vocab(512).style(style).seed(4).build();
        Path dir = TestAssets.projectRoot().resolve("target/test-models/anatomy-" + Integer.toHexString(spec.toString().hashCode()));
        Path m = Files.isRegularFile(dir.resolve("model.onnx")) ? dir : SyntheticModelWriter.write(spec, dir, null, ProgressListener.NONE, true);
        int[] ids = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            ids[i] = (7 * i + 3) % 500;
        }
        try (HookedModel model = HookedModel.open(m, Device.CPU, null)) {
            return Inspector.inspect(model, TextTokenizer.unlabelled(ids));
        }
    }

    @Test
    void blocksHoldTheHeadsCapturedValuesWithQwensShapes(@TempDir Path dir) throws Exception {
        InspectionResult r = inspect(SynthSpec.Style.DECOMPOSED, 50);
        AnatomyFigure.Data d = AnatomyFigure.Data.of(r, 1, 9);
        assertEquals(1, d.kvHead(), "head 9 of 14 reads KV head 9 / 7 = 1");
        assertEquals(50 * 64, d.q().length);
        assertEquals(50 * 896, d.concat().length, "concat: T × H·d = 50 × 896");
        Tensor z = r.model().get(1, Site.Z);
        // Row 3 of the concatenation holds head 9's z[3] at columns 9·64 … 9·64 + 63.
        for (int c = 0; c < 64; c++) {
            assertEquals(z.get(9, 3, c), d.concat()[3 * 896 + 9 * 64 + c]);
            assertEquals(r.model().get(1, Site.K).get(1, 3, c), d.k()[3 * 64 + c]);
        }
        assertTrue(d.capturedScores(), "a decomposed graph holds the scores");
        assertEquals(r.model().get(1, Site.SCORES).get(9, 4, 40), d.scores()[4 * 50 + 40], "scores before the mask: a future key has its score");

        AnatomyFigure f = new AnatomyFigure(d, FigureOptions.defaults().withSyntheticLabel(FigureOptions.SYNTHETIC_LABEL));
        assertEquals(1920, f.width());
        assertEquals(1080, f.height(), "landscape 16:9");
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        f.draw(g);
        g.dispose();
        List<AnatomyFigure.Text> texts = f.texts();
        assertFalse(texts.isEmpty());
        for (AnatomyFigure.Text t : texts) {
            assertTrue(t.px() >= AnatomyFigure.MIN_TEXT_PX, "text under 24 px at 1920 px wide: " + t);
            assertTrue(t.x() >= 0 && t.x() + t.width() <= f.width(), "text outside the figure: " + t);
            assertTrue(t.y() > 0 && t.y() < f.height(), "text outside the figure: " + t);
        }
        String all = texts.stream().map(AnatomyFigure.Text::text).reduce("", (a, b) -> a + "\n" + b);
        for (String shape : List.of("50 × 896", "T × d = 50 × 64", "T × T = 50 × 50", "T × H·d = 50 × 896", "KV head 1", "shared by heads 7–13")) {
            assertTrue(all.contains(shape), shape + " in " + all);
        }

        List<Path> files = AnatomyFigure.write(r, 1, 9, dir, FigureOptions.defaults().withFormats(java.util.Set.of(FigureFormat.PNG,
                FigureFormat.SVG)), FileSink.ATOMIC);
        assertEquals(List.of(dir.resolve("anatomy_layer01_head09.png"), dir.resolve("anatomy_layer01_head09.svg")), files);
        BufferedImage png = ImageIO.read(files.get(0).toFile());
        assertArrayEquals(new int[] {1920, 1080}, new int[] {png.getWidth(), png.getHeight()});
    }

    @Test
    void aFusedGraphsScoresAreRecomputedAndSaidToBe() {
        InspectionResult r = inspect(SynthSpec.Style.FUSED_GQA, 6);
        AnatomyFigure.Data d = AnatomyFigure.Data.of(r, 0, 2);
        assertFalse(d.capturedScores());
        Tensor q = r.model().get(0, Site.Q);
        Tensor k = r.model().get(0, Site.K);
        double dot = 0;
        for (int c = 0; c < 64; c++) {
            dot += q.get(2, 5, c) * k.get(0, 1, c);
        }
        assertEquals(dot / 8, d.scores()[5 * 6 + 1], 1e-4);
        AnatomyFigure f = new AnatomyFigure(d, FigureOptions.defaults());
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        f.draw(g);
        g.dispose();
        assertTrue(f.texts().stream().anyMatch(t -> t.text().contains("this graph holds no scores tensor")));
    }

    @Test
    void aRealEncoderWithoutGroupingOrMaskIsDrawnAsItIs() {
        Path minilm = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        try (HookedModel model = HookedModel.open(minilm, Device.CPU, new int[] {2});
                TextTokenizer tok = TextTokenizer.open(minilm.resolve("tokenizer.json"))) {
            InspectionResult r = Inspector.inspect(model, tok.encode("the cat chases the mouse"));
            AnatomyFigure.Data d = AnatomyFigure.Data.of(r, 2, 3);
            assertTrue(d.capturedScores() && !d.causal());
            AnatomyFigure f = new AnatomyFigure(d, FigureOptions.defaults());
            BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            f.draw(g);
            g.dispose();
            String all = f.texts().stream().map(AnatomyFigure.Text::text).reduce("", (a, b) -> a + "\n" + b);
            assertTrue(all.contains("T × H·d = 7 × 384"), all);
            assertFalse(all.contains("KV head") || all.contains("shared by"), "12 heads, 12 KV heads: nothing is shared: " + all);
            assertFalse(all.contains("−∞") || all.contains("hatched"), "an encoder has no causal mask: " + all);
        }
    }

    @Test
    void divergingColoursAreWhiteAtZeroAndSymmetric() {
        assertEquals(0xFFFFFF, AnatomyFigure.diverging(0));
        assertEquals(0x2166AC, AnatomyFigure.diverging(-1));
        assertEquals(0xB2182B, AnatomyFigure.diverging(1));
        assertEquals(0xB2182B, AnatomyFigure.diverging(7), "clamped");
    }
}
