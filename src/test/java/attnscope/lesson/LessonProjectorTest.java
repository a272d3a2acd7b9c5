package attnscope.lesson;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.cli.ExitCodes;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.Cli.Run;
import attnscope.testing.HeadlessChromium;
import attnscope.testing.PageLayout;
import attnscope.testing.TestAssets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lesson on a projector: its page rendered in headless Chromium at 1920 × 1080 and at
 * 1024 × 768, every figure loaded and none wider than the window (nor the page itself).
 */
class LessonProjectorTest {
    @Test
    void noFigureIsWiderThanTheWindowAt1920And1024(@TempDir Path dir) throws Exception {
        assertTrue(HeadlessChromium.available(), "chromium missing: run scripts/test-assets.sh");
        Path model = SyntheticModelWriter.write(SynthSpec.qwen25Geometry(2).vocab(151936).seed(2).build(), dir.resolve("model"),
                TestAssets.qwen2Tokenizer(), null);
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--model", model.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        for (String page : new String[] {"index.html", "gallery.html"}) {
            for (int[] window : new int[][] {{1920, 1080}, {1024, 768}}) {
                PageLayout.Layout layout = PageLayout.of(out.resolve(page), window[0], window[1], dir);
                String where = page + " at " + window[0] + " × " + window[1];
                assertTrue(layout.images().size() >= (page.equals("index.html") ? 10 : 2), where + ": " + layout.images());
                for (PageLayout.Image img : layout.images()) {
                    assertTrue(img.loaded() || page.equals("gallery.html"), where + ": " + img.src() + " did not load");
                    assertTrue(img.right() <= layout.clientWidth() + 0.5, where + ": " + img.src() + " ends at " + img.right()
                            + " px, beyond the window's " + layout.clientWidth() + " px");
                }
                assertTrue(layout.scrollWidth() <= layout.clientWidth(), where + ": the page scrolls sideways to " + layout.scrollWidth()
                        + " px in a window of " + layout.clientWidth() + " px");
            }
        }
        // The check sees a figure that is too wide: the same overview at 2000 px in a page without the lesson's CSS.
        java.nio.file.Files.writeString(out.resolve("wide.html"), "<!DOCTYPE html><img src=\"figures/overview.png\" style=\"width:2000px\">");
        PageLayout.Layout wide = PageLayout.of(out.resolve("wide.html"), 1920, 1080, dir);
        assertTrue(wide.images().get(0).right() > wide.clientWidth(), "the control: " + wide);
        assertTrue(wide.scrollWidth() > wide.clientWidth(), "the control scrolls sideways: " + wide);
    }
}
