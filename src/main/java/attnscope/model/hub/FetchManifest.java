package attnscope.model.hub;

import attnscope.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code attnscope-fetch.json}: where a model folder came from and what it must contain. Its
 * presence marks a complete folder (it is written last); its sizes and SHA-256 hashes let a
 * later run, even offline, tell a complete folder from a damaged one. No timestamps, so the
 * same fetch writes the same bytes.
 *
 * <pre>
 * {
 *   "format": 1,
 *   "repo": "onnx-community/Qwen2.5-0.5B-Instruct", "revision": "main", "commit": "…40 hex…",
 *   "variant": "fp32", "importedFrom": null,
 *   "files":   [{"path": "onnx/model.onnx", "size": 1234, "sha256": "…", "from": "onnx/model.onnx"}, …],
 *   "sources": [{"path": "onnx/model.onnx", "size": 1990000000, "sha256": "…"}, …]
 * }
 * </pre>
 *
 * @param repo         the hub repository, or null for an imported folder
 * @param revision     the revision asked for (branch, tag or commit), or null
 * @param commit       the commit it resolved to, or null
 * @param variant      fp32/fp16/q4/int8, or null for an imported folder
 * @param importedFrom the absolute path of the imported folder, or null
 * @param files        the local files, as installed
 * @param sources      the hub's (or source folder's) files they were made from, with the hash
 *                     they were verified against ("sha256", or "gitSha1" for small git files)
 */
public record FetchManifest(String repo, String revision, String commit, String variant, String importedFrom,
        List<LocalFile> files, List<SourceFile> sources) {

    /** The manifest's file name inside the model folder. */
    public static final String FILE_NAME = "attnscope-fetch.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A file of the model folder: path relative to it, size, SHA-256, and what it was made from. */
    public record LocalFile(String path, long size, String sha256, String from) {
    }

    /** A source file: path, size, and the hash it was checked against. */
    public record SourceFile(String path, long size, String hashKind, String hash) {
    }

    public FetchManifest {
        files = List.copyOf(files);
        sources = List.copyOf(sources);
    }

    /** Reads {@code dir/attnscope-fetch.json}, if there is one. */
    public static Optional<FetchManifest> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<LocalFile> files = new ArrayList<>();
            for (JsonNode f : root.path("files")) {
                files.add(new LocalFile(f.path("path").asText(), f.path("size").asLong(-1), f.path("sha256").asText(""),
                        text(f, "from")));
            }
            List<SourceFile> sources = new ArrayList<>();
            for (JsonNode f : root.path("sources")) {
                String kind = f.has("sha256") ? "sha256" : "gitSha1";
                sources.add(new SourceFile(f.path("path").asText(), f.path("size").asLong(-1), kind, f.path(kind).asText("")));
            }
            if (files.isEmpty()) {
                throw new InputException(file + " lists no files");
            }
            return Optional.of(new FetchManifest(text(root, "repo"), text(root, "revision"), text(root, "commit"),
                    text(root, "variant"), text(root, "importedFrom"), files, sources));
        } catch (IOException e) {
            throw new InputException(file + " is not a valid manifest (" + e.getMessage().lines().findFirst().orElse("")
                    + "): move the folder away and fetch again", e);
        }
    }

    /** Writes the manifest into {@code dir} (temporary name, then rename). */
    public void write(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", 1);
        root.put("repo", repo);
        root.put("revision", revision);
        root.put("commit", commit);
        root.put("variant", variant);
        root.put("importedFrom", importedFrom);
        ArrayNode fileArray = root.putArray("files");
        for (LocalFile f : files) {
            fileArray.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256()).put("from", f.from());
        }
        ArrayNode sourceArray = root.putArray("sources");
        for (SourceFile s : sources) {
            sourceArray.addObject().put("path", s.path()).put("size", s.size()).put(s.hashKind(), s.hash());
        }
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(root) + "\n");
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Checks that every listed file is in {@code dir} with its size and SHA-256; returns the
     * first problem found, or empty when the folder is complete.
     */
    public Optional<String> verify(Path dir) throws IOException {
        for (LocalFile f : files) {
            Path p = dir.resolve(f.path()).normalize();
            if (!p.startsWith(dir.normalize())) {
                return Optional.of("the manifest names a file outside the folder: " + f.path());
            }
            if (!Files.isRegularFile(p)) {
                return Optional.of(f.path() + " is missing");
            }
            long size = Files.size(p);
            if (size != f.size()) {
                return Optional.of(f.path() + " has " + size + " bytes, the manifest says " + f.size());
            }
            String sha = Downloader.sha256(p);
            if (!sha.equals(f.sha256())) {
                return Optional.of(f.path() + " has sha256 " + sha + ", the manifest says " + f.sha256());
            }
        }
        return Optional.empty();
    }

    /** "onnx-community/Qwen2.5-0.5B-Instruct@main (fp32)" or "imported from /path". */
    public String describe() {
        return repo != null ? repo + "@" + revision + " (" + variant + ")" : "imported from " + importedFrom;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
