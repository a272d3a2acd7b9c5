package attnscope.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import attnscope.InputException;
import attnscope.testing.TestAssets;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter on a real trained model: all-MiniLM-L6-v2 (fp32, 90 MB, weights inside the
 * .onnx) must give bit-identical outputs in ONNX Runtime before and after the weights move to
 * an external file.
 */
public class ExternalDataConverterTest {
    private static final long[] IDS = {101, 1996, 4937, 18157, 1996, 102};

    static Path minilm;
    static Map<String, float[]> reference;

    @TempDir
    Path tmp;

    @BeforeAll
    static void runOriginal() throws Exception {
        minilm = TestAssets.Encoder.MINILM_L6_V2.modelDir().resolve("model.onnx");
        reference = run(minilm);
    }

    @Test
    void convertedMiniLmGivesIdenticalOutputs() throws Exception {
        Path target = tmp.resolve("out/model.onnx");
        Files.createDirectories(target.getParent());
        long before = Files.size(minilm);
        byte[] sourceBytes = Files.readAllBytes(minilm);

        ExternalDataConverter.Result result = ExternalDataConverter.convert(minilm, target);

        assertArrayEquals(sourceBytes, Files.readAllBytes(minilm), "the source must not change");
        assertEquals(before, Files.size(minilm));
        assertTrue(result.externalTensors() > 50, "MiniLM has ~100 weight tensors, found " + result.externalTensors());
        assertTrue(result.graphBytes() < 1_000_000, "graph without weights should be small, is " + result.graphBytes());
        assertTrue(result.dataBytes() > 80_000_000, "data file holds the weights, is " + result.dataBytes());
        assertEquals(result.dataBytes(), Files.size(ExternalDataConverter.dataFileOf(target)));
        assertNoTemporaryFiles(target.getParent());

        Map<String, float[]> converted = run(target);
        assertFalse(reference.isEmpty() || reference.values().iterator().next().length == 0, "MiniLM gave no output");
        assertEquals(reference.keySet(), converted.keySet());
        for (String name : reference.keySet()) {
            assertArrayEquals(reference.get(name), converted.get(name), "output " + name + " changed");
        }
    }

    @Test
    void externalTensorsAreAlignedAndDescribedAsOnnxExpects() throws Exception {
        Path target = tmp.resolve("model.onnx");
        ExternalDataConverter.convert(minilm, target);
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(target));
        long dataSize = Files.size(ExternalDataConverter.dataFileOf(target));
        int external = 0;
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                assertTrue(t.getRawData().size() < ExternalDataConverter.INLINE_LIMIT, t.getName() + " should be external");
                continue;
            }
            external++;
            Map<String, String> entries = new HashMap<>();
            t.getExternalDataList().forEach(e -> entries.put(e.getKey(), e.getValue()));
            assertEquals("model.onnx.data", entries.get("location"));
            long offset = Long.parseLong(entries.get("offset"));
            long length = Long.parseLong(entries.get("length"));
            assertEquals(0, offset % ExternalDataConverter.ALIGNMENT, t.getName() + " offset " + offset);
            assertTrue(offset + length <= dataSize);
            assertTrue(t.getRawData().isEmpty());
        }
        assertTrue(external > 50);
    }

    @Test
    void reconvertingAnExternalModelRelocatesItsData() throws Exception {
        // A model whose weights are already external under another name (model.onnx_data, as
        // optimum writes it) is rewritten to the fixed model.onnx.data name.
        Path first = tmp.resolve("a/model_fp32.onnx");
        Files.createDirectories(first.getParent());
        ExternalDataConverter.convert(minilm, first);
        Path second = tmp.resolve("b/model.onnx");
        Files.createDirectories(second.getParent());

        ExternalDataConverter.Result result = ExternalDataConverter.convert(first, second);

        assertTrue(result.externalTensors() > 50);
        Map<String, float[]> converted = run(second);
        for (String name : reference.keySet()) {
            assertArrayEquals(reference.get(name), converted.get(name), "output " + name + " changed");
        }
    }

    @Test
    void missingExternalFileIsAnInputError() throws Exception {
        Path first = tmp.resolve("a/model.onnx");
        Files.createDirectories(first.getParent());
        ExternalDataConverter.convert(minilm, first);
        Files.delete(ExternalDataConverter.dataFileOf(first));
        Path target = tmp.resolve("b/model.onnx");
        Files.createDirectories(target.getParent());

        InputException e = assertThrows(InputException.class, () -> ExternalDataConverter.convert(first, target));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(Files.exists(target), "no half-written model may remain");
        assertNoTemporaryFiles(target.getParent());
    }

    @Test
    void notAnOnnxFileIsAnInputError() throws Exception {
        Path junk = tmp.resolve("junk.onnx");
        Files.write(junk, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x01});
        InputException e = assertThrows(InputException.class, () -> ExternalDataConverter.convert(junk, tmp.resolve("out.onnx")));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out.onnx")));
    }

    private static void assertNoTemporaryFiles(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".converting")), "temporary files left in " + dir);
        }
    }

    /** Runs the encoder on a fixed sentence; returns every float output, flattened. */
    public static Map<String, float[]> run(Path model) throws Exception {
        OrtEnvironment env = attnscope.onnx.Sessions.environment(); // the tool's own logging level: asking for another one warns on every call
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
                try {
                    for (String name : session.getInputNames()) {
                        long[] values = new long[IDS.length];
                        if (name.contains("input_ids")) {
                            values = IDS.clone();
                        } else if (name.contains("mask")) {
                            java.util.Arrays.fill(values, 1);
                        }
                        inputs.put(name, OnnxTensor.createTensor(env, new long[][] {values}));
                    }
                    Map<String, float[]> outputs = new LinkedHashMap<>();
                    try (OrtSession.Result result = session.run(inputs)) {
                        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                            FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] f = new float[fb.remaining()];
                            fb.get(f);
                            outputs.put(e.getKey(), f);
                        }
                    }
                    return outputs;
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}
