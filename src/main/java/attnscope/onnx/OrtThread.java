package attnscope.onnx;

import java.util.concurrent.Callable;

/**
 * Runs work that calls ONNX Runtime on a thread with a large stack. ONNX Runtime recurses deeply
 * in native code on the calling thread (session creation and runs on inputs of ~1,000 tokens and
 * more), and a Java thread's default stack (1 MiB on Linux x64) then overflows: the JVM dies with
 * SIGSEGV (exit 139), which no Java code can catch or report. The stack is reserved address space,
 * committed only as far as it is used, so a large one costs nothing until it is needed.
 */
public final class OrtThread {
    /** 512 MiB: far more than the deepest recursion seen (inputs at a small model's whole context). */
    public static final long STACK_BYTES = 512L << 20;

    private OrtThread() {
    }

    /**
     * Calls {@code work} on a fresh thread with a {@link #STACK_BYTES} stack and waits for it; its
     * result is returned and what it throws is thrown here, unchanged (a checked exception wrapped
     * in an {@link IllegalStateException}). An interrupt while waiting is passed on to the worker.
     */
    public static <T> T call(Callable<T> work) {
        Object[] result = new Object[1];
        Throwable[] thrown = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            try {
                result[0] = work.call();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "attnscope-onnxruntime", STACK_BYTES);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                worker.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = thrown[0];
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}
