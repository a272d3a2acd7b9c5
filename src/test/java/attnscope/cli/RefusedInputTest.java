package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import attnscope.cli.BadInputTest.Case;
import attnscope.synth.SynthSpec;
import attnscope.testing.Cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, second round of hostile input: inputs that were coerced, overflowed or crashed, each
 * refused with its exit code and one line naming the problem, the output folder left as it was
 * (the conventions of {@link BadInputTest}).
 */
class RefusedInputTest {
    @TempDir
    static Path shared;

    static Path tiny;

    @BeforeAll
    static void models() {
        tiny = BadInputTest.cached("badinput-tiny", SynthSpec.tiny().seed(7).build(), null);
    }

    /** The tiny model with one config.json field's value replaced by {@code json}. */
    private static List<String> withConfig(Path scratch, Path out, String field, String json) throws IOException {
        Path m = BadInputTest.copy(tiny, scratch, dir -> {
            Path config = dir.resolve("config.json");
            String text = Files.readString(config);
            String edited = text.replaceFirst("\"" + field + "\"\\s*:\\s*[^,\\n}]+", java.util.regex.Matcher.quoteReplacement("\"" + field + "\" : " + json));
            if (edited.equals(text)) {
                throw new IllegalStateException(field + " not in " + text);
            }
            Files.writeString(config, edited);
        });
        return BadInputTest.inspect(m, out, "--text", "the cat");
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // config.json values of the wrong type were read as 0 (exit 3) or turned the context check off.
        c.add(new Case("rope_theta a string", 4, "\"rope_theta\" (the rotary base θ) must be a number greater than 1",
                (dir, out) -> withConfig(dir, out, "rope_theta", "\"abc\"")));
        c.add(new Case("rope_theta null", 4, "\"rope_theta\" (the rotary base θ) must be a number greater than 1 (10000 or 1000000 as a rule), found null",
                (dir, out) -> withConfig(dir, out, "rope_theta", "null")));
        c.add(new Case("rope_theta negative", 4, "found -10000",
                (dir, out) -> withConfig(dir, out, "rope_theta", "-10000")));
        c.add(new Case("max_position_embeddings a string", 4, "\"max_position_embeddings\" must be an integer, found \"x\"",
                (dir, out) -> withConfig(dir, out, "max_position_embeddings", "\"x\"")));
        c.add(new Case("max_position_embeddings negative", 4, "\"max_position_embeddings\" (the longest context) must be a positive integer, found -1",
                (dir, out) -> withConfig(dir, out, "max_position_embeddings", "-1")));
        // Probe, round 2 of issue 17 (cases of our own).
        c.add(new Case("hidden_size not a multiple of the heads, no head_dim", 4,
                "\"hidden_size\" (66) is not a multiple of \"num_attention_heads\" (4) and there is no \"head_dim\"",
                (dir, out) -> {
                    List<String> args = withConfig(dir, out, "hidden_size", "66");
                    Path config = Path.of(args.get(args.indexOf("--model") + 1)).resolve("config.json");
                    Files.writeString(config, Files.readString(config).replaceFirst(",\\s*\"head_dim\"\\s*:\\s*16", ""));
                    return args;
                }));
        c.add(new Case("max_position_embeddings beyond an int", 4, "\"max_position_embeddings\" is too large: found 99999999999",
                (dir, out) -> withConfig(dir, out, "max_position_embeddings", "99999999999")));
        c.add(new Case("rope_theta written as Infinity (Python's json)", 4, "Non-standard token 'Infinity' (NaN and Infinity are not JSON numbers)",
                (dir, out) -> withConfig(dir, out, "rope_theta", "Infinity")));
        c.add(new Case("rope_theta as a string", 4, "found \"10000\"", (dir, out) -> withConfig(dir, out, "rope_theta", "\"10000\"")));
        c.add(new Case("head_dim 0", 4, "head_dim=0", (dir, out) -> withConfig(dir, out, "head_dim", "0")));
        c.add(new Case("vocab_size far beyond the graph's", 4, "of which 112.0 GiB are the logits (T × vocabulary 2,147,483,647",
                (dir, out) -> withConfig(dir, out, "vocab_size", "2147483647")));
        return c.stream();
    }

    /** model_type is anyone's text: a direction override or NUL in it must not reach the terminal raw. */
    @org.junit.jupiter.api.Test
    void controlCharactersInModelTypeArePrintedAsCodes() throws IOException {
        Path scratch = Files.createTempDirectory(shared, "type");
        List<String> args = withConfig(scratch, scratch.resolve("out"), "model_type", "\"qwen2\\u202e\\u0000\"");
        args = new java.util.ArrayList<>(args);
        args.set(args.indexOf("--text"), "--ids");
        args.set(args.indexOf("the cat"), "1,2,3");
        Run r = BadInputTest.run(args);
        assertEquals(0, r.exit(), r.err());
        String model = r.out().lines().filter(l -> l.startsWith("model")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(model.contains("qwen2\\u202E\\x00"), model);
        org.junit.jupiter.api.Assertions.assertFalse(model.chars().anyMatch(ch -> ch == 0x202E || ch == 0), model);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedInOneLineWithNothingWritten(Case c) throws IOException {
        Path scratch = Files.createTempDirectory(shared, "case");
        Path out = scratch.resolve("out");
        List<String> args = c.setup().args(scratch, out);
        Map<String, String> before = BadInputTest.snapshot(BadInputTest.outOf(args));
        Run r = BadInputTest.run(args);
        BadInputTest.assertRefused(c, r);
        assertEquals(before, BadInputTest.snapshot(BadInputTest.outOf(args)), "the output folder must be left as it was");
    }

    /** A command that runs out of heap where the memory guard could not foresee it. */
    @picocli.CommandLine.Command(name = "hungry")
    static final class Hungry implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @org.junit.jupiter.api.Test
    void runningOutOfHeapIsOneLineAndExitFourNotAStackTrace() {
        Run r = BadInputTest.run(List.of("hungry"), cl -> cl.addSubcommand("hungry", new Hungry()));
        assertEquals(ExitCodes.INPUT, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().startsWith("attnscope: the Java heap ran out of memory (its maximum is "),
                r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains("--layers") && r.err().contains("-Xmx"), r.err());
    }

    /**
     * Issue 17: inspect's token line printed byte-level BPE text (Ġx, čĊ, âĢĭ); it shows the tokens as
     * the figures label them (the README's promise): ␣ for a space, ↵ for a newline, \u200B for a zero-width space.
     */
    @org.junit.jupiter.api.Test
    void theTokenLineShowsTokensAsTheFiguresDo() throws IOException {
        Path qwenTiny = BadInputTest.cached("badinput-qwen-tiny", SynthSpec.tiny().seed(7).vocab(151936).build(),
                attnscope.testing.TestAssets.qwen2Tokenizer());
        Path text = Files.writeString(shared.resolve("line.txt"), "a x\r\nb\u200Bc", java.nio.charset.StandardCharsets.UTF_8);
        Run r = BadInputTest.run(BadInputTest.inspect(qwenTiny, shared.resolve("line-out"), "--text-file", text.toString()));
        assertEquals(0, r.exit(), r.err());
        String line = r.out().lines().filter(l -> l.startsWith("tokens")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(line.contains("␣x") && line.contains("↵") && line.contains("\\u200B"), line);
        org.junit.jupiter.api.Assertions.assertFalse(line.contains("Ġ") || line.contains("č") || line.contains("Ċ") || line.contains("âĢ"), line);
    }
}
