package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec;
import attnscope.synth.SynthSpec.DType;
import attnscope.synth.SynthSpec.Fault;
import attnscope.synth.SynthSpec.Style;
import attnscope.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every attention structure that today's exporters write, in fp32 and fp16, through the command
 * line as a user runs it: an honest model opens with exit 0, its pattern is ONNX Runtime's own
 * (summary.json says so per layer) and agrees with the reference; a model with a planted fault
 * exits 3, caught by the check meant for it.
 */
class ExportStructuresTest {
    /** 40 varied ids: long enough that the mask shows in every head, short enough to be quick. */
    private static final String IDS = "116,104,101,32,99,97,116,32,99,104,97,115,101,115,32,116,104,101,32,109,111,117,115,101,"
            + "32,97,110,100,32,116,104,101,32,100,111,103,44,32,119,104,105";

    @TempDir
    Path tmp;

    static Stream<Arguments> structures() {
        List<Arguments> all = new ArrayList<>();
        for (Style style : Style.values()) {
            for (DType dtype : DType.values()) {
                all.add(Arguments.of(style, dtype));
            }
        }
        return all.stream();
    }

    private static Path model(Style style, DType dtype, Fault fault) {
        // d = 32: √(1/√d) is not exact in fp16, so the scale check meets the constant's rounding.
        SynthSpec.Builder b = SynthSpec.tiny().headDim(32).style(style).dtype(dtype).seed(11);
        if (fault != null) {
            b.fault(fault);
        }
        String name = style.cliName() + "-" + dtype.cliName() + (fault == null ? "" : "-" + fault.name().toLowerCase(Locale.ROOT));
        return SynthFixtures.model("export-" + name, b.build());
    }

    /**
     * Plain multi-head attention (as many key/value heads as query heads): nothing is repeated, so
     * MultiHeadAttention reads the rotated (B, H, T, d) keys directly; they were once taken for (B, T, H·d).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Style.class)
    void withoutGroupedHeadsEveryStructurePassesItsChecks(Style style) throws Exception {
        Path model = SynthFixtures.model("export-" + style.cliName() + "-mha4",
                SynthSpec.tiny().heads(4).kvHeads(4).style(style).seed(11).build());
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("inspect", "--model", model.toString(), "--ids", IDS, "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertFalse(r.out().contains("✗"), r.out()); // shape.k above all: (4, 40, 16), not (4, 160, 4)
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("structures")
    void opensWithThePatternFromOnnxRuntimeAndTheReferenceAgrees(Style style, DType dtype) throws Exception {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("inspect", "--model", model(style, dtype, null).toString(), "--ids", IDS, "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        JsonNode sources = summary.get("patternSources");
        assertEquals(2, sources.size(), sources.toString());
        for (JsonNode layer : sources) {
            assertEquals("model", layer.get("source").asText(), "layer " + layer.get("layer") + ": " + layer);
        }
        // The pattern was compared, per head, with the reference.
        long compared = 0;
        for (JsonNode c : summary.get("checks")) {
            if (c.get("check").asText().equals("pattern.ref")) {
                compared++;
                assertTrue(c.get("passed").asBoolean(), c.toString());
            }
        }
        assertEquals(2 * 4, compared);
        assertTrue(r.out().contains("pattern    from the model"), r.out());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("structures")
    void swappedHeadsExitThreeOnZOfExactlyThoseHeads(Style style, DType dtype) throws Exception {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("inspect", "--model", model(style, dtype, Fault.SWAPPED_HEADS).toString(), "--ids", IDS,
                "--out", out.toString());
        assertEquals(3, r.exit(), r.out() + r.err());
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        List<String> failed = new ArrayList<>();
        for (JsonNode c : summary.get("checks")) {
            if (!c.get("passed").asBoolean()) {
                failed.add(c.get("check").asText() + " " + c.get("layer") + "/" + c.get("head"));
            }
        }
        assertEquals(List.of("z.ref 0/0", "z.ref 0/1", "z.ref 1/0", "z.ref 1/1"), failed);
    }

    /** The onnx-community file variants: q4 (MatMulNBits), q4f16, int8 (DynamicQuantizeLinear + MatMulInteger). */
    static Stream<Arguments> quantizedVariants() {
        List<Arguments> all = new ArrayList<>();
        for (Style style : new Style[] {Style.DECOMPOSED, Style.FUSED_GQA}) {
            all.add(Arguments.of(style, DType.FP32, SynthSpec.Quantize.Q4));
            all.add(Arguments.of(style, DType.FP16, SynthSpec.Quantize.Q4));
            all.add(Arguments.of(style, DType.FP32, SynthSpec.Quantize.INT8));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("quantizedVariants")
    void quantizedVariantsOpenAndStillCatchSwappedHeads(Style style, DType dtype, SynthSpec.Quantize quantize) throws Exception {
        for (Fault fault : new Fault[] {null, Fault.SWAPPED_HEADS}) {
            SynthSpec.Builder b = SynthSpec.tiny().headDim(32).style(style).dtype(dtype).quantize(quantize).seed(11);
            if (fault != null) {
                b.fault(fault);
            }
            Path model = SynthFixtures.model("export-" + style.cliName() + "-" + dtype.cliName() + "-" + quantize.cliName()
                    + (fault == null ? "" : "-swapped"), b.build());
            Path out = tmp.resolve("out-" + fault);
            Cli.Run r = Cli.run("inspect", "--model", model.toString(), "--ids", IDS, "--out", out.toString());
            assertEquals(fault == null ? 0 : 3, r.exit(), r.out() + r.err());
            JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
            for (JsonNode layer : summary.get("patternSources")) {
                assertEquals("model", layer.get("source").asText(), layer.toString());
            }
        }
    }

    static Stream<Arguments> structuresWithAMask() {
        return structures().filter(a -> ((Style) a.get()[0]).ordinaryRotaryAndMask());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("structuresWithAMask")
    void aMaskThatShowsTheFutureExitsThreeOnTheCausalCheckOfEveryHead(Style style, DType dtype) throws Exception {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("inspect", "--model", model(style, dtype, Fault.FUTURE_VISIBLE_MASK).toString(), "--ids", IDS,
                "--out", out.toString());
        assertEquals(3, r.exit(), r.out() + r.err());
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        long causalFailed = 0;
        for (JsonNode c : summary.get("checks")) {
            if (c.get("check").asText().equals("causal") && !c.get("passed").asBoolean()) {
                causalFailed++;
            }
        }
        assertEquals(2 * 4, causalFailed, "every layer and head sees the future");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("structures")
    void figuresDrawTheModelsOwnPattern(Style style, DType dtype) {
        Path out = tmp.resolve("figs");
        Cli.Run r = Cli.run("figures", "--model", model(style, dtype, null).toString(), "--ids", "5,6,7,8,9,10",
                "--layers", "0", "--out", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.isRegularFile(out.resolve("figures/layer00_head00.png")), r.out());
        assertFalse(r.err().contains("internal error"), r.err());
    }
}
