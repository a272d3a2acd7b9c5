package attnscope.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter at the size that matters: a single-file ONNX model of 1.92 GB (four float
 * initializers of 480 MB each, weights inside, like Qwen2.5-0.5B's fp32 export), converted in a
 * child JVM limited to 64 MiB of heap — which is only possible if the weights stream through.
 * ONNX Runtime then gathers values from every initializer of the converted model, and they must
 * equal the formula the weights were written from.
 *
 * <p>Writes ~4 GB to a temporary folder (about 10 s here); skipped, saying so, where the
 * temporary folder has less than {@link #NEEDED_BYTES} free.
 */
class ExternalDataConverterLargeTest {
    static final int TENSORS = 4;
    static final int FLOATS = 120_000_000; // 480 MB each, 1.92 GB in all
    static final long[] INDICES = {0, 1, 12_345, 99_999_999, FLOATS - 1};

    /** The source, the converted copy and some slack. */
    static final long NEEDED_BYTES = 5L << 30;

    @TempDir
    Path tmp;

    /** The value written at position i of initializer t. */
    static float weight(int t, long i) {
        return (float) ((i % 1_000_003) * 1e-3 + t);
    }

    @Test
    void nearTwoGigabyteModelConvertsWithASmallHeap() throws Exception {
        long free = Files.getFileStore(tmp).getUsableSpace();
        Assumptions.assumeTrue(free >= NEEDED_BYTES, "needs 5 GiB free in " + tmp + ", has " + (free >> 20) + " MiB");
        Path source = tmp.resolve("big.onnx");
        writeBigModel(source);
        assertTrue(Files.size(source) > 1_900_000_000L, "the test model should be near 2 GB, is " + Files.size(source));

        Path target = tmp.resolve("out/model.onnx");
        Files.createDirectories(target.getParent());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), ConvertMain.class.getName(), source.toString(), target.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(600, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Files.delete(source); // free the disk before ONNX Runtime maps the data

        assertTrue(Files.size(target) < 10_000, "graph only: " + Files.size(target));
        assertTrue(Files.size(ExternalDataConverter.dataFileOf(target)) >= (long) TENSORS * FLOATS * 4);
        OrtEnvironment env = attnscope.onnx.Sessions.environment(); // the tool's own logging level: asking for another one warns on every call
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(target.toString(), options);
                OnnxTensor indices = OnnxTensor.createTensor(env, INDICES);
                OrtSession.Result result = session.run(Map.of("indices", indices))) {
            for (int t = 0; t < TENSORS; t++) {
                FloatBuffer fb = ((OnnxTensor) result.get("g" + t).orElseThrow()).getFloatBuffer();
                float[] found = new float[fb.remaining()];
                fb.get(found);
                float[] expected = new float[INDICES.length];
                for (int k = 0; k < INDICES.length; k++) {
                    expected[k] = weight(t, INDICES[k]);
                }
                assertArrayEquals(expected, found, "initializer w" + t);
            }
        }
    }

    /** Entry point of the child JVM. */
    public static final class ConvertMain {
        public static void main(String[] args) throws Exception {
            ExternalDataConverter.Result r = ExternalDataConverter.convert(Path.of(args[0]), Path.of(args[1]));
            System.out.println(r);
        }
    }

    /**
     * Writes ModelProto{ir_version, opset, graph{nodes: g_t = Gather(w_t, indices), initializers
     * w_t [FLOATS] inline}} with the protobuf wire format by hand, streaming the weights.
     */
    static void writeBigModel(Path file) throws Exception {
        OnnxMl.GraphProto.Builder small = OnnxMl.GraphProto.newBuilder().setName("big");
        small.addInput(valueInfo("indices", OnnxMl.TensorProto.DataType.INT64_VALUE, INDICES.length));
        for (int t = 0; t < TENSORS; t++) {
            small.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("gather" + t)
                    .addInput("w" + t).addInput("indices").addOutput("g" + t));
            small.addOutput(valueInfo("g" + t, OnnxMl.TensorProto.DataType.FLOAT_VALUE, INDICES.length));
        }
        byte[] graphHead = small.build().toByteArray();
        List<byte[]> tensorHeads = new ArrayList<>();
        long graphLength = graphHead.length;
        long rawLength = (long) FLOATS * 4;
        for (int t = 0; t < TENSORS; t++) {
            byte[] head = OnnxMl.TensorProto.newBuilder().addDims(FLOATS).setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                    .setName("w" + t).build().toByteArray();
            tensorHeads.add(head);
            long tensorLength = head.length + CodedOutputStream.computeTagSize(9) + CodedOutputStream.computeUInt32SizeNoTag((int) rawLength)
                    + rawLength;
            graphLength += CodedOutputStream.computeTagSize(5) + CodedOutputStream.computeUInt32SizeNoTag((int) tensorLength) + tensorLength;
        }
        byte[] modelHead = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("attnscope-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build().toByteArray();
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
            out.writeRawBytes(modelHead);
            out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag((int) graphLength);
            out.writeRawBytes(graphHead);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < TENSORS; t++) {
                byte[] head = tensorHeads.get(t);
                long tensorLength = head.length + CodedOutputStream.computeTagSize(9)
                        + CodedOutputStream.computeUInt32SizeNoTag((int) rawLength) + rawLength;
                out.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag((int) tensorLength);
                out.writeRawBytes(head);
                out.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag((int) rawLength);
                for (long i = 0; i < FLOATS; ) {
                    chunk.clear();
                    while (chunk.hasRemaining() && i < FLOATS) {
                        chunk.putFloat(weight(t, i++));
                    }
                    out.writeRawBytes(chunk.array(), 0, chunk.position());
                }
            }
            out.flush();
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int elementType, long length) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elementType)
                        .setShape(OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(length))))).build();
    }
}
