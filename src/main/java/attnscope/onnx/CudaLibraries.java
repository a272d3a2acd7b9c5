package attnscope.onnx;

import com.sun.jna.NativeLibrary;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The shared libraries ONNX Runtime 1.29's CUDA provider loads (it is built against CUDA 12 and
 * cuDNN 9), checked one by one before the provider is added. Without this check ONNX Runtime
 * reports only the first library it failed to load, in a native log line, and then a generic
 * "failed to load shared library"; naming every missing library tells the user what to install.
 */
public final class CudaLibraries {
    /** Sonames, as the provider library asks the dynamic loader for them. */
    public static final List<String> REQUIRED = List.of(
            "libcudart.so.12", "libcublas.so.12", "libcublasLt.so.12", "libcufft.so.11", "libcurand.so.10", "libcudnn.so.9");

    private CudaLibraries() {
    }

    /** The required libraries the dynamic loader cannot find on this machine (empty off Linux: not checked there). */
    public static List<String> missing() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return List.of();
        }
        return missing(CudaLibraries::loads);
    }

    /** The libraries of {@link #REQUIRED} that {@code loads} rejects, in order. */
    static List<String> missing(Predicate<String> loads) {
        return REQUIRED.stream().filter(loads.negate()).toList();
    }

    /** What to tell the user, e.g. "libcublasLt.so.12, libcudnn.so.9 cannot be loaded (…)". */
    static String explain(List<String> missing) {
        return String.join(", ", missing) + " cannot be loaded (ONNX Runtime's CUDA"
                + " provider needs CUDA 12 and cuDNN 9: install them, or put their lib folders on LD_LIBRARY_PATH)";
    }

    /** dlopen by soname, searching exactly where ONNX Runtime's own dlopen would. */
    static boolean loads(String soname) {
        try {
            NativeLibrary.getInstance(soname);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }
}
