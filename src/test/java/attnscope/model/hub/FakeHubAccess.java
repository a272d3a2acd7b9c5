package attnscope.model.hub;

import java.util.Map;

/** {@link FakeHub} for tests in other packages: a Qwen-like repository with a stand-in model. */
public final class FakeHubAccess implements AutoCloseable {
    private final FakeHub hub;

    public FakeHubAccess() throws java.io.IOException {
        hub = new FakeHub();
        hub.repo(ModelFetcher.DEFAULT_REPO, FakeHub.qwenLikeFiles(Map.of("onnx/model.onnx", modelBytes())));
    }

    public String endpoint() {
        return hub.endpoint().toString();
    }

    public byte[] modelBytes() {
        return ModelFetcherTest.randomBytes(200_000, 7);
    }

    public void corruptModel() {
        hub.corrupt("onnx/model.onnx", 12_345);
    }

    @Override
    public void close() {
        hub.close();
    }
}
