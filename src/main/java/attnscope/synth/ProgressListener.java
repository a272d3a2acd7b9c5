package attnscope.synth;

/** Told how far the weight file has been written; the command draws it on stderr. */
@FunctionalInterface
public interface ProgressListener {
    /** Silent. */
    ProgressListener NONE = (done, total) -> { };

    /**
     * @param bytesDone  bytes of model.onnx.data written so far
     * @param bytesTotal its final size
     */
    void progress(long bytesDone, long bytesTotal);
}
