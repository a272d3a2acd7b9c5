package attnscope.synth;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Test fixture: runs a model folder's graph in ONNX Runtime on one prompt (batch 1). */
final class OrtRunner {
    /** An output: its shape and row-major values. */
    record Output(long[] shape, float[] values) {
    }

    private OrtRunner() {
    }

    /** Runs dir/graphFile on ids (positions 0..T−1, mask all ones) and returns every output. */
    static Map<String, Output> run(Path dir, String graphFile, long[] ids) throws OrtException {
        long[] positions = new long[ids.length];
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = i;
            mask[i] = 1;
        }
        return run(dir, graphFile, new long[][] {ids}, new long[][] {mask}, new long[][] {positions});
    }

    /** Runs dir/graphFile on a batch, (B, T) each, and returns every output. */
    static Map<String, Output> run(Path dir, String graphFile, long[][] ids, long[][] mask, long[][] positions)
            throws OrtException {
        OrtEnvironment env = attnscope.onnx.Sessions.environment(); // the tool's own logging level: asking for another one warns on every call
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(dir.resolve(graphFile).toString(), opts)) {
                Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
                try {
                    inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
                    inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
                    inputs.put("position_ids", OnnxTensor.createTensor(env, positions));
                    Map<String, Output> outputs = new LinkedHashMap<>();
                    try (OrtSession.Result result = session.run(inputs)) {
                        for (Map.Entry<String, OnnxValue> e : result) {
                            OnnxTensor t = (OnnxTensor) e.getValue();
                            FloatBuffer fb = t.getFloatBuffer();
                            float[] values = new float[fb.remaining()];
                            fb.get(values);
                            outputs.put(e.getKey(), new Output(t.getInfo().getShape(), values));
                        }
                    }
                    return outputs;
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** Names of the given input (index ≥ 0) or output (index −1 − k for output k) of every node of an op type. */
    static List<String> tensorsOf(Path dir, String opType, Predicate<String> nodeName, int inputIndex)
            throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        List<String> names = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals(opType) && nodeName.test(n.getName())) {
                names.add(inputIndex >= 0 ? n.getInput(inputIndex) : n.getOutput(-1 - inputIndex));
            }
        }
        return names;
    }

    /** Outputs of every node of an op type, in graph order. */
    static List<String> outputsOf(Path dir, String opType) throws IOException {
        return tensorsOf(dir, opType, n -> true, -1);
    }

    /**
     * Writes dir/hookedFile: model.onnx with the given intermediate float tensors added to the graph
     * outputs, so that ONNX Runtime returns them (it only returns graph outputs).
     */
    static void expose(Path dir, List<String> tensors, String hookedFile) throws IOException {
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx"))).toBuilder();
        for (String name : tensors) {
            b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(name).setType(
                    TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.FLOAT.getNumber()))));
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve(hookedFile))) {
            b.build().writeTo(os);
        }
    }

    /** Runs model.onnx with the given intermediate tensors exposed; returns all outputs. */
    static Map<String, Output> runExposing(Path dir, List<String> tensors, long[] ids) throws Exception {
        expose(dir, tensors, "hooked.onnx");
        return run(dir, "hooked.onnx", ids);
    }
}
