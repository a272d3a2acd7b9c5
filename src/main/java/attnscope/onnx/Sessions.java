package attnscope.onnx;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import attnscope.InputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates ONNX Runtime sessions on the requested device. A graph given as bytes (the hooked graph)
 * finds its external weights through the session option
 * {@code session.model_external_initializers_file_folder_path}, so the user's model folder is never
 * written to.
 */
public final class Sessions {
    /** The session option that tells ONNX Runtime where a graph loaded from bytes keeps its external weights. */
    static final String EXTERNAL_FOLDER_KEY = "session.model_external_initializers_file_folder_path";
    static final String DISABLE_PREPACKING_KEY = "session.disable_prepacking";

    /**
     * An open session and where it runs.
     *
     * @param provider "CUDA" or "CPU"
     * @param notice   one line for stderr when AUTO fell back to the CPU, naming what was missing
     */
    public record Opened(OrtSession session, String provider, Optional<String> notice) {
    }

    private Sessions() {
    }

    /**
     * ONNX Runtime's intra-op threads per session: one per processor the JVM sees (ONNX Runtime's
     * own default counts physical cores, the same on most machines, but does not report it back).
     */
    public static int intraOpThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The process's ONNX Runtime environment, logging only fatal errors: ONNX Runtime prints its
     * errors to stderr itself (a failed CUDA probe, say) before reporting them as exceptions, which
     * attnscope turns into its one-line messages.
     */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "attnscope");
    }

    /**
     * Refuses {@code --device cuda} at once, before any model is read, when this ONNX Runtime has no
     * CUDA provider at all (the CPU-only build) or a CUDA 12 / cuDNN 9 library it needs cannot be
     * loaded. Anything else that stops CUDA shows only when a session is created, and is reported then.
     */
    public static void requireAvailable(Device device) {
        if (device != Device.CUDA) {
            return;
        }
        if (!OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            throw new InputException("--device cuda: CUDA is not available: " + CPU_ONLY_BUILD + "; use --device cpu or auto");
        }
        List<String> missing = CudaLibraries.missing();
        if (!missing.isEmpty()) {
            throw new InputException("--device cuda: CUDA is not available: " + CudaLibraries.explain(missing)
                    + "; use --device cpu or auto");
        }
    }

    /** Why CUDA cannot work with the CPU-only ONNX Runtime, and what to do. */
    private static final String CPU_ONLY_BUILD =
            "this build has the CPU-only ONNX Runtime (rebuild with `mvn -Pcuda package` for onnxruntime_gpu)";

    /** A session for a graph serialized to bytes whose external weights (if any) live in {@code weightsFolder}. */
    public static Opened fromBytes(byte[] model, Path weightsFolder, Device device) {
        return fromBytes(model, weightsFolder, device, Map.of());
    }

    /** A session for a graph file as it is on disk (external weights resolved beside it). */
    public static Opened fromFile(Path model, Device device) {
        return fromFile(model, device, Map.of());
    }

    /**
     * As {@link #fromBytes(byte[], Path, Device)}, with weights already in memory
     * ({@link MappedWeights}) used in place of the file's on the CPU, so sessions share them.
     */
    public static Opened fromBytes(byte[] model, Path weightsFolder, Device device, Map<String, OnnxTensorLike> shared) {
        return open(device, options -> environment().createSession(model, options), weightsFolder, shared);
    }

    /** As {@link #fromFile(Path, Device)}, with shared weights (see {@link #fromBytes(byte[], Path, Device, Map)}). */
    public static Opened fromFile(Path model, Device device, Map<String, OnnxTensorLike> shared) {
        return open(device, options -> environment().createSession(model.toString(), options), null, shared);
    }

    private interface Creator {
        OrtSession create(OrtSession.SessionOptions options) throws OrtException;
    }

    private static Opened open(Device device, Creator creator, Path weightsFolder, Map<String, OnnxTensorLike> shared) {
        if (device != Device.AUTO) {
            return open(device, creator, weightsFolder, shared, Optional.empty());
        }
        try {
            return open(Device.AUTO, creator, weightsFolder, shared, Optional.empty());
        } catch (InputException e) {
            // CUDA was set up but the session could not be created on it (a cuDNN library found
            // missing only now, say): AUTO means "CUDA if it works", so fall back to the CPU.
            if (!(e.getCause() instanceof CudaSessionFailure failure)) {
                throw e;
            }
            return open(Device.CPU, creator, weightsFolder, shared, Optional.of(
                    "attnscope: running on the CPU (CUDA failed while opening the model: " + failure.getMessage() + ")"));
        }
    }

    /** Marks a session that failed only after the CUDA provider had been added. */
    private static final class CudaSessionFailure extends Exception {
        private static final long serialVersionUID = 1L;

        CudaSessionFailure(String message) {
            super(message);
        }
    }

    private static Opened open(Device device, Creator creator, Path weightsFolder, Map<String, OnnxTensorLike> shared,
            Optional<String> fallbackNotice) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads());
            if (weightsFolder != null) {
                options.addConfigEntry(EXTERNAL_FOLDER_KEY, weightsFolder.toAbsolutePath().toString());
            }
            // Prepacking copies every MatMul weight into a kernel-friendly layout when the session
            // opens. attnscope runs a graph a few times, not thousands: measured on a Qwen2.5-0.5B-shaped
            // model (2 GB, 2 cores, T = 60) opening took 4.0 s with prepacking and 0.6 s without, a
            // forward pass 0.36 s and 0.86 s, and memory fell by 1 GB. One inspection (two sessions,
            // two passes) is about 4× faster without it.
            options.addConfigEntry(DISABLE_PREPACKING_KEY, "1");
            String provider = "CPU";
            Optional<String> notice = fallbackNotice;
            if (device != Device.CPU) {
                Optional<String> missing = tryCuda(options);
                if (missing.isEmpty()) {
                    provider = "CUDA";
                } else if (device == Device.CUDA) {
                    throw new InputException("--device cuda: CUDA is not available: " + missing.get());
                } else {
                    notice = Optional.of("attnscope: running on the CPU (CUDA not available: " + missing.get() + ")");
                }
            }
            if (provider.equals("CPU")) {
                for (Map.Entry<String, OnnxTensorLike> w : shared.entrySet()) {
                    options.addInitializer(w.getKey(), w.getValue());
                }
            }
            try {
                return new Opened(creator.create(options), provider, notice);
            } catch (OrtException e) {
                if (device == Device.AUTO && provider.equals("CUDA")) {
                    String why = e.getMessage() == null ? "unknown" : e.getMessage().replace('\n', ' ').strip();
                    throw new InputException(why, new CudaSessionFailure(why));
                }
                throw e;
            }
        } catch (OrtException e) {
            throw new InputException("ONNX Runtime cannot open the model: " + e.getMessage(), e);
        } finally {
            options.close();
        }
    }

    /** Adds the CUDA provider; on failure, says why (this build has no CUDA, or a CUDA/cuDNN library is missing). */
    private static Optional<String> tryCuda(OrtSession.SessionOptions options) {
        if (OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            List<String> missing = CudaLibraries.missing();
            if (!missing.isEmpty()) {
                return Optional.of(CudaLibraries.explain(missing));
            }
        }
        try {
            options.addCUDA(0);
            return Optional.empty();
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ').strip();
            if (!OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
                why = CPU_ONLY_BUILD + ": " + why;
            }
            return Optional.of(why);
        }
    }
}
