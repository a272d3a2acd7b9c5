package attnscope.output;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the bytes of an output file go. The tool writes through {@link #ATOMIC}; tests put a sink
 * in its place to simulate a full disk or a failing device, which a real file system cannot be
 * asked to do on demand.
 */
@FunctionalInterface
public interface FileSink {
    /** Writes {@code bytes} as the whole content of {@code file}, creating its folder if needed. */
    void write(Path file, byte[] bytes) throws IOException;

    /** Writes to a temporary name beside the file, then renames it over the file: a reader never sees half a file. */
    FileSink ATOMIC = AtomicWrite::write;
}
