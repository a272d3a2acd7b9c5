package attnscope.report;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.output.OutputFolder;
import attnscope.tensor.Npy;
import attnscope.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the captured tensors as NumPy files, OUT/tensors/layer{L}.{q,k,v,pattern,z}.npy as the
 * model computed them and layer{L}.pattern.ref.npy from the reference (CONTRACT.md).
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /** @return the tensors folder */
    public static Path write(Path outDir, InspectionResult r) throws IOException {
        Path dir = Files.createDirectories(outDir.resolve("tensors"));
        for (var file : files(r).entrySet()) {
            Npy.write(dir.resolve(file.getKey()), file.getValue());
        }
        return dir;
    }

    /** Writes OUT/tensors/*.npy into an output folder, to be committed with the rest. */
    public static void write(OutputFolder folder, InspectionResult r) {
        for (var file : files(r).entrySet()) {
            folder.write("tensors/" + file.getKey(), Npy.bytes(file.getValue()));
        }
    }

    /** File name → tensor, in layer order: the layer{L}.{q,k,v,pattern,z}.npy and layer{L}.pattern.ref.npy of CONTRACT.md. */
    static Map<String, Tensor> files(InspectionResult r) {
        Map<String, Tensor> files = new LinkedHashMap<>();
        for (int layer : r.layers()) {
            for (Site site : Site.values()) {
                if (r.model().has(layer, site)) {
                    files.put("layer" + layer + "." + site.shortName() + ".npy", r.model().get(layer, site));
                }
            }
            if (r.reference().has(layer, Site.PATTERN)) {
                files.put("layer" + layer + ".pattern.ref.npy", r.reference().get(layer, Site.PATTERN));
            }
        }
        return files;
    }
}
