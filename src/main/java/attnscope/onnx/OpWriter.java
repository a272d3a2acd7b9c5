package attnscope.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes ordinary ONNX nodes for a rewrite of a fused op (see {@link Unfusing}): every node and
 * constant named under one scope, constants as {@code Constant} nodes so the nodes can go into a
 * graph or into {@link HookEdits} alike. Nodes are kept in the order written, which is a
 * topological order when each node is written after its inputs.
 */
final class OpWriter {
    private final String scope;
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> constants = new HashSet<>();
    private int count;

    OpWriter(String scope) {
        this.scope = scope;
    }

    /** One node being written; attributes may be added until {@link #nodes} is called. */
    final class Node {
        final NodeProto.Builder proto;

        private Node(NodeProto.Builder proto) {
            this.proto = proto;
        }

        Node perm(long... perm) {
            return ints("perm", perm);
        }

        Node ints(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            proto.addAttribute(a);
            return this;
        }

        Node attr(String name, long value) {
            proto.addAttribute(OnnxGraph.intAttributeProto(name, value));
            return this;
        }

        String out() {
            return proto.getOutput(0);
        }
    }

    Node node(String opType, String... inputs) {
        String name = scope + opType + "_" + count++;
        NodeProto.Builder b = NodeProto.newBuilder().setName(name).setOpType(opType).addOutput(name + "_output_0");
        for (String in : inputs) {
            b.addInput(in);
        }
        Node n = new Node(b);
        nodes.add(n);
        return n;
    }

    String op(String opType, String... inputs) {
        return node(opType, inputs).out();
    }

    /** A float32 copy of {@code x} (a no-op Cast when it is float32 already). */
    String toFloat(String x) {
        return node("Cast", x).attr("to", TensorProto.DataType.FLOAT_VALUE).out();
    }

    /** A 1-D int64 constant. */
    String ints(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length), b);
    }

    String int64Scalar(String name, long value) {
        ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE), b);
    }

    String floatScalar(String name, float value) {
        ByteBuffer b = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE), b);
    }

    private String constant(String name, TensorProto.Builder t, ByteBuffer raw) {
        String full = scope + name;
        if (constants.add(full)) {
            NodeProto.Builder c = NodeProto.newBuilder().setName(full).setOpType("Constant").addOutput(full)
                    .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                            .setT(t.setName(full).setRawData(ByteString.copyFrom(raw.array()))));
            nodes.add(new Node(c));
        }
        return full;
    }

    /** The nodes written, in order. */
    List<NodeProto> nodes() {
        return nodes.stream().map(n -> n.proto.build()).toList();
    }
}
