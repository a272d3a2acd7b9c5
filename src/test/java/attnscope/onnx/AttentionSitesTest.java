package attnscope.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.InputException;
import attnscope.testing.TestAssets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attention is found from the graph's structure; a graph of another kind is refused saying what was found. */
class AttentionSitesTest {

    @Test
    void findsEveryLayerOfARealEncoderWithItsLayouts() {
        OnnxGraph g = OnnxGraph.load(TestAssets.Encoder.MINILM_L6_V2.modelDir().resolve("model.onnx"));
        List<AttentionSite> sites = AttentionSites.find(g, 6);
        assertEquals(6, sites.size());
        AttentionSite s = sites.get(3);
        assertTrue(s.node().contains("layer.3"), "names agree with structure: " + s.node());
        // BERT keeps Q and K as (B, T, H, d) before transposing: read with perm (0, 2, 1, 3).
        assertEquals(List.of(0, 2, 1, 3), toList(((HeadLayout.Split) s.q().layout()).perm()));
        assertEquals(List.of(0, 2, 1, 3), toList(((HeadLayout.Split) s.k().layout()).perm()));
        assertEquals(1 / Math.sqrt(32), s.graphScale(), 1e-6, "the Div by √d is found");
        assertTrue(s.masked());
        assertTrue(s.z().layout() instanceof HeadLayout.Packed, "z is read where the output projection reads it");
    }

    @Test
    void configWithMoreLayersThanTheGraphNamesTheMissingLayer() {
        OnnxGraph g = OnnxGraph.load(TestAssets.Encoder.MINILM_L6_V2.modelDir().resolve("model.onnx"));
        InputException e = assertThrows(InputException.class, () -> AttentionSites.find(g, 7));
        assertTrue(e.getMessage().startsWith("layer 6: no attention found"), e.getMessage());
    }

    @Test
    void graphWithoutAttentionIsRefusedWithWhatWasFound() {
        GraphProto graph = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("w").addOutput("y"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("y").addOutput("z"))
                .build();
        OnnxGraph g = new OnnxGraph(ModelProto.newBuilder().setGraph(graph).build());
        InputException e = assertThrows(InputException.class, () -> AttentionSites.find(g, 1));
        assertTrue(e.getMessage().startsWith("layer 0: no attention found"), e.getMessage());
        assertTrue(e.getMessage().contains("1 MatMul") && e.getMessage().contains("1 Relu"), e.getMessage());
    }

    @Test
    void fusedAttentionThatCannotBeOpenedIsNamedWithWhatToDo() {
        // com.microsoft:Attention projects Q, K and V inside the op: they are never tensors of the graph.
        GraphProto.Builder graph = GraphProto.newBuilder();
        for (int layer = 0; layer < 2; layer++) {
            graph.addNode(NodeProto.newBuilder().setName("/layers." + layer + "/attn/Attention").setOpType("Attention")
                    .setDomain("com.microsoft").addInput("x" + layer).addInput("w" + layer).addInput("b" + layer).addOutput("o" + layer));
        }
        OnnxGraph g = new OnnxGraph(ModelProto.newBuilder().setGraph(graph).build());
        InputException e = assertThrows(InputException.class, () -> AttentionSites.find(g, 2));
        assertTrue(e.getMessage().startsWith("layer 0: the graph computes attention in 2 com.microsoft:Attention nodes"),
                e.getMessage());
        assertTrue(e.getMessage().contains("without attention fusion"), e.getMessage());
    }

    @Test
    void standardAttentionAndMultiHeadAttentionAreSitesTheirDomainTellsThemApart() {
        GraphProto.Builder graph = GraphProto.newBuilder();
        graph.addNode(NodeProto.newBuilder().setName("/layers.0/attn/Attention").setOpType("Attention")
                .addInput("q0").addInput("k0").addInput("v0").addOutput("o0"));
        graph.addNode(NodeProto.newBuilder().setName("/layers.1/attn/MultiHeadAttention").setOpType("MultiHeadAttention")
                .setDomain("com.microsoft").addInput("q1").addInput("k1").addInput("v1").addOutput("o1")
                .addAttribute(OnnxGraph.intAttributeProto("num_heads", 4)));
        OnnxGraph g = new OnnxGraph(ModelProto.newBuilder().setGraph(graph).build());
        List<AttentionSite> sites = AttentionSites.find(g, 2);
        assertEquals(List.of("onnx-attention", "mha"), sites.stream().map(AttentionSite::style).toList());
        assertEquals("q0", sites.get(0).q().tensor());
        assertEquals(new HeadLayout.Packed(0, 4, 4), sites.get(1).q().layout(), "MultiHeadAttention's query is (B, T, H·d)");
    }

    @Test
    void softmaxThatIsNotAttentionIsNamed() {
        GraphProto graph = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setName("/classifier/Softmax").setOpType("Softmax").addInput("logits").addOutput("p"))
                .build();
        OnnxGraph g = new OnnxGraph(ModelProto.newBuilder().setGraph(graph).build());
        InputException e = assertThrows(InputException.class, () -> AttentionSites.find(g, 1));
        assertTrue(e.getMessage().contains("Softmax /classifier/Softmax: its input does not come from a MatMul"), e.getMessage());
    }

    /**
     * An fp16 graph that computes Q in fp32 and rounds it with a Cast, and (as Hugging Face's eager
     * attention does) takes softmax in fp32 and rounds the weights back: Q and the pattern are read
     * after the rounding, where the model's own numbers are.
     */
    @Test
    void fp16TapsSitAfterTheCastsThatRoundToFp16() {
        long fp16 = ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE;
        long fp32 = ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE;
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(typed("q32", (int) fp32)).addInput(typed("k16", (int) fp16)).addInput(typed("v16", (int) fp16));
        graph.addNode(cast("q32", "q16", fp16));
        graph.addNode(NodeProto.newBuilder().setOpType("Transpose").addInput("k16").addOutput("kT")
                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("perm")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS).addInts(0).addInts(1).addInts(3).addInts(2)));
        graph.addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("q16").addInput("kT").addOutput("scores16"));
        graph.addNode(cast("scores16", "scores32", fp32));
        graph.addNode(NodeProto.newBuilder().setName("/attn/Softmax").setOpType("Softmax").addInput("scores32").addOutput("p32"));
        graph.addNode(cast("p32", "p16", fp16));
        graph.addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("p16").addInput("v16").addOutput("z"));
        OnnxGraph g = new OnnxGraph(ModelProto.newBuilder().setGraph(graph).build());
        AttentionSite site = AttentionSites.find(g, 1).get(0);
        assertEquals("q16", site.q().tensor(), "Q after the Cast to fp16");
        assertEquals("k16", site.k().tensor());
        assertEquals("p16", site.pattern().orElseThrow().tensor(), "the weights after the Cast back to fp16");
    }

    private static NodeProto cast(String in, String out, long to) {
        return NodeProto.newBuilder().setOpType("Cast").addInput(in).addOutput(out).addAttribute(OnnxGraph.intAttributeProto("to", to)).build();
    }

    private static ai.onnx.proto.OnnxMl.ValueInfoProto typed(String name, int type) {
        return ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type))).build();
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
