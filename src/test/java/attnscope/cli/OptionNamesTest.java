package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One name, one meaning across the tool (docs/CONTRACT.md): a shared option name takes the same
 * kind of value everywhere, and the renamed spellings still work for one release, each with a
 * one-line notice on stderr.
 */
class OptionNamesTest {
    @TempDir
    Path tmp;

    @Test
    void everySharedOptionNameTakesTheSameKindOfValue() {
        Map<String, Set<String>> labels = new TreeMap<>();
        collect(AttnscopeCommand.newCommandLine(false), labels);
        labels.forEach((name, kinds) -> assertEquals(1, kinds.size(), name + " means different things: " + kinds));
        // The names the tool settled on (CONTRACT.md).
        assertEquals(Set.of("all|0,5,23"), labels.get("--layers"), "--layers selects layers");
        assertEquals(Set.of("L"), labels.get("--num-layers"), "--num-layers counts them");
        assertEquals(Set.of("all|0,3"), labels.get("--heads"), "--heads selects heads");
        assertEquals(Set.of("H"), labels.get("--num-heads"), "--num-heads counts them");
        assertEquals(Set.of("T"), labels.get("--tokens"), "--tokens is a number of tokens T (or a list of them)");
        assertEquals(Set.of("T0,T1,…"), labels.get("--token-text"));
        assertEquals(Set.of("linear|log|row"), labels.get("--scale"), "--scale is the colour scale");
        assertEquals(Set.of("DIR"), labels.get("--out"));
        assertEquals(Set.of("(flag)"), labels.get("--no-figures"));
        for (String gone : List.of("--plot", "--no-plot", "--figures")) {
            assertFalse(labels.containsKey(gone), gone + " is no longer a visible option");
        }
    }

