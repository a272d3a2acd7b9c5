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
        GraphProto.Builder graph = GraphProto.newBuilder();
        for (int layer = 0; layer < 2; layer++) {
            graph.addNode(NodeProto.newBuilder().setName("/layers." + layer + "/attn/MultiHeadAttention").setOpType("MultiHeadAttention")
                    .setDomain("com.microsoft").addInput("q" + layer).addInput("k" + layer).addInput("v" + layer).addOutput("o" + layer));
        }
        OnnxGraph g = new OnnxGraph(ModelProto.newBuilder().setGraph(graph).build());
        InputException e = assertThrows(InputException.class, () -> AttentionSites.find(g, 2));
        assertTrue(e.getMessage().startsWith("layer 0: the graph computes attention in 2 com.microsoft:MultiHeadAttention nodes"),
                e.getMessage());
        assertTrue(e.getMessage().contains("without attention fusion"), e.getMessage());
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

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
