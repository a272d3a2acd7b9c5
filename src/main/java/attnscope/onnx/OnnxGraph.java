package attnscope.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import attnscope.InputException;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An ONNX graph read with the ONNX protobuf classes, indexed for walking: which node produces a
 * tensor, which nodes consume it, which names are weights (initializers), graph inputs and
 * outputs. Attention sites are found by walking these edges (see {@link AttentionSites}).
 *
 * <p>Editing is limited to what capturing needs: adding graph outputs (ONNX Runtime returns only
 * graph outputs, so an intermediate tensor becomes readable by being listed as one) and setting an
 * attribute on a node. Weights stored as external data stay where they are; the edited graph
 * refers to them by the same relative file name.
 */
public final class OnnxGraph {
    private final ModelProto model;
    private final List<NodeProto> nodes;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, Integer> knownTypes = new HashMap<>();
    private final Map<String, Integer> knownRanks = new HashMap<>();
    private final Set<String> inputs = new LinkedHashSet<>();
    private final Set<String> outputs = new LinkedHashSet<>();

    public OnnxGraph(ModelProto model) {
        this.model = model;
        GraphProto g = model.getGraph();
        this.nodes = g.getNodeList();
        for (NodeProto n : nodes) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producers.put(out, n);
                }
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
            knownTypes.put(t.getName(), t.getDataType());
        }
        for (ValueInfoProto v : g.getInputList()) {
            inputs.add(v.getName());
            recordType(v);
        }
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(v.getName());
            recordType(v);
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            recordType(v);
        }
    }

    private void recordType(ValueInfoProto v) {
        if (v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
            knownTypes.put(v.getName(), v.getType().getTensorType().getElemType());
        }
        if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
            knownRanks.put(v.getName(), v.getType().getTensorType().getShape().getDimCount());
        }
    }

    /** The rank a graph input, output or value_info declares for a tensor; −1 where none does. */
    public int declaredRank(String tensor) {
        return knownRanks.getOrDefault(tensor, -1);
    }

    /**
     * Reads an ONNX file (graph and any weights inside it; external weights are not loaded). The file
     * is memory-mapped and parsed with aliasing, so weights inside a large file are not copied onto
     * the Java heap.
     */
    public static OnnxGraph load(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                throw new InputException(file + " is empty (0 bytes): download or export the model again");
            }
            if (size >= Integer.MAX_VALUE) {
                throw new InputException(file + " is " + size + " bytes: a single ONNX file must stay below 2 GiB "
                        + "(the protobuf limit); use a model with external weights (model.onnx + model.onnx_data)");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            CodedInputStream coded = CodedInputStream.newInstance(mapped);
            coded.enableAliasing(true);
            coded.setSizeLimit(Integer.MAX_VALUE);
            ModelProto model = ModelProto.parseFrom(coded);
            // Protobuf reads almost any bytes as some message: a file that parses but holds no graph
            // is a file of another kind.
            if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
                throw new InputException(file + " is not an ONNX model (" + size + " bytes, no graph inside): "
                        + "download or export the model again");
            }
            return new OnnxGraph(model);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InputException(file + " is not a valid ONNX file: it is cut short or not ONNX at all ("
                    + firstSentence(e.getMessage()) + "); download or export the model again");
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Protobuf's messages run to three sentences of advice about its own internals; the first says what happened. */
    private static String firstSentence(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf(". ");
        String first = end < 0 ? message : message.substring(0, end);
        first = first.replace('\n', ' ').strip();
        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    }

    public ModelProto model() {
        return model;
    }

    /** Nodes in the file's order, which ONNX requires to be topological. */
    public List<NodeProto> nodes() {
        return nodes;
    }

    public NodeProto producer(String tensor) {
        return producers.get(tensor);
    }

    public List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    public boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor);
    }

    public boolean isGraphInput(String tensor) {
        return inputs.contains(tensor);
    }

    public boolean isGraphOutput(String tensor) {
        return outputs.contains(tensor);
    }

    public List<String> outputNames() {
        return List.copyOf(outputs);
    }

    /** Graph inputs that are real inputs (older exports list initializers as inputs too). */
    public List<ValueInfoProto> realInputs() {
        List<ValueInfoProto> list = new ArrayList<>();
        for (ValueInfoProto v : model.getGraph().getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                list.add(v);
            }
        }
        return list;
    }

    /** Ops that pass token ids on unchanged in value (ids are often cast or reshaped before the lookup). */
    private static final Set<String> ID_PASS_THROUGH = Set.of("Cast", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity");

    /**
     * Rows of the embedding table that the ids of graph input {@code idsInput} are looked up in: the
     * first dimension of the weight a Gather reads with them, following the ids through casts and
     * reshapes. Empty when the table is not a plain 2-D weight (computed, quantized in a node).
     */
    public java.util.OptionalLong embeddingRows(String idsInput) {
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(idsInput));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            for (NodeProto n : consumers(t)) {
                if (n.getOpType().equals("Gather") && n.getInputCount() > 1 && n.getInput(1).equals(t)) {
                    TensorProto table = initializers.get(n.getInput(0));
                    if (table != null && table.getDimsCount() == 2) {
                        return java.util.OptionalLong.of(table.getDims(0));
                    }
                } else if (ID_PASS_THROUGH.contains(n.getOpType()) && n.getInputCount() > 0 && n.getInput(0).equals(t)) {
                    todo.addAll(n.getOutputList());
                }
            }
        }
        return java.util.OptionalLong.empty();
    }

    /** True when the tensor is a weight, or computed from weights and constants only (a dequantized weight, say). */
    public boolean isConstant(String tensor) {
        return isConstant(tensor, 0);
    }

    private boolean isConstant(String tensor, int depth) {
        if (initializers.containsKey(tensor)) {
            return true;
        }
        NodeProto p = producers.get(tensor);
        if (p == null || depth > 4 || inputs.contains(tensor)) {
            return false;
        }
        if (p.getOpType().equals("Constant")) {
            return true;
        }
        for (String in : p.getInputList()) {
            if (!in.isEmpty() && !isConstant(in, depth + 1)) {
                return false;
            }
        }
        return p.getInputCount() > 0;
    }

    /** The dimensions of an initializer, or null when {@code tensor} is not one. */
    public long[] initializerDims(String tensor) {
        TensorProto t = initializers.get(tensor);
        return t == null ? null : t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The number of elements of a 1-D constant (an initializer or a Constant node): a Reshape target's rank; −1 if not a constant. */
    public int int64Count(String tensor) {
        TensorProto t = initializers.get(tensor);
        if (t == null) {
            NodeProto p = producers.get(tensor);
            if (p == null || !p.getOpType().equals("Constant")) {
                return -1;
            }
            t = p.getAttributeList().stream().filter(AttributeProto::hasT).map(AttributeProto::getT).findFirst().orElse(null);
        }
        if (t == null || t.getDimsCount() != 1) {
            return -1;
        }
        return (int) t.getDims(0);
    }

    /** The value of a one-element float constant (an initializer or a Constant node), if it is one. */
    public OptionalDouble scalar(String tensor) {
        TensorProto t = initializers.get(tensor);
        if (t == null) {
            NodeProto p = producers.get(tensor);
            if (p == null || !p.getOpType().equals("Constant")) {
                return OptionalDouble.empty();
            }
            for (AttributeProto a : p.getAttributeList()) {
                if (a.getName().equals("value") && a.hasT()) {
                    t = a.getT();
                } else if (a.getName().equals("value_float")) {
                    return OptionalDouble.of(a.getF());
                }
            }
            if (t == null) {
                return OptionalDouble.empty();
            }
        }
        long n = 1;
        for (long dim : t.getDimsList()) {
            n *= dim;
        }
        if (n != 1) {
            return OptionalDouble.empty();
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE:
                return OptionalDouble.of(t.getFloatDataCount() > 0 ? t.getFloatData(0) : raw.getFloat());
            case TensorProto.DataType.DOUBLE_VALUE:
                return OptionalDouble.of(t.getDoubleDataCount() > 0 ? t.getDoubleData(0) : raw.getDouble());
            case TensorProto.DataType.FLOAT16_VALUE:
                return OptionalDouble.of(Half.toFloat(t.getInt32DataCount() > 0
                        ? (short) t.getInt32Data(0) : raw.getShort()));
            default:
                return OptionalDouble.empty();
        }
    }

    /**
     * Refuses external weights that cannot all be there: a weight file that is missing, or shorter
     * than the offsets the graph gives for its tensors (a download cut short). ONNX Runtime would
     * otherwise fail only while opening the session, naming one tensor "out of bounds".
     *
     * @param graphFolder the folder the graph's weight locations are relative to
     */
    public void requireExternalWeights(Path graphFolder) {
        Map<String, Long> sizes = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
                continue;
            }
            String location = null;
            long offset = 0;
            long length = -1;
            for (ai.onnx.proto.OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = parseOr(e.getValue(), 0);
                    case "length" -> length = parseOr(e.getValue(), -1);
                    default -> { }
                }
            }
            if (location == null) {
                continue;
            }
            Path file = graphFolder.resolve(location);
            long size = sizes.computeIfAbsent(location, l -> {
                try {
                    return java.nio.file.Files.size(file);
                } catch (IOException e) {
                    return -1L;
                }
            });
            if (size < 0) {
                throw new InputException("the graph keeps its weights in " + file + ", which is missing or unreadable: "
                        + "download the whole model folder again");
            }
            long end = offset + Math.max(length, 0);
            if (end > size) {
                throw new InputException(file + " is cut short: it has " + size + " bytes but weight " + t.getName()
                        + " ends at byte " + end + "; download the model again");
            }
        }
    }

    private static long parseOr(String value, long fallback) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** An integer attribute of a node, or the default when it is absent. */
    public static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    public static float floatAttribute(NodeProto node, String name, float fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return fallback;
    }

    public static List<Long> intsAttribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList();
            }
        }
        return List.of();
    }

    /**
     * The element type (TensorProto.DataType) of a tensor. Graphs rarely declare intermediate
     * types, so it is inferred the cheap way that holds for the tensors attention captures
     * (MatMul, Softmax, Add, Reshape, Transpose outputs): an output has its first input's type,
     * except after a Cast.
     */
    public int elementType(String tensor) {
        Set<String> seen = new HashSet<>();
        String current = tensor;
        while (seen.add(current)) {
            Integer known = knownTypes.get(current);
            if (known != null) {
                return known;
            }
            NodeProto p = producers.get(current);
            if (p == null) {
                break;
            }
            if (p.getOpType().equals("Cast")) {
                return (int) intAttribute(p, "to", TensorProto.DataType.FLOAT_VALUE);
            }
            if (p.getOpType().equals("Constant")) {
                for (AttributeProto a : p.getAttributeList()) {
                    if (a.hasT()) {
                        return a.getT().getDataType();
                    }
                }
            }
            if (p.getInputCount() == 0 || p.getInput(0).isEmpty()) {
                break;
            }
            current = p.getInput(0);
        }
        return TensorProto.DataType.FLOAT_VALUE;
    }

    /**
     * The model with extra graph outputs and node edits, serialized: what a hooked session is
     * created from. Weights inside the file come along; external weights stay referenced.
     *
     * @param extraOutputs tensors to expose (already-existing outputs are skipped)
     * @param nodeEdits    changes by node output name (first output), e.g. switching on an optional output
     */
    public byte[] withOutputs(Collection<String> extraOutputs, Map<String, Consumer<NodeProto.Builder>> nodeEdits) {
        return withOutputs(extraOutputs, nodeEdits, Map.of());
    }

    /**
     * As {@link #withOutputs(Collection, Map)}, with external-data file names replaced
     * ({@code relocated}: location in the file → location to write), see {@link #externalLocations}.
     */
    public byte[] withOutputs(Collection<String> extraOutputs, Map<String, Consumer<NodeProto.Builder>> nodeEdits,
            Map<String, String> relocated) {
        return withOutputs(extraOutputs, new HookEdits(nodeEdits, List.of(), Map.of()), relocated);
    }

    /**
     * As {@link #withOutputs(Collection, Map, Map)} with added nodes, and new outputs declared with the
     * type {@code edits} gives them (else the type inferred by {@link #elementType}).
     */
    public byte[] withOutputs(Collection<String> extraOutputs, HookEdits edits, Map<String, String> relocated) {
        Map<String, Consumer<NodeProto.Builder>> nodeEdits = edits.nodeEdits();
        ModelProto.Builder m = model.toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        if (!relocated.isEmpty()) {
            for (TensorProto.Builder t : g.getInitializerBuilderList()) {
                for (ai.onnx.proto.OnnxMl.StringStringEntryProto.Builder e : t.getExternalDataBuilderList()) {
                    if (e.getKey().equals("location") && relocated.containsKey(e.getValue())) {
                        e.setValue(relocated.get(e.getValue()));
                    }
                }
            }
        }
        if (!nodeEdits.isEmpty()) {
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                Consumer<NodeProto.Builder> edit = n.getOutputCount() > 0 ? nodeEdits.get(n.getOutput(0)) : null;
                if (edit != null) {
                    NodeProto.Builder b = n.toBuilder();
                    edit.accept(b);
                    g.setNode(i, b.build());
                }
            }
        }
        g.addAllNode(edits.addedNodes());
        Set<String> present = new HashSet<>(outputs);
        for (String name : extraOutputs) {
            if (present.add(name)) {
                int type = edits.outputTypes().getOrDefault(name, elementType(name));
                g.addOutput(ValueInfoProto.newBuilder().setName(name)
                        .setType(TypeProto.newBuilder().setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(type))));
            }
        }
        // A new tensor that is not an output but feeds an added node (a fused op's scores before an added
        // Softmax) is declared too: ONNX Runtime cannot infer the type of some optional outputs.
        edits.outputTypes().forEach((name, type) -> {
            if (!present.contains(name)) {
                g.addValueInfo(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))));
            }
        });
        return m.build().toByteArray();
    }

    /** The distinct external-data file names the weights refer to (relative to the graph's folder); empty when all are inside. */
    public Set<String> externalLocations() {
        Set<String> locations = new LinkedHashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                for (ai.onnx.proto.OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
                    if (e.getKey().equals("location")) {
                        locations.add(e.getValue());
                    }
                }
            }
        }
        return locations;
    }

    /** An ONNX attribute builder for an integer, for node edits. */
    public static AttributeProto intAttributeProto(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }
}