    private static void collect(CommandLine cl, Map<String, Set<String>> labels) {
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            // A list of the same values ("T[,T...]") is the same kind of value as one ("T").
            String kind = o.arity().max() == 0 ? "(flag)" : o.paramLabel().replaceAll("\\[,([^\\]]+)\\.\\.\\.]$", "");
            for (String n : o.names()) {
                labels.computeIfAbsent(n, x -> new TreeSet<>()).add(kind);
            }
        }
        cl.getSubcommands().values().stream().filter(c -> c != cl).forEach(c -> collect(c, labels));
    }

    /** The run with the old spelling printed exactly one deprecation line naming the new one, and otherwise as the new. */
    private static void assertDeprecated(Run now, Run old, String oldName, String newName) {
        assertEquals(0, now.exit(), now.err());
        assertEquals(0, old.exit(), old.err());
        assertFalse(now.err().contains("deprecated"), now.err());
        List<String> notices = old.err().lines().filter(l -> l.contains("deprecated")).toList();
        assertEquals(1, notices.size(), old.err());
        assertTrue(notices.get(0).startsWith("attnscope: ") && notices.get(0).contains(oldName) && notices.get(0).contains("use " + newName),
                notices.get(0));
        assertFalse(notices.get(0).startsWith("attnscope: attnscope "), "the program is named once: " + notices.get(0));
        assertEquals(now.out(), old.out(), "the old spelling does what the new one does");
    }

    @Test
    void shapesCountsLayersWithNumLayersAndWritesIntoOut() throws Exception {
        assertDeprecated(run("shapes", "--num-layers", "3", "--no-figures"), run("shapes", "--layers", "3", "--no-figures"),
                "--layers", "--num-layers");
        assertTrue(run("shapes", "--num-layers", "3", "--no-figures").out().contains("3 layers"));
        assertDeprecated(run("shapes", "--no-figures"), run("shapes", "--no-plot"), "--no-plot", "--no-figures");

        Run out = run("shapes", "--out", tmp.resolve("a").toString());
        Run plot = run("shapes", "--plot", tmp.resolve("b/p.png").toString());
        assertDeprecated(out, plot, "--plot", "--out");
        assertTrue(Files.isRegularFile(tmp.resolve("a/memory_vs_tokens.png")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/memory_vs_tokens.png")), Files.readAllBytes(tmp.resolve("b/p.png")));
    }

    @Test
    void toyWritesIntoOutAndTakesTokenText() throws Exception {
        Run out = run("toy", "--out", tmp.resolve("a").toString());
        Run figures = run("toy", "--figures", tmp.resolve("b").toString());
        assertEquals(0, figures.exit(), figures.err());
        assertTrue(figures.err().lines().anyMatch(l -> l.contains("--figures DIR is deprecated") && l.contains("use --out DIR")), figures.err());
        assertEquals(out.out(), figures.out());
        assertTrue(Files.isRegularFile(tmp.resolve("a/handout_weights.png")) && Files.isRegularFile(tmp.resolve("b/handout_weights.png")));

        // The old spelling draws the figure the new one draws, under the same name.
        run("toy", "--out", tmp.resolve("c").toString(), "--token-text", "a,b,c,d");
        run("toy", "--out", tmp.resolve("d").toString(), "--tokens", "a,b,c,d");
        try (var c = Files.list(tmp.resolve("c")); var d = Files.list(tmp.resolve("d"))) {
            List<String> named = c.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(named.contains("handout_weights-token-text=a,b,c,d.png"), named.toString());
            assertEquals(named, d.map(f -> f.getFileName().toString()).sorted().toList());
        }

        String[] causal = {"toy", "causal", "--scores", "0,5;0,0", "--no-figures"};
        assertDeprecated(run(concat(causal, "--token-text", "a,b")), run(concat(causal, "--tokens", "a,b")), "--tokens", "--token-text");
        assertDeprecated(run("toy", "--token-text", "a,b,c,d", "--no-figures"), run("toy", "--tokens", "a,b,c,d", "--no-figures"),
                "--tokens", "--token-text");
    }

    @Test
    void synthCountsLayersWithNumLayersAndPlacesTheScaleWithScoreScaling() throws Exception {
        Run now = run("synth", "--out", tmp.resolve("a").toString(), "--preset", "tiny", "--num-layers", "3",
                "--score-scaling", "split-sqrt", "-q");
        Run old = run("synth", "--out", tmp.resolve("b").toString(), "--preset", "tiny", "--layers", "3", "--scale", "split-sqrt", "-q");
        assertEquals(0, now.exit(), now.err());
        assertEquals(0, old.exit(), old.err());
        assertEquals(2, old.err().lines().filter(l -> l.contains("deprecated")).count(), old.err());
        assertTrue(old.err().contains("use --num-layers") && old.err().contains("use --score-scaling"), old.err());
        assertTrue(Files.readString(tmp.resolve("a/config.json")).matches("(?s).*\"num_hidden_layers\"\\s*:\\s*3.*"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a/model.onnx")), Files.readAllBytes(tmp.resolve("b/model.onnx")),
                "the same graph either way");
    }

    @Test
    void shapesAndSynthCountHeadsWithNumHeads() throws Exception {
        assertDeprecated(run("shapes", "--num-heads", "8", "--no-figures"), run("shapes", "--heads", "8", "--no-figures"),
                "--heads", "--num-heads");
        Run now = run("synth", "--out", tmp.resolve("h1").toString(), "--preset", "tiny", "--num-heads", "8", "-q");
        Run old = run("synth", "--out", tmp.resolve("h2").toString(), "--preset", "tiny", "--heads", "8", "-q");
        assertEquals(0, now.exit(), now.err());
        assertEquals(0, old.exit(), old.err());
        assertTrue(old.err().contains("use --num-heads"), old.err());
        assertTrue(Files.readString(tmp.resolve("h1/config.json")).matches("(?s).*\"num_attention_heads\"\\s*:\\s*8.*"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("h1/model.onnx")), Files.readAllBytes(tmp.resolve("h2/model.onnx")));
    }

    @Test
    void toyAndShapesTakeFormatAsFiguresDo() throws Exception {
        assertEquals(0, run("toy", "--out", tmp.resolve("t").toString(), "--format", "png,svg,pdf").exit());
        assertEquals(0, run("toy", "matrix", "--out", tmp.resolve("m").toString(), "--format", "svg").exit());
        assertEquals(0, run("shapes", "--out", tmp.resolve("s").toString(), "--format", "pdf").exit());
        for (String f : List.of("t/handout_weights.png", "t/handout_weights.svg", "t/handout_weights.pdf", "t/handout_vectors.pdf",
                "m/matrix_weights.svg", "s/memory_vs_tokens.pdf")) {
            Path p = tmp.resolve(f);
            assertTrue(Files.isRegularFile(p), f);
            String head = new String(Files.readAllBytes(p), 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(f.endsWith(".pdf") ? head.equals("%PDF-") : f.endsWith(".svg") ? head.startsWith("<") : head.contains("PNG"), f + ": " + head);
        }
        assertFalse(Files.exists(tmp.resolve("m/matrix_weights.png")), "only the formats asked for");
        assertFalse(Files.exists(tmp.resolve("s/memory_vs_tokens.png")));
        assertEquals(ExitCodes.USAGE, run("shapes", "--format", "gif", "--no-figures").exit());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
