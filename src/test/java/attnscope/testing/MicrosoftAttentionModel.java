package attnscope.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A one-layer decoder whose attention is {@code com.microsoft:Attention} as ONNX Runtime's transformer
 * optimizer writes it for GPT-2-like models: the Q, K, V projection inside the op (weights (D, 3·D),
 * bias (3·D)), a raw (B, T) key mask as mask_index, unidirectional = 1. input_ids → embedding →
 * Attention → MatMul → logits; a byte-level vocabulary of 256, D 32, H 4, d 8.
 */
public final class MicrosoftAttentionModel {
    public static final int VOCAB = 256;
    public static final int HIDDEN = 32;
    public static final int HEADS = 4;

    private MicrosoftAttentionModel() {
    }

    /** Writes model.onnx, config.json and a byte-level tokenizer.json into {@code dir}; {@code edit} may change the Attention node. */
    public static Path write(Path dir, String tokenizerJson, Consumer<NodeProto.Builder> edit) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(3);
        GraphProto.Builder g = GraphProto.newBuilder().setName("ms_attention")
                .addInput(valueInfo("input_ids", TensorProto.DataType.INT64, "batch", "seq"))
                .addInput(valueInfo("attention_mask", TensorProto.DataType.INT64, "batch", "seq"))
                .addOutput(valueInfo("logits", TensorProto.DataType.FLOAT, "batch", "seq", VOCAB))
                .addInitializer(floats("embed", r, 0.5, VOCAB, HIDDEN))
                .addInitializer(floats("qkv_weight", r, 1.5 / Math.sqrt(HIDDEN), HIDDEN, 3 * HIDDEN))
                .addInitializer(floats("qkv_bias", r, 0.3, 3 * HIDDEN))
                .addInitializer(floats("lm_head", r, 1 / Math.sqrt(HIDDEN), HIDDEN, VOCAB));
        g.addNode(NodeProto.newBuilder().setName("/embed/Gather").setOpType("Gather").addInput("embed").addInput("input_ids").addOutput("x"));
        g.addNode(NodeProto.newBuilder().setName("/attn/mask/Cast").setOpType("Cast").addInput("attention_mask").addOutput("mask_index")
                .addAttribute(intAttribute("to", TensorProto.DataType.INT32_VALUE)));
        NodeProto.Builder attention = NodeProto.newBuilder().setName("/layers.0/attn/Attention").setOpType("Attention")
                .setDomain("com.microsoft").addInput("x").addInput("qkv_weight").addInput("qkv_bias").addInput("mask_index")
                .addOutput("attn_out").addAttribute(intAttribute("num_heads", HEADS)).addAttribute(intAttribute("unidirectional", 1));
        edit.accept(attention);
        g.addNode(attention);
        g.addNode(NodeProto.newBuilder().setName("/layers.0/attn/o/Add").setOpType("Add").addInput("x").addInput("attn_out").addOutput("h"));
        g.addNode(NodeProto.newBuilder().setName("/lm_head/MatMul").setOpType("MatMul").addInput("h").addInput("lm_head").addOutput("logits"));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("attnscope tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .setGraph(g).build();
        Files.write(dir.resolve("model.onnx"), model.toByteArray());
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"GPT2LMHeadModel\"], \"model_type\": \"gpt2\", "
                + "\"is_decoder\": true, \"hidden_size\": " + HIDDEN + ", \"num_hidden_layers\": 1, \"num_attention_heads\": " + HEADS
                + ", \"vocab_size\": " + VOCAB + ", \"max_position_embeddings\": 1024, \"attnscope_synthetic\": true}\n");
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson);
        return dir;
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static TensorProto floats(String name, Random r, double std, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            b.putFloat((float) (r.nextGaussian() * std));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof Number n ? TensorShapeProto.Dimension.newBuilder().setDimValue(n.longValue())
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(d.toString()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
