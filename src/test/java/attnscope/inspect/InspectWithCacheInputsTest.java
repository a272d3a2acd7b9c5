package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import attnscope.capture.Site;
import attnscope.synth.SynthSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * optimum's decoder exports take a key/value cache as input: present.N.key =
 * Concat(past_key_values.N.key, rotated keys). Here a synthetic graph is edited into that form
 * (its weights linked, not copied, so the symbolic-link handling is exercised too): attnscope feeds
 * an empty past, still reads K before the grouped-query repeat, and still finds the rotary input.
 */
class InspectWithCacheInputsTest {
    @TempDir
    Path tmp;

    @Test
    void emptyCacheInputsAreFedAndKeysReadFromPresent() throws Exception {
        SynthSpec spec = SynthFixtures.tiny(SynthSpec.Style.DECOMPOSED);
        Path source = SynthFixtures.model("tiny-dec", spec);
        Path dir = Files.createDirectories(tmp.resolve("with-cache"));
        for (String f : new String[] {"config.json", "tokenizer.json", "model.onnx.data"}) {
            Files.createSymbolicLink(dir.resolve(f), source.resolve(f).toAbsolutePath());
        }
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(source.resolve("model.onnx")));
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int layer = 0; layer < spec.layers(); layer++) {
            for (String kind : new String[] {"key", "value"}) {
                String present = "present." + layer + "." + kind;
                String computed = "computed." + layer + "." + kind;
                String past = "past_key_values." + layer + "." + kind;
                for (NodeProto.Builder n : g.getNodeBuilderList()) {
                    for (int i = 0; i < n.getOutputCount(); i++) {
                        if (n.getOutput(i).equals(present)) {
                            n.setOutput(i, computed);
                        }
                    }
                }
                g.addNode(NodeProto.newBuilder().setOpType("Concat").setName("/cache/" + layer + "/" + kind)
                        .addInput(past).addInput(computed).addOutput(present)
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(2)));
                g.addInput(ValueInfoProto.newBuilder().setName(past).setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(spec.kvHeads()))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("past_sequence_length"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(spec.headDim()))))));
            }
        }
        sortTopologically(g);
        Files.write(dir.resolve("model.onnx"), model.toBuilder().setGraph(g).build().toByteArray());

        InspectionResult r = InspectSyntheticTest.inspect(dir);
        assertTrue(r.passed());
        assertEquals(spec.kvHeads(), r.model().get(0, Site.K).dim(0), "K read from present, before the repeat");
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.k")), "the rotary input is found through the cache Concat");
    }

    @Test
    void withoutCacheOutputsKeysAreReadBeforeTheGroupedQueryRepeat() throws Exception {
        // An export without a cache (use_cache=False) has no present.N.key: K is then found before
        // repeat_kv (Unsqueeze → copies → Reshape), still with its Hkv heads.
        SynthSpec spec = SynthFixtures.tiny(SynthSpec.Style.DECOMPOSED);
        Path source = SynthFixtures.model("tiny-dec", spec);
        Path dir = Files.createDirectories(tmp.resolve("no-cache"));
        for (String f : new String[] {"config.json", "tokenizer.json", "model.onnx.data"}) {
            Files.createSymbolicLink(dir.resolve(f), source.resolve(f).toAbsolutePath());
        }
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(source.resolve("model.onnx")));
        GraphProto.Builder g = model.getGraph().toBuilder();
        java.util.List<ValueInfoProto> kept = g.getOutputList().stream().filter(o -> !o.getName().startsWith("present.")).toList();
        g.clearOutput().addAllOutput(kept);
        Files.write(dir.resolve("model.onnx"), model.toBuilder().setGraph(g).build().toByteArray());

        InspectionResult r = InspectSyntheticTest.inspect(dir);
        assertTrue(r.passed());
        assertEquals(spec.kvHeads(), r.model().get(0, Site.K).dim(0));
        assertEquals(spec.kvHeads(), r.model().get(1, Site.V).dim(0));
    }

    /** Moves each appended Concat right after the node producing its computed input (ONNX wants topological order). */
    private static void sortTopologically(GraphProto.Builder g) {
        java.util.List<NodeProto> nodes = new java.util.ArrayList<>(g.getNodeList());
        java.util.List<NodeProto> concats = nodes.stream().filter(n -> n.getName().startsWith("/cache/")).toList();
        nodes.removeAll(concats);
        for (NodeProto c : concats) {
            String computed = c.getInput(1);
            int at = 0;
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).getOutputList().contains(computed)) {
                    at = i + 1;
                }
            }
            nodes.add(at, c);
        }
        g.clearNode().addAllNode(nodes);
    }
}
