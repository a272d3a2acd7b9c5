package attnscope.testing;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Valid ONNX models of the wrong kind, written with the ONNX protobuf classes: files ONNX Runtime
 * opens and runs, which attnscope must refuse because they are not transformer language models.
 */
public final class WrongModels {
    private WrongModels() {
    }

    /**
     * A tiny image classifier: pixel_values (1, 3, 8, 8) → Conv 3×3 (4 channels) → Relu →
     * GlobalAveragePool → Flatten → Gemm (10 classes) → Softmax → probabilities. It has a Softmax,
     * as image classifiers do, but no attention and no token ids.
     */
    public static byte[] imageClassifier() {
        Random r = new Random(1);
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny_cnn")
                .addInput(valueInfo("pixel_values", TensorProto.DataType.FLOAT, 1, 3, 8, 8))
                .addOutput(valueInfo("probabilities", TensorProto.DataType.FLOAT, 1, 10))
                .addInitializer(floats("conv.weight", r, 4, 3, 3, 3))
                .addInitializer(floats("conv.bias", r, 4))
                .addInitializer(floats("fc.weight", r, 10, 4))
                .addInitializer(floats("fc.bias", r, 10));
        g.addNode(node("Conv", "/conv/Conv", new String[] {"pixel_values", "conv.weight", "conv.bias"}, "conv"));
        g.addNode(node("Relu", "/relu/Relu", new String[] {"conv"}, "relu"));
        g.addNode(node("GlobalAveragePool", "/pool/GlobalAveragePool", new String[] {"relu"}, "pooled"));
        g.addNode(node("Flatten", "/flatten/Flatten", new String[] {"pooled"}, "features"));
        g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("/fc/Gemm").addInput("features").addInput("fc.weight")
                .addInput("fc.bias").addOutput("scores")
                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("transB")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(1)));
        g.addNode(node("Softmax", "/Softmax", new String[] {"scores"}, "probabilities"));
        return model(g);
    }

    /**
     * A "language model" without attention: input_ids (1, T) → embedding Gather (vocab × 8) →
     * MatMul (8 × vocab) → logits. It takes token ids, so only the search for attention refuses it.
     */
    public static byte[] bagOfWords(int vocab) {
        return bagOfWords(vocab, false);
    }

    /**
     * As {@link #bagOfWords(int)}; with {@code imageInput} the graph also takes pixel_values
     * (1, 3, 8, 8), averaged and added to every position, as a captioning model's text half might.
     */
    public static byte[] bagOfWords(int vocab, boolean imageInput) {
        Random r = new Random(2);
        GraphProto.Builder g = GraphProto.newBuilder().setName("bag_of_words")
                .addInput(valueInfo("input_ids", TensorProto.DataType.INT64, 1, -1))
                .addOutput(valueInfo("logits", TensorProto.DataType.FLOAT, 1, -1, vocab))
                .addInitializer(floats("embed.weight", r, vocab, 8))
                .addInitializer(floats("lm_head.weight", r, 8, vocab));
        if (imageInput) {
            g.addInput(valueInfo("pixel_values", TensorProto.DataType.FLOAT, 1, 3, 8, 8));
            g.addNode(NodeProto.newBuilder().setOpType("ReduceMean").setName("/image/ReduceMean").addInput("pixel_values")
                    .addOutput("brightness").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                            .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
            g.addNode(node("Gather", "/embed/Gather", new String[] {"embed.weight", "input_ids"}, "tokens"));
            g.addNode(node("Add", "/embed/Add", new String[] {"tokens", "brightness"}, "hidden"));
        } else {
            g.addNode(node("Gather", "/embed/Gather", new String[] {"embed.weight", "input_ids"}, "hidden"));
        }
        g.addNode(node("MatMul", "/lm_head/MatMul", new String[] {"hidden", "lm_head.weight"}, "logits"));
        return model(g);
    }

    private static byte[] model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("attnscope tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    private static NodeProto node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    /** A float32 weight of the given shape, values from {@code r}. */
    private static TensorProto floats(String name, Random r, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            b.putFloat((float) (r.nextGaussian() * 0.1));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A tensor's declared type; a negative dimension is symbolic. */
    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        int symbolic = 0;
        for (long d : dims) {
            shape.addDim(d >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("dim" + symbolic++));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
