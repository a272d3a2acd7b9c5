package attnscope.model.hub;

import attnscope.InputException;
import attnscope.onnx.ExternalDataConverter;
import attnscope.output.FolderLock;
import attnscope.progress.ProgressBar;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Puts a model folder on this machine, from the hub ({@link #fetch}) or from a folder exported
 * elsewhere ({@link #importFolder}), always in one layout:
 * <pre>
 *   DIR/config.json, tokenizer.json, tokenizer_config.json, generation_config.json
 *   DIR/onnx/model.onnx              whatever the variant was called on the hub
 *   DIR/onnx/model.onnx.data         the weights, when the model is large or came with external data
 *   DIR/attnscope-fetch.json         {@link FetchManifest}: origin, sizes, SHA-256 — written last
 * </pre>
 * The folder is assembled in {@code DIR.partial/} (which also keeps interrupted downloads for
 * the next run) and renamed to {@code DIR} only when complete: a folder named {@code DIR} is
 * either complete or was not written by this class. An existing folder is never overwritten:
 * a complete one is kept (checked by size and SHA-256 against its manifest), anything else
 * makes the fetch stop with advice.
 */
public final class ModelFetcher {
    /** The repository fetched when none is named. */
    public static final String DEFAULT_REPO = "onnx-community/Qwen2.5-0.5B-Instruct";
    /** Files beside the ONNX model; config.json and tokenizer.json are required. */
    public static final List<String> SIDE_FILES = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "generation_config.json");
    private static final List<String> REQUIRED = List.of("config.json", "tokenizer.json");
    /** The fixed local name of the model, whatever the variant. */
    public static final String LOCAL_MODEL = "onnx/model.onnx";

    private final HubSettings settings;
    private final PrintWriter err;
    private final boolean interactive;
    private final java.time.Duration timeout;

    /**
     * @param settings    endpoint, token, offline mode
     * @param err         where progress and notices go (stderr)
     * @param interactive whether {@code err} is a terminal (a live bar) or a log (a few lines)
     */
    public ModelFetcher(HubSettings settings, PrintWriter err, boolean interactive) {
        this(settings, err, interactive, HubClient.DEFAULT_TIMEOUT);
    }

    /** As above, with the limit for each request of the hub's API ({@link HubClient#DEFAULT_TIMEOUT}). */
    ModelFetcher(HubSettings settings, PrintWriter err, boolean interactive, java.time.Duration timeout) {
        this.settings = settings;
        this.err = err;
        this.interactive = interactive;
        this.timeout = timeout;
    }

    /**
     * What happened.
     *
     * @param dir             the model folder
     * @param alreadyComplete true when the folder was complete and nothing was fetched
     * @param manifest        its manifest
     */
    public record Outcome(Path dir, boolean alreadyComplete, FetchManifest manifest) {
    }

    /** The local folder name for a repository: its name part, lower case ({@code qwen2.5-0.5b-instruct}). */
    public static String folderName(String repo) {
        HubClient.checkRepoId(repo);
        return repo.substring(repo.indexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Downloads {@code variant} of {@code repo} at {@code revision} into {@code dir}, unless a
     * complete folder from the same source is already there.
     *
     * @param forceExternal store the weights in {@code model.onnx.data} even for a small model
     */
    public Outcome fetch(String repo, String revision, Variant variant, Path dir, boolean forceExternal) {
        HubClient.checkRepoId(repo);
        Optional<Outcome> existing = existingFolder(dir, m -> repo.equals(m.repo())
                && (revision.equals(m.revision()) || revision.equals(m.commit()))
                && variant.label().equals(m.variant()), repo + "@" + revision + " (" + variant.label() + ")");
        if (existing.isPresent()) {
            return existing.get();
        }
        if (settings.offline()) {
            throw new InputException("offline mode is on (HF_HUB_OFFLINE=1) and " + dir + " holds no complete model: "
                    + "unset HF_HUB_OFFLINE and run `attnscope fetch` with internet, or copy a fetched folder here");
        }
        HubClient client = new HubClient(settings, timeout);
        String commit = client.resolveCommit(repo, revision);

        // What to fetch: the side files at the top, the chosen model and its external data files.
        List<HubFile> top = client.listFolder(repo, commit, "");
        String modelPath = variant.hubPath();
        String modelFolder = modelPath.substring(0, modelPath.lastIndexOf('/'));
        List<HubFile> onnx = client.listFolder(repo, commit, modelFolder);
        List<HubFile> side = new ArrayList<>();
        for (String name : SIDE_FILES) {
            Optional<HubFile> f = top.stream().filter(h -> h.path().equals(name)).findFirst();
            if (f.isPresent()) {
                side.add(f.get());
            } else if (REQUIRED.contains(name)) {
                throw new InputException("repository " + repo + " has no " + name + ": attnscope needs a Hugging Face "
                        + "model folder with config.json, tokenizer.json and onnx/model*.onnx");
            }
        }
        HubFile model = onnx.stream().filter(h -> h.path().equals(modelPath)).findFirst()
                .orElseThrow(() -> new InputException("file not found: " + modelPath + " in " + repo + " (variants there: "
                        + availableVariants(onnx) + ")"));
        List<HubFile> external = onnx.stream().filter(h -> isExternalDataOf(model.name(), h.name())
                && h.path().equals(modelFolder + "/" + h.name())).toList();
        List<HubFile> wanted = new ArrayList<>(side);
        wanted.add(model);
        wanted.addAll(external);

        Path partial = partialOf(dir);
        try (FolderLock lock = lockFor(dir)) {
            // Another fetch may have finished while this one listed the files.
            Optional<Outcome> done = existingFolder(dir, m -> repo.equals(m.repo()) && commit.equals(m.commit())
                    && variant.label().equals(m.variant()), repo + "@" + revision + " (" + variant.label() + ")");
            if (done.isPresent()) {
                return done.get();
            }
            return download(repo, revision, variant, dir, forceExternal, client, commit, side, model, external, wanted, partial);
        }
    }

    private Outcome download(String repo, String revision, Variant variant, Path dir, boolean forceExternal, HubClient client,
            String commit, List<HubFile> side, HubFile model, List<HubFile> external, List<HubFile> wanted, Path partial) {
        Path downloads = partial.resolve("download");
        requireSpace(downloads, wanted, repo);
        createFolder(downloads);
        forgetOtherCommit(downloads, commit);

        long total = wanted.stream().mapToLong(HubFile::size).sum();
        err.println("fetching " + repo + "@" + revision + " (" + variant.label() + ", commit " + commit.substring(0, 12) + "): "
                + wanted.size() + " files, " + ProgressBar.humanBytes(total) + " from " + settings.endpoint());
        err.flush();
        List<FetchManifest.SourceFile> sources = new ArrayList<>();
        Downloader downloader = new Downloader(client);
        try (ProgressBar bar = ProgressBar.bytes("download", total, err, interactive)) {
            for (HubFile f : wanted) {
                String hash = downloader.download(repo, commit, f, inside(downloads, f.path()), bar);
                sources.add(new FetchManifest.SourceFile(f.path(), f.size(), f.isLfs() ? "sha256" : "gitSha1", hash));
            }
        }

        List<Path> sideFiles = side.stream().map(f -> downloads.resolve(f.path())).toList();
        boolean convert = !external.isEmpty() || model.size() > ExternalDataConverter.CONVERT_THRESHOLD_BYTES || forceExternal;
        List<FetchManifest.LocalFile> files = install(partial, sideFiles, downloads, downloads.resolve(model.path()), convert, true);
        FetchManifest manifest = new FetchManifest(repo, revision, commit, variant.label(), null, files, sources);
        return finish(partial, dir, manifest);
    }

    /**
     * Copies a model folder exported elsewhere (optimum: {@code model.onnx} [+ {@code model.onnx_data}],
     * config.json, tokenizer.json at the top or under {@code onnx/}) into {@code dir}, converting the
     * weights to external data when the model is large or already external. The source is only read.
     */
    public Outcome importFolder(Path source, Path dir, boolean forceExternal) {
        if (!Files.isDirectory(source)) {
            throw new InputException("--from " + source + ": no such folder");
        }
        Path src = source.toAbsolutePath().normalize();
        if (dir.toAbsolutePath().normalize().equals(src)) {
            throw new InputException("--from " + source + " is the target folder itself: choose another --models-dir or --name");
        }
        Optional<Outcome> existing = existingFolder(dir, m -> src.toString().equals(m.importedFrom()), "an import of " + src);
        if (existing.isPresent()) {
            return existing.get();
        }
        Path model = firstExisting(src, "model.onnx")
                .orElseThrow(() -> new InputException("--from " + source + ": no model.onnx file at its top or under onnx/ ("
                        + onnxFilesIn(src) + ")"));
        List<Path> sideFiles = new ArrayList<>();
        for (String name : SIDE_FILES) {
            Optional<Path> p = firstExisting(src, name);
            if (p.isPresent()) {
                sideFiles.add(p.get());
            } else if (REQUIRED.contains(name)) {
                throw new InputException("--from " + source + ": no " + name + " (looked at its top and under onnx/)");
            }
        }
        try (FolderLock lock = lockFor(dir)) {
            return importInto(src, dir, model, sideFiles, forceExternal);
        }
    }

    private Outcome importInto(Path src, Path dir, Path model, List<Path> sideFiles, boolean forceExternal) {
        boolean hasExternal;
        long modelSize;
        try (Stream<Path> siblings = Files.list(model.getParent())) {
            hasExternal = siblings.anyMatch(p -> isExternalDataOf(model.getFileName().toString(), p.getFileName().toString()));
            modelSize = Files.size(model);
        } catch (IOException e) {
            throw new InputException("cannot read " + model + ": " + Downloader.describe(e), e);
        }
        Path partial = partialOf(dir);
        createFolder(partial);
        err.println("importing " + src + " into " + dir);
        err.flush();
        boolean convert = hasExternal || modelSize > ExternalDataConverter.CONVERT_THRESHOLD_BYTES || forceExternal;
        List<FetchManifest.LocalFile> files = install(partial, sideFiles, src, model, convert, false);
        List<FetchManifest.SourceFile> sources = new ArrayList<>();
        for (FetchManifest.LocalFile f : files) {
            if (!f.path().endsWith(".data")) {
                Path original = src.resolve(f.from());
                sources.add(new FetchManifest.SourceFile(f.from(), size(original), "sha256", sha256(original)));
            }
        }
        FetchManifest manifest = new FetchManifest(null, null, null, null, src.toString(), files, sources);
        return finish(partial, dir, manifest);
    }

    /**
     * Places the side files and the model into {@code partial} in the fixed layout (moving
     * downloads, copying imports) and returns them with their sizes, hashes and origins
     * (relative to {@code origin}).
     */
    private List<FetchManifest.LocalFile> install(Path partial, List<Path> sideFiles, Path origin, Path model, boolean convert,
            boolean move) {
        List<FetchManifest.LocalFile> files = new ArrayList<>();
        String modelFrom = slashes(origin.relativize(model));
        try {
            // Leftovers of an earlier failed attempt (another variant, say) must not slip into the folder.
            try (Stream<Path> old = Files.list(partial)) {
                for (Path p : old.filter(p -> !p.getFileName().toString().equals("download")).toList()) {
                    deleteRecursively(p);
                }
            }
            for (Path side : sideFiles) {
                Path target = partial.resolve(side.getFileName().toString());
                place(side, target, move);
                files.add(new FetchManifest.LocalFile(target.getFileName().toString(), Files.size(target), Downloader.sha256(target),
                        slashes(origin.relativize(side))));
            }
            Path target = partial.resolve(LOCAL_MODEL);
            Files.createDirectories(target.getParent());
            if (convert) {
                err.println("storing the weights apart from the graph: " + LOCAL_MODEL + " + " + LOCAL_MODEL + ".data");
                err.flush();
                ExternalDataConverter.Result r = ExternalDataConverter.convert(model, target);
                err.println("  " + r.externalTensors() + " weight tensors, " + ProgressBar.humanBytes(r.dataBytes())
                        + " of data, graph " + ProgressBar.humanBytes(r.graphBytes()));
                err.flush();
                Path data = ExternalDataConverter.dataFileOf(target);
                files.add(new FetchManifest.LocalFile(LOCAL_MODEL, Files.size(target), Downloader.sha256(target), modelFrom));
                files.add(new FetchManifest.LocalFile(LOCAL_MODEL + ".data", Files.size(data), Downloader.sha256(data), modelFrom));
            } else {
                place(model, target, move);
                files.add(new FetchManifest.LocalFile(LOCAL_MODEL, Files.size(target), Downloader.sha256(target), modelFrom));
            }
        } catch (IOException e) {
            throw new InputException("cannot write into " + partial + ": " + Downloader.describe(e), e);
        }
        return files;
    }

    /** Writes the manifest, renames DIR.partial to DIR and removes what only the download needed. */
    private Outcome finish(Path partial, Path dir, FetchManifest manifest) {
        try {
            deleteRecursively(partial.resolve("download"));
            manifest.write(partial);
            if (Files.isDirectory(dir)) {
                Files.delete(dir); // only an empty folder reaches here (existingFolder checked)
            }
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InputException("cannot move " + partial + " to " + dir + ": " + Downloader.describe(e), e);
        }
        err.println("model folder ready: " + dir + " (" + manifest.describe() + ")");
        err.flush();
        return new Outcome(dir, false, manifest);
    }

    /**
     * Deals with a target folder that already exists: complete and from the same source → done;
     * empty → to be filled; anything else → stop, never overwrite.
     */
    private Optional<Outcome> existingFolder(Path dir, java.util.function.Predicate<FetchManifest> sameSource, String wanted) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InputException(dir + " exists and is not a folder: move it away or choose another --models-dir");
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Optional<FetchManifest> manifest = FetchManifest.read(dir);
        if (manifest.isEmpty()) {
            if (isEmptyFolder(dir)) {
                return Optional.empty();
            }
            throw new InputException(dir + " exists but was not written by `attnscope fetch` (no " + FetchManifest.FILE_NAME
                    + "): move it away or choose another --models-dir");
        }
        FetchManifest m = manifest.get();
        if (!sameSource.test(m)) {
            throw new InputException(dir + " holds " + m.describe() + ", not " + wanted
                    + ": move it away or choose another --models-dir");
        }
        err.println("checking " + dir + " against its " + FetchManifest.FILE_NAME);
        err.flush();
        Optional<String> problem;
        try {
            problem = m.verify(dir);
        } catch (IOException e) {
            throw new InputException("cannot read " + dir + ": " + Downloader.describe(e), e);
        }
        if (problem.isPresent()) {
            throw new InputException(dir + " is damaged (" + problem.get() + "): move it away or delete it, then run "
                    + "`attnscope fetch` again");
        }
        err.println("already complete: " + dir + " (" + m.describe() + "), nothing to download");
        err.flush();
        return Optional.of(new Outcome(dir, true, m));
    }

    /**
     * Refuses a download the disk cannot hold, before the first byte: the listed sizes, less what
     * earlier attempts already have, against the free space (the model is converted beside the
     * download, so twice the model's size is needed at the peak; the check asks for the sizes once,
     * plus 5 %, and leaves the rest to the converter's own checks).
     */
    private static void requireSpace(Path downloads, List<HubFile> wanted, String repo) {
        long total = wanted.stream().mapToLong(HubFile::size).sum();
        long have = 0;
        for (HubFile f : wanted) {
            Path part = downloads.resolve(f.path());
            for (Path p : List.of(part, Downloader.partOf(part))) {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        have += Math.min(Files.size(p), f.size());
                    }
                } catch (IOException e) {
                    // counted as missing
                }
            }
        }
        long needed = total - Math.min(have, total);
        needed += needed / 20;
        long free;
        try {
            Path existing = downloads;
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return; // unknown: the writes themselves will say when the disk is full
        }
        if (needed > free) {
            throw new InputException(repo + " needs " + ProgressBar.humanBytes(needed) + " more on the disk of " + downloads.getParent().getParent()
                    + " but only " + ProgressBar.humanBytes(free) + " is free: free some space or choose another --models-dir");
        }
    }

    /**
     * The lock of a model folder, beside it ({@code .NAME.attnscope-lock}): two fetches into one
     * folder would otherwise write the same partial files and race to rename them.
     */
    private FolderLock lockFor(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new InputException("cannot create folder " + abs.getParent() + ": " + e.getFile() + " is a file, not a folder "
                    + "(choose another --models-dir)", e);
        } catch (IOException e) {
            throw new InputException("cannot create folder " + abs.getParent() + ": " + Downloader.describe(e)
                    + " (choose another --models-dir)", e);
        }
        Path file = abs.resolveSibling("." + abs.getFileName() + ".attnscope-lock");
        FolderLock lock = FolderLock.acquire(file, abs.toString(), line -> {
            err.println(line);
            err.flush();
        });
        // Ctrl-C during a download: the lock file goes with the process (the partial files stay, for resuming).
        attnscope.output.CleanupOnExit.register(file);
        return lock;
    }

    /**
     * {@code root/relative}, refused unless it stays inside {@code root} once normalised and once
     * symbolic links are followed (a link planted in the partial folder must not lead elsewhere).
     */
    static Path inside(Path root, String relative) {
        Path base = root.toAbsolutePath().normalize();
        Path target = base.resolve(relative).normalize();
        if (!target.startsWith(base) || target.equals(base)) {
            throw new InputException("refusing to write " + relative + ": it leads outside " + base);
        }
        try {
            Files.createDirectories(target.getParent());
            Path realParent = target.getParent().toRealPath();
            if (!realParent.startsWith(base.toRealPath())) {
                throw new InputException("refusing to write " + relative + ": " + target.getParent() + " leads to " + realParent
                        + ", outside " + base + " (a symbolic link?); delete " + base + " and fetch again");
            }
            if (Files.isSymbolicLink(target)) {
                Files.delete(target); // the verified download replaces the name, never writes through a link
            }
        } catch (IOException e) {
            throw new InputException("cannot create " + target.getParent() + ": " + Downloader.describe(e), e);
        }
        return target;
    }

    /** External data files of {@code model}: model.onnx_data, model.onnx.data, model.onnx_data_1, … */
    static boolean isExternalDataOf(String model, String candidate) {
        return candidate.equals(model + "_data") || candidate.equals(model + ".data") || candidate.startsWith(model + "_data_");
    }

    private static String availableVariants(List<HubFile> onnx) {
        List<String> found = new ArrayList<>();
        for (Variant v : Variant.values()) {
            if (onnx.stream().anyMatch(h -> h.path().equals(v.hubPath()))) {
                found.add(v.label());
            }
        }
        return found.isEmpty() ? "none of " + List.of(Variant.values()).stream().map(Variant::label).toList() : String.join(", ", found);
    }

    /** If the half-finished downloads are for another commit (the branch moved), they are dropped. */
    private void forgetOtherCommit(Path downloads, String commit) {
        Path marker = downloads.resolve(".commit");
        try {
            if (Files.isRegularFile(marker) && !Files.readString(marker).strip().equals(commit)) {
                err.println("the revision moved to commit " + commit.substring(0, 12) + " since the last attempt: starting over");
                deleteRecursively(downloads);
                Files.createDirectories(downloads);
            }
            Files.writeString(marker, commit + "\n");
        } catch (IOException e) {
            throw new InputException("cannot write into " + downloads + ": " + Downloader.describe(e), e);
        }
    }

    /** A relative path with '/' whatever the platform, as the hub writes paths. */
    private static String slashes(Path relative) {
        return relative.toString().replace('\\', '/');
    }

    private static Path partialOf(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".partial");
    }

    private static void createFolder(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new InputException("cannot write to " + dir + ": permission denied (choose another --models-dir)", e);
        } catch (FileAlreadyExistsException e) {
            throw new InputException("cannot create folder " + dir + ": " + e.getFile() + " is a file (choose another --models-dir)", e);
        } catch (FileSystemException e) {
            throw new InputException("cannot create folder " + dir + ": " + Downloader.describe(e) + " (choose another --models-dir)", e);
        } catch (IOException e) {
            throw new InputException("cannot create folder " + dir + ": " + Downloader.describe(e), e);
        }
    }

    private static Optional<Path> firstExisting(Path src, String name) {
        for (Path p : List.of(src.resolve(name), src.resolve("onnx").resolve(name))) {
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What the folder has that ends in .onnx, each with what it is when it is not a regular file. */
    private static String onnxFilesIn(Path src) {
        try (Stream<Path> s = Files.walk(src, 2)) {
            List<String> names = s.filter(p -> p.toString().endsWith(".onnx")).map(p -> src.relativize(p)
                    + (Files.isRegularFile(p) ? "" : " is " + attnscope.output.IoProblems.kindOf(p))).sorted().toList();
            return names.isEmpty() ? "found no .onnx files" : "found: " + String.join(", ", names);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static void place(Path from, Path to, boolean move) throws IOException {
        if (move) {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Path tmp = to.resolveSibling(to.getFileName() + ".copying");
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isEmptyFolder(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new InputException("cannot read " + dir + ": " + Downloader.describe(e), e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new InputException("cannot read " + p + ": " + Downloader.describe(e), e);
        }
    }

    private static String sha256(Path p) {
        try {
            return Downloader.sha256(p);
        } catch (IOException e) {
            throw new InputException("cannot read " + p + ": " + Downloader.describe(e), e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (DirectoryNotEmptyException e) {
                    throw new IOException("could not empty " + p, e);
                }
            }
        }
    }
}
