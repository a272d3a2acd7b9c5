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

/** Test fixture: runs a model folder's graph in ONNX Runtime on one prompt (batch 1). */
final class OrtRunner {
    /** An output: its shape and row-major values. */
    record Output(long[] shape, float[] values) {
    }

    private OrtRunner() {
    }

    /** Runs dir/graphFile on ids (positions 0..T−1, mask all ones) and returns every output. */
    static Map<String, Output> run(Path dir, String graphFile, long[] ids) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(dir.resolve(graphFile).toString(), opts)) {
                long[] positions = new long[ids.length];
                long[] mask = new long[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    positions[i] = i;
                    mask[i] = 1;
                }
                Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
                try {
                    inputs.put("input_ids", OnnxTensor.createTensor(env, new long[][] {ids}));
                    inputs.put("attention_mask", OnnxTensor.createTensor(env, new long[][] {mask}));
                    inputs.put("position_ids", OnnxTensor.createTensor(env, new long[][] {positions}));
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

    /**
     * Writes dir/hooked.onnx: model.onnx with the output of every node of the given op type added
     * to the graph outputs (in graph order), so ONNX Runtime returns those intermediate tensors.
     */
    static List<String> exposeOutputsOf(Path dir, String opType, String hookedFile) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        ModelProto.Builder b = model.toBuilder();
        List<String> names = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals(opType)) {
                names.add(n.getOutput(0));
                b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(n.getOutput(0)).setType(
                        TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber()))));
            }
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve(hookedFile))) {
            b.build().writeTo(os);
        }
        return names;
    }
}
