package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import attnscope.capture.HookedModel;
import attnscope.check.CheckResult;
import attnscope.onnx.HookEdits;
import attnscope.onnx.NativePatterns;
import attnscope.onnx.OnnxGraph;
import attnscope.synth.SynthSpec;
import attnscope.synth.SynthSpec.DType;
import attnscope.synth.SynthSpec.Style;
import attnscope.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a fused op's own weights output is not available (GroupQueryAttention's output_qk, Attention's
 * qk_matmul_output, MultiHeadAttention's qk), attnscope writes the op out as ordinary ops beside it
 * (MatMul, scale, the mask — for GroupQueryAttention from seqlens_k —, Softmax, K/V head repeat, rotary
 * from cos_cache/sin_cache) and takes the pattern from there; the op keeps computing the model, and the
 * rewrite's output is compared with the op's ("pattern.copy"). What it cannot rewrite faithfully is
 * refused with exit 4, naming the attribute.
 */
class FusedOpRewriteTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("fp32", SynthSpec.tiny().headDim(32).style(Style.FUSED_GQA).seed(11)),
                Arguments.of("fp16", SynthSpec.tiny().headDim(32).style(Style.FUSED_GQA).dtype(DType.FP16).seed(11)),
                Arguments.of("packed-qkv", SynthSpec.tiny().headDim(32).style(Style.FUSED_GQA).packedQkv(true).seed(11)),
                Arguments.of("q4", SynthSpec.tiny().headDim(32).style(Style.FUSED_GQA).quantize(SynthSpec.Quantize.Q4).seed(11)),
                Arguments.of("onnx-attention-fp32", SynthSpec.tiny().headDim(32).style(Style.ONNX_ATTENTION).seed(11)),
                Arguments.of("onnx-attention-fp16", SynthSpec.tiny().headDim(32).style(Style.ONNX_ATTENTION).dtype(DType.FP16).seed(11)),
                Arguments.of("mha-fp32", SynthSpec.tiny().headDim(32).style(Style.MHA).seed(11)),
                Arguments.of("mha-fp16", SynthSpec.tiny().headDim(32).style(Style.MHA).dtype(DType.FP16).seed(11)));
    }

    private static <T> T unfusing(Supplier<T> run) {
        System.setProperty(HookedModel.UNFUSE_PROPERTY, "always");
        try {
            return run.get();
        } finally {
            System.clearProperty(HookedModel.UNFUSE_PROPERTY);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void thePatternOfTheRewriteAgreesWithTheReferenceAndTheOp(String name, SynthSpec.Builder spec) throws Exception {
        Path model = SynthFixtures.model("rewrite-" + name, spec.build());
        Path out = tmp.resolve("out");
        Cli.Run r = unfusing(() -> Cli.run("inspect", "--model", model.toString(), "--ids", NativePatternCopyTest.ids(NativePatternCopyTest.TINY_IDS),
                "--out", out.toString()));
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        for (JsonNode layer : summary.get("patternSources")) {
            assertEquals("model", layer.get("source").asText(), layer.toString());
            assertTrue(layer.get("kind").asText().contains("rewritten as ordinary ops"), layer.toString());
        }
        int compared = 0;
        for (JsonNode c : summary.get("checks")) {
            assertTrue(c.get("passed").asBoolean(), c.toString());
            compared += c.get("check").asText().equals("pattern.ref") || c.get("check").asText().equals("pattern.copy") ? 1 : 0;
        }
        assertEquals(2 * 4 + 2, compared, "every head's pattern against the reference, every layer's rewrite against the op");
    }

    /**
     * MultiHeadAttention with as many key/value heads as query heads: nothing repeats K before the op, whose
     * key input is the present.N.key output itself (B, H, T, d) — read as 4-D from the graph's declared
     * shape, not as (B, T, H·d). Found by InspectPropertyTest; both pattern paths.
     */
    @Test
    void multiHeadAttentionWithoutGroupingReadsItsKeysAsFourD() {
        Path model = SynthFixtures.model("mha-no-grouping", SynthSpec.tiny().kvHeads(4).headDim(32).style(Style.MHA).seed(11).build());
        for (boolean unfuse : new boolean[] {false, true}) {
            Path out = tmp.resolve("out-" + unfuse);
            Supplier<Cli.Run> run = () -> Cli.run("inspect", "--model", model.toString(), "--ids", "5,6,7,8,9,10", "--out", out.toString());
            Cli.Run r = unfuse ? unfusing(run) : run.get();
            assertEquals(0, r.exit(), r.out() + r.err());
        }
    }

    /** The path taken when ONNX Runtime really refuses the op's weights output: an fp16 op whose output_qk is declared FLOAT. */
    @Test
    void aRefusedWeightsOutputIsRewrittenAndSaysWhy() {
        Path model = SynthFixtures.model("rewrite-fused-gqa-fp16", SynthSpec.tiny().headDim(32).style(Style.FUSED_GQA).dtype(DType.FP16).seed(11).build());
        HookedModel.Prepared prepared = HookedModel.prepare(model, null, line -> { });
        try (HookedModel hooked = prepared.open(attnscope.onnx.Device.CPU, plan -> {
            Map<String, Integer> types = new HashMap<>(plan.edits().outputTypes());
            plan.sites().forEach(s -> s.pattern().filter(p -> p.tensor().startsWith("attnscope.gqa_pattern"))
                    .ifPresent(p -> types.put(p.tensor(), TensorProto.DataType.FLOAT_VALUE))); // the fp16 bug of issue 14
            return new NativePatterns.Plan(plan.sites(), new HookEdits(plan.edits().nodeEdits(), plan.edits().addedNodes(), types),
                    plan.how(), plan.copies());
        })) {
            for (var source : hooked.patternSources().values()) {
                assertTrue(source.fromModel(), source.toString());
                assertTrue(source.kind().contains("rewritten as ordinary ops"), source.kind());
                assertTrue(source.how().contains("ONNX Runtime refused it"), source.how());
            }
            List<CheckResult> checks = Inspector.inspect(hooked, tokens()).checks();
            assertTrue(checks.stream().allMatch(CheckResult::passed), checks.toString());
        }
    }

    /** A planted fault in the rewrite (1/d instead of 1/√d): the comparison with the op and the reference both fail it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fusedStyles")
    void aWrongRewriteFailsTheCopyAndReferenceChecks(Style style) {
        Path model = SynthFixtures.model("rewrite-" + style.cliName() + "-fp32", SynthSpec.tiny().headDim(32).style(style).seed(11).build());
        List<CheckResult> checks = unfusing(() -> NativePatternCopyTest.inspect(model, NativePatternCopyTest.TINY_IDS, plan -> {
            List<NodeProto> added = new ArrayList<>();
            for (NodeProto n : plan.edits().addedNodes()) {
                added.add(n.getOpType().equals("Sqrt") ? n.toBuilder().setOpType("Identity").build() : n);
            }
            return new NativePatterns.Plan(plan.sites(), new HookEdits(plan.edits().nodeEdits(), added, plan.edits().outputTypes()),
                    plan.how(), plan.copies());
        }));
        assertTrue(NativePatternCopyTest.only(checks, "logits").passed(), "the model itself is unchanged");
        assertEquals(2, checks.stream().filter(c -> c.check().equals("pattern.copy") && !c.passed()).count(), checks.toString());
        assertTrue(checks.stream().anyMatch(c -> c.check().equals("pattern.ref") && !c.passed()), checks.toString());
    }

    static Stream<Style> fusedStyles() {
        return Stream.of(Style.FUSED_GQA, Style.ONNX_ATTENTION, Style.MHA);
    }

    static Stream<Arguments> unrewritable() {
        return Stream.of(
                Arguments.of(Style.FUSED_GQA, "local_window_size", (Consumer<NodeProto.Builder>) n -> n.addAttribute(OnnxGraph.intAttributeProto("local_window_size", 4))),
                Arguments.of(Style.FUSED_GQA, "rotary_interleaved", (Consumer<NodeProto.Builder>) n -> n.addAttribute(OnnxGraph.intAttributeProto("rotary_interleaved", 1))),
                Arguments.of(Style.FUSED_GQA, "smooth_softmax", (Consumer<NodeProto.Builder>) n -> n.addAttribute(OnnxGraph.intAttributeProto("smooth_softmax", 1))),
                // A quantized KV cache (newer ONNX Runtime): an attribute the rewrite does not know.
                Arguments.of(Style.FUSED_GQA, "k_quant_type", (Consumer<NodeProto.Builder>) n -> n.addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                        .setName("k_quant_type").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8("PER_CHANNEL")))),
                Arguments.of(Style.ONNX_ATTENTION, "softcap", (Consumer<NodeProto.Builder>) n -> n.addAttribute(ai.onnx.proto.OnnxMl.AttributeProto
                        .newBuilder().setName("softcap").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOAT).setF(30f))),
                // An attribute of the beam-search variant the rewrite does not know.
                Arguments.of(Style.MHA, "cache_indirection_mode", (Consumer<NodeProto.Builder>) n -> n.addAttribute(
                        OnnxGraph.intAttributeProto("cache_indirection_mode", 1))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unrewritable")
    void whatCannotBeRewrittenIsRefusedWithExitFourNamingIt(Style style, String attribute, Consumer<NodeProto.Builder> edit) throws Exception {
        Path base = SynthFixtures.model("rewrite-" + style.cliName() + "-fp32", SynthSpec.tiny().headDim(32).style(style).seed(11).build());
        Path model = withFusedOpEdited(base, tmp.resolve("edited-" + attribute), edit);
        Path out = tmp.resolve("out");
        Cli.Run r = unfusing(() -> Cli.run("inspect", "--model", model.toString(), "--ids", "5,6,7,8,9,10", "--out", out.toString()));
        assertEquals(4, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(attribute), r.err());
        assertFalse(r.err().contains("\tat "), "one line, no stack trace: " + r.err());
        assertFalse(Files.exists(out.resolve("summary.json")));
    }

    /** A copy of a model folder whose attention ops are edited (the weights are linked, not copied). */
    static Path withFusedOpEdited(Path model, Path dir, Consumer<NodeProto.Builder> edit) throws Exception {
        Files.createDirectories(dir);
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals("model.onnx")) {
                    ModelProto.Builder m = OnnxGraph.load(f).model().toBuilder();
                    for (NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
                        if (java.util.Set.of("GroupQueryAttention", "Attention", "MultiHeadAttention").contains(n.getOpType())) {
                            edit.accept(n);
                        }
                    }
                    Files.write(dir.resolve(name), m.build().toByteArray());
                } else if (name.endsWith(".data")) {
                    Files.createSymbolicLink(dir.resolve(name), f.toAbsolutePath());
                } else if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(name));
                }
            }
        }
        return dir;
    }

    private static attnscope.model.TextTokenizer.Tokens tokens() {
        int[] ids = NativePatternCopyTest.TINY_IDS;
        return new attnscope.model.TextTokenizer.Tokens(ids, java.util.stream.IntStream.of(ids).mapToObj(i -> "t" + i).toList());
    }
}
