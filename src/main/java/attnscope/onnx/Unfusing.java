package attnscope.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import attnscope.InputException;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites fused attention ops that cannot return their weights as the ordinary ops they stand for,
 * in the hooked graph only (the untouched graph keeps the fused op, and the logits check compares the
 * two). Today: {@code com.microsoft:Attention} (ONNX Runtime's optimizer, GPT-2/BERT-like models),
 * which projects Q, K and V inside and allows only two outputs:
 *
 * <pre>
 *   qkv = x·W + b                                   (B, T, 3·H·d), columns q | k | v
 *   q, k, v = split(qkv) → (B, H, T, d)
 *   scores = q·kᵀ · scale (+ causal mask if unidirectional) (+ (1 − mask_index)·mask_filter_value)
 *   out = softmax(scores)·v → (B, T, H·d)
 * </pre>
 *
 * What cannot be rewritten faithfully is refused with the attribute or input named: a past cache,
 * attention_bias, rotary inside the op, unequal qkv_hidden_sizes, a mask_index that is not the raw
 * (B, T) attention_mask, a present output the graph uses.
 */
public final class Unfusing {
    /** com.microsoft:Attention attributes the rewrite understands. */
    private static final Set<String> KNOWN = Set.of("num_heads", "unidirectional", "scale", "mask_filter_value", "qkv_hidden_sizes",
            "do_rotary", "past_present_share_buffer");
    /** ONNX Runtime's default for masked positions in com.microsoft:Attention. */
    private static final float DEFAULT_MASK_FILTER = -10000f;
    /** The style of a site found in a rewritten com.microsoft:Attention. */
    public static final String UNFUSED_STYLE = "unfused com.microsoft:Attention";
    static final String PREFIX = "attnscope/unfused/";

    private Unfusing() {
    }

    static boolean isMicrosoftAttention(NodeProto n) {
        return n.getOpType().equals("Attention") && n.getDomain().equals("com.microsoft");
    }

    /** The graph with every com.microsoft:Attention rewritten; {@code graph} itself when it has none. */
    public static OnnxGraph unfuse(OnnxGraph graph) {
        if (graph.nodes().stream().noneMatch(Unfusing::isMicrosoftAttention)) {
            return graph;
        }
        ModelProto.Builder m = graph.model().toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        g.clearNode();
        int layer = 0;
        for (NodeProto n : graph.nodes()) {
            if (isMicrosoftAttention(n)) {
                new Rewrite(graph, g, n, layer++).emit();
            } else {
                g.addNode(n);
            }
        }
        return new OnnxGraph(m.build());
    }

    /** One node's rewrite: adds ordinary nodes and their constants to {@code g}. */
    private static final class Rewrite {
        private final OnnxGraph graph;
        private final GraphProto.Builder g;
        private final NodeProto n;
        private final String scope;
        private int count;

        Rewrite(OnnxGraph graph, GraphProto.Builder g, NodeProto n, int layer) {
            this.graph = graph;
            this.g = g;
            this.n = n;
            this.scope = PREFIX + layer + "/";
        }

        private InputException refuse(String what) {
            return new InputException("com.microsoft:Attention " + NativePatterns.nodeName(n) + " " + what
                    + ": attnscope cannot rewrite it as ordinary ops faithfully, and the op cannot return its weights; "
                    + "re-export the model without attention fusion");
        }

        void emit() {
            for (AttributeProto a : n.getAttributeList()) {
                if (!KNOWN.contains(a.getName())) {
                    throw refuse("has attribute " + a.getName() + ", which attnscope does not know");
                }
            }
            if (OnnxGraph.intAttribute(n, "do_rotary", 0) != 0) {
                throw refuse("applies rotary inside (do_rotary = 1)");
            }
            if (OnnxGraph.intAttribute(n, "past_present_share_buffer", 0) != 0) {
                throw refuse("shares its past and present buffers (past_present_share_buffer = 1)");
            }
            String[] optional = {null, null, null, null, "past", "attention_bias", "past_sequence_length"};
            for (int i = 4; i < n.getInputCount(); i++) {
                if (!n.getInput(i).isEmpty()) {
                    throw refuse("has input " + i + " (" + (i < optional.length ? optional[i] : "unknown") + ")");
                }
            }
            if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()
                    && (graph.isGraphOutput(n.getOutput(1)) || !graph.consumers(n.getOutput(1)).isEmpty())) {
                throw refuse("returns a present cache (output 1) that the graph uses");
            }
            long heads = OnnxGraph.intAttribute(n, "num_heads", 0);
            long[] w = graph.initializerDims(n.getInput(1));
            if (w == null || w.length != 2 || heads <= 0) {
                throw refuse("has weights " + n.getInput(1) + " that are not a (D, 3·H·d) initializer, or no num_heads");
            }
            List<Long> sizes = OnnxGraph.intsAttribute(n, "qkv_hidden_sizes");
            if (!sizes.isEmpty() && (sizes.size() != 3 || !sizes.get(0).equals(sizes.get(1)) || !sizes.get(1).equals(sizes.get(2)))) {
                throw refuse("has qkv_hidden_sizes " + sizes + " (unequal Q, K, V widths)");
            }
            long width = w[1] / 3; // H·d
            long d = width / heads;
            float scale = OnnxGraph.floatAttribute(n, "scale", 0f);
            float filter = OnnxGraph.floatAttribute(n, "mask_filter_value", DEFAULT_MASK_FILTER);

            String qkv = op("MatMul", n.getInput(0), n.getInput(1)); // (B, T, 3·H·d)
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                qkv = op("Add", qkv, n.getInput(2));
            }
            String[] heads4 = new String[3]; // q, k, v as (B, H, T, d)
            for (int j = 0; j < 3; j++) {
                String part = op("Slice", qkv, ints("start" + j, j * width), ints("end" + j, (j + 1) * width), ints("axis", 2));
                String split = op("Reshape", part, ints("heads_shape", 0, 0, heads, d)); // (B, T, H, d)
                heads4[j] = node("Transpose", split).perm(0, 2, 1, 3).out();
            }
            String kT = node("Transpose", heads4[1]).perm(0, 1, 3, 2).out(); // (B, H, d, T)
            String scores = op("Mul", op("MatMul", heads4[0], kT), floatScalar("scale", scale == 0f ? (float) (1 / Math.sqrt(d)) : scale));
            if (OnnxGraph.intAttribute(n, "unidirectional", 0) == 1) {
                scores = op("Add", scores, causalBias(n.getInput(0), filter)); // (T, T) broadcast
            }
            if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
                scores = op("Add", scores, paddingBias(n.getInput(3), filter)); // (B, 1, 1, T)
            }
            NodeBuilder softmax = node("Softmax", scores);
            softmax.proto.addAttribute(OnnxGraph.intAttributeProto("axis", -1));
            String z = op("MatMul", softmax.out(), heads4[2]); // (B, H, T, d)
            String zT = node("Transpose", z).perm(0, 2, 1, 3).out(); // (B, T, H, d)
            NodeBuilder concat = node("Reshape", zT, ints("concat_shape", 0, 0, width)); // (B, T, H·d)
            concat.proto.setOutput(0, n.getOutput(0));
        }

        /** (T, T): mask_filter_value where key s lies after query t, 0 elsewhere; T from the input's shape. */
        private String causalBias(String input, float filter) {
            String t = op("Gather", op("Shape", input), ints("one", 1)); // [T]
            String range = op("Range", int64Scalar("zero", 0), op("Squeeze", t, ints("axis0", 0)), int64Scalar("step", 1));
            String queries = op("Unsqueeze", range, ints("axis1", 1)); // (T, 1)
            String keys = op("Unsqueeze", range, ints("axis0b", 0)); // (1, T)
            return op("Where", op("Greater", keys, queries), floatScalar("filter", filter), floatScalar("zero_f", 0f));
        }

        /**
         * (B, 1, 1, T): (1 − mask)·mask_filter_value, for a raw key mask (B, T) of ones and zeros — the only
         * mask_index format read here: it must come from the graph's attention_mask input.
         */
        private String paddingBias(String maskIndex, float filter) {
            String source = maskIndex;
            for (int steps = 0; steps < 4 && graph.producer(source) != null && graph.producer(source).getOpType().equals("Cast"); steps++) {
                source = graph.producer(source).getInput(0);
            }
            if (!source.equals("attention_mask") || !graph.isGraphInput(source)) {
                throw refuse("takes mask_index " + maskIndex + " in a format attnscope does not read (only the raw (B, T) "
                        + "attention_mask input, possibly cast)");
            }
            NodeBuilder asFloat = node("Cast", maskIndex);
            asFloat.proto.addAttribute(OnnxGraph.intAttributeProto("to", TensorProto.DataType.FLOAT_VALUE));
            String blocked = op("Sub", floatScalar("one_f", 1f), asFloat.out());
            return op("Unsqueeze", op("Mul", blocked, floatScalar("filter", filter)), ints("axes12", 1, 2));
        }

        // ---- a small node writer (names under attnscope/unfused/L/) ----

        private final class NodeBuilder {
            final NodeProto.Builder proto;

            NodeBuilder(NodeProto.Builder proto) {
                this.proto = proto;
            }

            NodeBuilder perm(long... perm) {
                AttributeProto.Builder a = AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS);
                for (long p : perm) {
                    a.addInts(p);
                }
                proto.addAttribute(a);
                return this;
            }

            String out() {
                return proto.getOutput(0);
            }
        }

        private NodeBuilder node(String opType, String... inputs) {
            String name = scope + opType + "_" + count++;
            NodeProto.Builder b = NodeProto.newBuilder().setName(name).setOpType(opType).addOutput(name + "_output_0");
            for (String in : inputs) {
                b.addInput(in);
            }
            // Added to the graph builder now; later attribute edits reach it through this builder.
            g.addNode(b);
            return new NodeBuilder(g.getNodeBuilder(g.getNodeCount() - 1));
        }

        private String op(String opType, String... inputs) {
            return node(opType, inputs).out();
        }

        private String ints(String name, long... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                b.putLong(v);
            }
            return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length), b);
        }

        private String int64Scalar(String name, long value) {
            ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
            return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE), b);
        }

        private String floatScalar(String name, float value) {
            ByteBuffer b = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
            return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE), b);
        }

        private final List<String> made = new ArrayList<>();

        private String constant(String name, TensorProto.Builder t, ByteBuffer raw) {
            String full = scope + name;
            if (!made.contains(full)) {
                made.add(full);
                g.addInitializer(t.setName(full).setRawData(ByteString.copyFrom(raw.array())));
            }
            return full;
        }
    }
}
