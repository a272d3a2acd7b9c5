package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shape exercises with Qwen2.5-0.5B's numbers, worked out by hand in the comments. */
class ShapesCliTest {
    @TempDir
    Path tmp;

    @Test
    void qwenAtFiftyTokens() {
        Run r = run("shapes", "--no-figures");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.matches("(?s).*\\nQ\\s+50 × 64\\s+14 × 50 × 64.*"), out);
        assertTrue(out.matches("(?s).*\\nK\\s+50 × 64\\s+2 × 50 × 64\\s+each shared by 7 query heads.*"), out);
        assertTrue(out.matches("(?s).*\\npattern\\s+50 × 50\\s+14 × 50 × 50.*"), out);
        assertTrue(out.contains("50 × 896"), out);
        // 14 · 50 · 50 = 35,000 entries; · 4 bytes = 140,000 bytes = 136.7 KiB; · 24 = 840,000 entries, 3.2 MiB.
        assertTrue(out.contains("14 × 50 × 50 = 35,000 per layer = 136.7 KiB"), out);
        assertTrue(out.contains("× 24 layers = 840,000 = 3.2 MiB"), out);
        // T = 32768: 14 · 2^30 · 4 bytes = 56 GiB per layer; · 24 = 1344 GiB = 1.3 TiB.
        assertTrue(out.matches("(?s).*\\n32,768\\s+15,032,385,536\\s+56\\.0 GiB\\s+1\\.3 TiB.*"), out);
        assertTrue(out.matches("(?s).*\\n\\s+100\\s+140,000\\s+546\\.9 KiB\\s+12\\.8 MiB\\s+T × 2 → memory × 4.*"), out);
    }

    @Test
    void optionsAndConfigOverrideTheDefaults() throws Exception {
        Run r = run("shapes", "--tokens", "10", "--num-heads", "4", "--kv-heads", "4", "--head-dim", "8",
                "--num-layers", "2", "--up-to", "40", "--no-figures");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("one per query head (multi-head attention)"), r.out());
        assertTrue(r.out().contains("4 × 10 × 10 = 400 per layer = 1.6 KiB"), r.out()); // 1600 bytes
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, "{\"hidden_size\": 384, \"num_hidden_layers\": 6, \"num_attention_heads\": 12, "
                + "\"vocab_size\": 30522, \"max_position_embeddings\": 512, \"model_type\": \"bert\"}");
        Run bert = run("shapes", "--model", tmp.toString(), "--json", "--no-figures");
        assertEquals(0, bert.exit(), bert.err());
        assertTrue(bert.out().contains("\"headDim\" : 32"), bert.out());
        assertTrue(bert.out().contains("\"tokens\" : 512"), bert.out()); // the growth table ends at max_position_embeddings
        Run missing = run("shapes", "--model", tmp.resolve("none").toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, missing.exit());
    }

    @Test
    void writesThePlot() {
        Path png = tmp.resolve("sub/memory.png");
        assertEquals(0, run("shapes", "--plot", png.toString()).exit());
        assertTrue(Files.isRegularFile(png));
    }

    /** Issue 17: T = 100,000,000 printed "-5,006,744,073,709,551,616 bytes" (a long wrapped around). */
    @Test
    void countsTooLargeForALongAreRefusedNotWrapped() {
        attnscope.testing.Cli.Run r = attnscope.testing.Cli.run("shapes", "--tokens", "100000000", "--no-plot");
        org.junit.jupiter.api.Assertions.assertEquals(2, r.exit(), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains("T = 100,000,000 tokens: the scores of 24 layers × 14 heads would take "
                + "1.34e+19 bytes, more than attnscope counts exactly"), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains("T can be at most 82,840,980 for this model"), r.err());
        org.junit.jupiter.api.Assertions.assertEquals("", r.out());
        // The largest countable T itself is printed exactly, with no negative number anywhere.
        String most = r.err().replaceAll("(?s).*at most ([0-9,]+).*", "$1").replace(",", "").strip();
        attnscope.testing.Cli.Run ok = attnscope.testing.Cli.run("shapes", "--tokens", most, "--no-plot");
        org.junit.jupiter.api.Assertions.assertEquals(0, ok.exit(), ok.err());
        org.junit.jupiter.api.Assertions.assertFalse(ok.out().matches("(?s).*[ =]-[0-9].*"), ok.out());
        attnscope.testing.Cli.Run upTo = attnscope.testing.Cli.run("shapes", "--up-to", "2000000000", "--no-plot");
        org.junit.jupiter.api.Assertions.assertEquals(2, upTo.exit(), upTo.err());
        attnscope.testing.Cli.Run layers = attnscope.testing.Cli.run("shapes", "--layers", "2000000000", "--no-plot");
        org.junit.jupiter.api.Assertions.assertEquals(2, layers.exit(), layers.err());
        org.junit.jupiter.api.Assertions.assertTrue(layers.err().contains("the growth table runs to T = 32,768 tokens")
                && layers.err().contains("choose a smaller --up-to"), layers.err());
        attnscope.testing.Cli.Run wide = attnscope.testing.Cli.run("shapes", "--num-heads", "100000", "--kv-heads", "1", "--head-dim", "100000",
                "--no-plot");
        org.junit.jupiter.api.Assertions.assertEquals(2, wide.exit(), wide.err());
        org.junit.jupiter.api.Assertions.assertTrue(wide.err().contains("H × d = 100000 × 100000"), wide.err());
    }
}
