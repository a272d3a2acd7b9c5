package attnscope.cli;

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
