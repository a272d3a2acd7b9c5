package attnscope.model.hub;

import java.util.Optional;

/**
 * One file of a hub repository, as its tree API lists it.
 *
 * @param path      path inside the repository, e.g. {@code onnx/model.onnx}
 * @param size      size in bytes of the real content (for LFS files, the LFS object's size)
 * @param gitOid    the git blob id (SHA-1 of "blob SIZE\0" + content); for LFS files it is the id
 *                  of the small pointer file, not of the content
 * @param lfsSha256 for large files stored with git LFS: the SHA-256 of the content
 */
public record HubFile(String path, long size, String gitOid, Optional<String> lfsSha256) {

    /** The file's name after the last slash. */
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** Whether the content is verified by SHA-256 (LFS) rather than by its git blob SHA-1. */
    public boolean isLfs() {
        return lfsSha256.isPresent();
    }
}
