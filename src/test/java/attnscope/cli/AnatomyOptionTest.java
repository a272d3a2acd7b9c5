package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec;
import attnscope.testing.Cli.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code figures --anatomy L:H}: the anatomy of the chosen heads, named as CONTRACT.md says. */
class AnatomyOptionTest {
    @Test
    void drawsTheChosenHeadsAndRefusesOnesTheModelLacks(@TempDir Path dir) throws Exception {
        Path model = InspectCommandTest.tinyModel("anatomy", SynthSpec.tiny().seed(9).build());
        Path out = dir.resolve("figs");
        Run r = run("figures", "--model", model.toString(), "--ids", "5,9,2,7,3", "--out", out.toString(), "--size", "400",
                "--anatomy", "1:3,0:0", "--format", "png,svg");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        for (String name : new String[] {"anatomy_layer01_head03", "anatomy_layer00_head00"}) {
            assertTrue(Files.isRegularFile(out.resolve("figures/" + name + ".svg")), name);
            BufferedImage png = ImageIO.read(out.resolve("figures/" + name + ".png").toFile());
            assertEquals(1920, png.getWidth());
            assertEquals(1080, png.getHeight());
        }
        assertTrue(r.out().contains("anatomy"), r.out());

        Run noHead = run("figures", "--model", model.toString(), "--ids", "5,9", "--out", dir.resolve("x").toString(), "--anatomy", "0:4");
        assertEquals(ExitCodes.INPUT, noHead.exit(), noHead.err());
        assertTrue(noHead.err().contains("head 4 does not exist"), noHead.err());
        assertFalse(Files.exists(dir.resolve("x")));
        assertEquals(ExitCodes.USAGE, run("figures", "--model", model.toString(), "--ids", "5,9", "--out", dir.resolve("y").toString(),
                "--anatomy", "3").exit());
    }
}
