package attnscope.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import attnscope.onnx.CudaLibraries;
import attnscope.onnx.Device;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Parsing of option values that several commands share; a bad value is a usage error (exit 2). */
final class Options {
    private Options() {
    }

    /** "auto", "cpu" or "cuda". */
    static Device device(CommandSpec spec, String value) {
        try {
            return Device.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device must be auto, cpu or cuda, not '" + value + "'");
        }
    }

    /**
     * The device of a command whose {@code --device} is optional: as asked when the user wrote it
     * (or asked for {@code --verbose}); otherwise AUTO without a word. AUTO says "running on the CPU
     * (CUDA not available …)" when it falls back, which on the default CPU-only build would greet every
     * run with a message about hardware nobody asked for; so an unasked-for AUTO is resolved here,
     * quietly, to the CPU whenever CUDA cannot even be tried.
     *
     * @param value the option's value, null when it was not given
     */
    static Device device(CommandSpec spec, String value, boolean verbose) {
        if (value != null || verbose) {
            return device(spec, value == null ? "auto" : value);
        }
        return cudaCanBeTried() ? Device.AUTO : Device.CPU;
    }

    /** This ONNX Runtime has the CUDA provider and every library it loads is present. */
    private static boolean cudaCanBeTried() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA) && CudaLibraries.missing().isEmpty();
        } catch (RuntimeException | LinkageError e) {
            return false; // ONNX Runtime's native library failed to load: the session will say why
        }
    }

    /** A size such as 512M, 2G or 1.5GiB, in bytes. */
    static long size(CommandSpec spec, String option, String value) {
        String v = value.strip().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (v.endsWith("K")) {
            unit = 1L << 10;
        } else if (v.endsWith("M")) {
            unit = 1L << 20;
        } else if (v.endsWith("G")) {
            unit = 1L << 30;
        }
        try {
            double n = Double.parseDouble(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (!(n > 0) || Double.isInfinite(n)) {
                throw new NumberFormatException();
            }
            return (long) (n * unit);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + " takes a size like 512M or 2G, not '" + value + "'");
        }
    }
}
