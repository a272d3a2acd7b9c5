package attnscope.synth;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small helper for writing ONNX graphs by hand. Nodes are named the way PyTorch's exporter
 * names them: {@code scope + "/" + opType}, with {@code _1}, {@code _2} … for repeats inside a
 * scope, and the output tensor {@code nodeName + "_output_0"}. Small constants (shapes, axes,
 * scalars) live inline in the graph; weights go to a {@link WeightFile}.
 */
final class GraphBuilder {
    static final String MS_DOMAIN = "com.microsoft";

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("main_graph");
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Integer> nameCounts = new HashMap<>();
    private final Set<String> constants = new HashSet<>();
    private final WeightFile weights;

    GraphBuilder(WeightFile weights) {
        this.weights = weights;
    }

    /** One node under construction: add attributes, then read its output name(s). */
    final class Node {
        private final NodeProto.Builder proto;

        private Node(NodeProto.Builder proto) {
            this.proto = proto;
        }

        Node attr(String name, long value) {
            proto.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                    .setI(value));
            return this;
        }

        Node attr(String name, float value) {
            proto.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                    .setF(value));
            return this;
        }

        Node ints(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            proto.addAttribute(a);
            return this;
        }

        Node domain(String domain) {
            proto.setDomain(domain);
            return this;
        }

        /** Replaces the default output names: index i gets {@code names[i]}. */
        Node outputs(String... names) {
            proto.clearOutput();
            for (String n : names) {
                proto.addOutput(n);
            }
            return this;
        }

        String out() {
            return proto.getOutput(0);
        }

        String out(int i) {
            return proto.getOutput(i);
        }

        String name() {
            return proto.getName();
        }
    }

    /** Adds a node {@code scope/opType[_k]} with one default output; "" marks a skipped optional input. */
    Node node(String scope, String opType, String... inputs) {
        String base = scope + "/" + opType;
        int k = nameCounts.merge(base, 1, Integer::sum) - 1;
        String name = k == 0 ? base : base + "_" + k;
        NodeProto.Builder proto = NodeProto.newBuilder().setName(name).setOpType(opType).addOutput(name + "_output_0");
        for (String in : inputs) {
            proto.addInput(in);
        }
        Node n = new Node(proto);
        nodes.add(n);
        return n;
    }

    /** Shorthand for a node without attributes: returns its output. */
    String op(String scope, String opType, String... inputs) {
        return node(scope, opType, inputs).out();
    }

    /** A float32 weight in the external data file; returns the initializer name. */
    String weight(String name, long[] dims, java.util.function.Supplier<WeightFile.Values> values) {
        graph.addInitializer(weights.add(name, dims, values));
        return name;
    }

    /** A weight of {@code type} (FLOAT or FLOAT16) in the external data file; returns the initializer name. */
    String weight(String name, long[] dims, TensorProto.DataType type, java.util.function.Supplier<WeightFile.Values> values) {
        graph.addInitializer(weights.add(name, dims, type, values));
        return name;
    }

    /** A tensor of 8-bit integers (UINT8 or INT8) in the external data file; returns the initializer name. */
    String weightBytes(String name, long[] dims, TensorProto.DataType type, java.util.function.Supplier<byte[]> bytes) {
        graph.addInitializer(weights.addBytes(name, dims, type, bytes));
        return name;
    }

    /** An inline scalar of 8-bit integer type (UINT8 or INT8), shared by name. */
    String int8Scalar(String name, TensorProto.DataType type, int value) {
        return inline(name, TensorProto.newBuilder().setDataType(type.getNumber()), new byte[] {(byte) value});
    }

    /** An inline int64 constant of shape [n] (or a scalar when {@code scalar}), shared by name. */
    String int64s(boolean scalar, long... values) {
        StringBuilder name = new StringBuilder(scalar ? "const_i64_scalar_" : "const_i64_");
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            name.append(i == 0 ? "" : "_").append(values[i] < 0 ? "m" + (-values[i]) : Long.toString(values[i]));
            b.putLong(values[i]);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64.getNumber());
        if (!scalar) {
            t.addDims(values.length);
        }
        return inline(name.toString(), t, b.array());
    }

    /** An inline float32 constant of shape [n] (or a scalar when {@code scalar}). */
    String floats(String name, boolean scalar, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT.getNumber());
        if (!scalar) {
            t.addDims(values.length);
        }
        return inline(name, t, b.array());
    }

    /** An inline constant of {@code type} (FLOAT, or FLOAT16 rounded to nearest), of shape [n] or a scalar. */
    String floats(TensorProto.DataType type, String name, boolean scalar, float... values) {
        if (type == TensorProto.DataType.FLOAT) {
            return floats(name, scalar, values);
        }
        if (type != TensorProto.DataType.FLOAT16) {
            throw new IllegalArgumentException("float constants are FLOAT or FLOAT16, not " + type);
        }
        ByteBuffer b = ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float16.fromFloat(v));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT16.getNumber());
        if (!scalar) {
            t.addDims(values.length);
        }
        return inline(name, t, b.array());
    }

    private String inline(String name, TensorProto.Builder t, byte[] raw) {
        if (constants.add(name)) {
            graph.addInitializer(t.setName(name).setRawData(ByteString.copyFrom(raw)));
        }
        return name;
    }

    /** Declares a graph input; a dimension is a String (symbolic) or a Number (fixed). */
    void input(String name, TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    /** Declares a graph output; a dimension is a String (symbolic) or a Number (fixed). */
    void output(String name, TensorProto.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else {
                dim.setDimParam(d.toString());
            }
            shape.addDim(dim);
        }
        TypeProto tp = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(tp).build();
    }

    GraphProto build() {
        for (Node n : nodes) {
            graph.addNode(n.proto);
        }
        return graph.build();
    }
}
