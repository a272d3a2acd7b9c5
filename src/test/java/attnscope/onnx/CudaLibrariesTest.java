package attnscope.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CudaLibrariesTest {
    @Test
    void namesEveryLibraryTheLoaderRejectsInOrder() {
        Set<String> installed = Set.of("libcudart.so.12", "libcublas.so.12", "libcufft.so.11", "libcurand.so.10");
        List<String> missing = CudaLibraries.missing(installed::contains);
        assertEquals(List.of("libcublasLt.so.12", "libcudnn.so.9"), missing);
        String line = CudaLibraries.explain(missing);
        assertTrue(line.startsWith("libcublasLt.so.12, libcudnn.so.9 cannot be loaded"), line);
        assertTrue(line.contains("CUDA 12 and cuDNN 9"), line);
        assertEquals(List.of(), CudaLibraries.missing(name -> true), "a complete installation misses nothing");
    }

    @Test
    void theRealLoaderFindsAnInstalledLibraryAndNotAnInventedOne() {
        // The same dlopen path on names that certainly exist or do not: the check can fail both ways.
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        assertTrue(CudaLibraries.loads("libc.so.6"), "libc must load");
        assertTrue(!CudaLibraries.loads("libattnscope-no-such-library.so.1"), "an invented library must not load");
    }
}
