package attnscope.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weight file is mapped once per process, each initializer at its offset, and mapped afresh when the file changes. */
class MappedWeightsTest {
    @TempDir
    Path tmp;

    @Test
    void everyExternalInitializerIsMappedAtItsOffsetOnce() throws Exception {
        Path dir = SyntheticModelWriter.write(SynthSpec.tiny().seed(3).build(), tmp.resolve("m"), null, null);
        OnnxGraph graph = OnnxGraph.load(dir.resolve("model.onnx"));
        Map<String, OnnxTensorLike> mapped = MappedWeights.of(graph, dir);
        long external = graph.model().getGraph().getInitializerList().stream()
                .filter(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL).count();
        assertTrue(external > 0);
        assertEquals(external, mapped.size());
        assertSame(mapped, MappedWeights.of(graph, dir), "a second session gets the same mapping");

        // One initializer, read back through the mapping, equals the bytes in the file at its offset.
        TensorProto t = graph.model().getGraph().getInitializerList().stream()
                .filter(x -> x.getDataLocation() == TensorProto.DataLocation.EXTERNAL).findFirst().orElseThrow();
        long offset = 0;
        long length = 0;
        for (var e : t.getExternalDataList()) {
            if (e.getKey().equals("offset")) {
                offset = Long.parseLong(e.getValue());
            }
            if (e.getKey().equals("length")) {
                length = Long.parseLong(e.getValue());
            }
        }
        byte[] file = Files.readAllBytes(dir.resolve("model.onnx.data"));
        float[] expected = new float[(int) (length / 4)];
        ByteBuffer.wrap(file, (int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
        float[] actual = new float[expected.length];
        ((OnnxTensor) mapped.get(t.getName())).getFloatBuffer().get(actual);
        assertArrayEquals(expected, actual);
        assertArrayEquals(t.getDimsList().stream().mapToLong(Long::longValue).toArray(),
                ((OnnxTensor) mapped.get(t.getName())).getInfo().getShape());

        // A rewritten model (other seed, same size) is mapped afresh, never served from the old mapping.
        Thread.sleep(1100); // file times may have one-second resolution
        SyntheticModelWriter.write(SynthSpec.tiny().seed(4).build(), dir, null, null, true);
        assertNotSame(mapped, MappedWeights.of(OnnxGraph.load(dir.resolve("model.onnx")), dir));
    }
}
