package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Changes made to a graph so that it returns what attnscope reads, beyond exposing existing tensors:
 * node edits (an optional output switched on), nodes added (a Softmax after a fused op's scores),
 * and the element type of every new output, which ONNX Runtime checks against what the node
 * produces (a FLOAT declaration on a FLOAT16 node is refused).
 *
 * @param nodeEdits   changes by node output name (the node's first output)
 * @param addedNodes  nodes appended to the graph (ONNX Runtime orders nodes itself)
 * @param outputTypes TensorProto.DataType of new outputs that no existing node's type tells
 */
public record HookEdits(Map<String, Consumer<NodeProto.Builder>> nodeEdits, List<NodeProto> addedNodes,
        Map<String, Integer> outputTypes) {
    public static final HookEdits NONE = new HookEdits(Map.of(), List.of(), Map.of());

    public HookEdits {
        nodeEdits = Map.copyOf(nodeEdits);
        addedNodes = List.copyOf(addedNodes);
        outputTypes = Map.copyOf(outputTypes);
    }

    public boolean isEmpty() {
        return nodeEdits.isEmpty() && addedNodes.isEmpty() && outputTypes.isEmpty();
    }

    /** Collects edits; {@link #build} freezes them. */
    public static final class Builder {
        private final Map<String, Consumer<NodeProto.Builder>> nodeEdits = new HashMap<>();
        private final List<NodeProto> addedNodes = new java.util.ArrayList<>();
        private final Map<String, Integer> outputTypes = new HashMap<>();

        public Builder edit(String firstOutput, Consumer<NodeProto.Builder> edit) {
            nodeEdits.merge(firstOutput, edit, Consumer::andThen);
            return this;
        }

        public Builder add(NodeProto node) {
            addedNodes.add(node);
            return this;
        }

        public Builder type(String output, int elementType) {
            outputTypes.put(output, elementType);
            return this;
        }

        public HookEdits build() {
            return new HookEdits(nodeEdits, addedNodes, outputTypes);
        }
    }
}
