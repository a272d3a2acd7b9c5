package attnscope.report;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.tensor.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        for (int layer : r.layers()) {
            for (Site site : Site.values()) {
                if (r.model().has(layer, site)) {
                    Npy.write(dir.resolve("layer" + layer + "." + site.shortName() + ".npy"), r.model().get(layer, site));
                }
            }
            if (r.reference().has(layer, Site.PATTERN)) {
                Npy.write(dir.resolve("layer" + layer + ".pattern.ref.npy"), r.reference().get(layer, Site.PATTERN));
            }
        }
        return dir;
    }
}
