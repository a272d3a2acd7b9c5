package attnscope.output;

import java.nio.file.Path;

/**
 * A process that claims an output folder as a command does, says "claimed" and waits to be
 * killed: the other attnscope run of the lock tests.
 */
public final class HoldOutputFolder {
    private HoldOutputFolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        OutputFolder.claim(Path.of(args[0]), "--out", line -> System.out.println("attnscope: " + line));
        System.out.println("claimed");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
