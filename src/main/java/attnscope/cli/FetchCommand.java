package attnscope.cli;

import attnscope.model.hub.HubSettings;
import attnscope.model.hub.ModelFetcher;
import attnscope.model.hub.Variant;
import attnscope.progress.ProgressMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attnscope fetch}: puts a model folder on this machine, from the hub or from a local export. */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Download a model folder from the Hugging Face hub, or import an exported one.",
        description = {
            "Download a model folder from the Hugging Face hub (once; needs internet),",
            "or import one exported elsewhere (--from).",
            "",
            "Default: onnx-community/Qwen2.5-0.5B-Instruct, fp32, into",
            "models/qwen2.5-0.5b-instruct, which inspect, figures and lesson then use.",
            "The folder always has one layout: config.json, tokenizer.json,",
            "tokenizer_config.json, generation_config.json, onnx/model.onnx",
            "(+ onnx/model.onnx.data: the weights, for large models) and",
            "attnscope-fetch.json (origin, sizes, sha256 of every file).",
            "",
            "Safe to interrupt: run the same command again and the download resumes.",
            "Every file is checked against the hash the hub publishes;",
            "a complete folder is not downloaded again.",
            "",
            "Examples:",
            "  attnscope fetch                   # Qwen2.5-0.5B-Instruct, fp32, ~2 GB",
            "  attnscope fetch --variant q4      # 4-bit quantized, much smaller",
            "  attnscope fetch onnx-community/Qwen2.5-0.5B --models-dir ~/models",
            "  attnscope fetch --from build/qwen-export/onnx --name qwen2.5-0.5b",
            "  HF_HUB_OFFLINE=1 attnscope fetch  # only check the folder is complete",
            "",
            "Environment: HF_ENDPOINT (a mirror; default https://huggingface.co),",
            "HF_TOKEN (gated or private repositories), HF_HUB_OFFLINE=1 (no network).",
            ""
        },
        footer = {"", "Exit codes: 0 done or already complete · 2 bad option ·",
            "            4 network, hub, disk or checksum problem."})
public final class FetchCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REPO",
            description = "Hub repository owner/name (default: " + ModelFetcher.DEFAULT_REPO + ").")
    String repo;

    @Option(names = "--variant", paramLabel = "fp32|fp16|q4|int8", defaultValue = "fp32",
            description = "Which ONNX file: fp32 onnx/model.onnx, fp16 onnx/model_fp16.onnx, q4 onnx/model_q4.onnx, "
                    + "int8 onnx/model_int8.onnx (default: ${DEFAULT-VALUE}). Stored locally as onnx/model.onnx.")
    String variant;

    @Option(names = "--revision", paramLabel = "REV", defaultValue = "main",
            description = "Branch, tag or commit on the hub (default: ${DEFAULT-VALUE}); the commit it resolves to is recorded.")
    String revision;

    @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "models",
            description = "Where model folders live (default: ${DEFAULT-VALUE}); the folder is DIR/<repository name in lower case>.")
    Path modelsDir;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Folder name inside --models-dir instead of the repository's (or the imported folder's) name.")
    String name;

    @Option(names = "--from", paramLabel = "DIR",
            description = "Import a local folder instead (e.g. an optimum export: model.onnx [+ model.onnx_data], config.json, "
                    + "tokenizer.json, at its top or under onnx/). It is copied, never changed.")
    Path from;

    @Option(names = "--external",
            description = "Always store the weights in onnx/model.onnx.data (done anyway above 512 MiB or when they are external).")
    boolean external;

    @Override
    public Integer call() {
        PrintWriter err = verbose.notes(spec);
        HubSettings settings = HubSettings.fromEnvironment(System.getenv());
        ModelFetcher fetcher = new ModelFetcher(settings, err, verbose.progressMode() == ProgressMode.TERMINAL);
        ModelFetcher.Outcome outcome;
        if (from != null) {
            if (repo != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give either a repository or --from DIR, not both (found " + repo + " and --from " + from + ")");
            }
            String folder = name != null ? checkName(name) : importName(from);
            outcome = fetcher.importFolder(from, modelsDir.resolve(folder), external);
        } else {
            if (repo == null) {
                repo = ModelFetcher.DEFAULT_REPO;
            }
            Variant v = Variant.parse(variant);
            if (v == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--variant must be one of fp32, fp16, q4, int8; found '" + variant + "'");
            }
            String folder = name != null ? checkName(name) : ModelFetcher.folderName(repo);
            outcome = fetcher.fetch(repo, revision, v, modelsDir.resolve(folder), external);
        }
        // stdout: the folder, so scripts can use it (MODEL=$(attnscope fetch)).
        spec.commandLine().getOut().println(outcome.dir());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The imported folder's name in lower case; for an export's {@code onnx/} folder, its parent's. */
    static String importName(Path from) {
        Path abs = from.toAbsolutePath().normalize();
        if (abs.getFileName() != null && abs.getFileName().toString().equals("onnx") && abs.getParent() != null
                && abs.getParent().getFileName() != null) {
            abs = abs.getParent();
        }
        return abs.getFileName() == null ? "imported" : abs.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private String checkName(String n) {
        if (n.isBlank() || n.contains("/") || n.contains("\\") || n.equals(".") || n.equals("..")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--name must be a plain folder name; found '" + n + "'");
        }
        return n;
    }
}
