package io.pixelgrad.cli;

import io.pixelgrad.zoo.images.ImageInputException;
import io.pixelgrad.zoo.labels.UnknownClassException;
import io.pixelgrad.zoo.weights.WeightsFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The {@code pixelgrad} command. Subcommands are separate classes extending {@link PixelgradCommand}; this class
 * registers them and turns every failure into one line on standard error and an exit code:
 * 0 success, 1 bad input (a file that does not fit, an unknown class, ...), 2 a command-line mistake,
 * 3 an internal error. Stack traces appear only with {@code --debug}.
 */
@Command(name = "pixelgrad", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"See how a class score reaches the pixels: load AlexNet/VGG weights, classify images, and draw "
                + "saliency, guided backprop, deconvnet, Grad-CAM, occlusion, SmoothGrad, integrated gradients, "
                + "filters, activation maps and gradient traces; or serve all of it as a local web page (serve)."},
        subcommands = {ClassifyCommand.class, InspectCommand.class, LayersCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.SaliencyCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.GuidedCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.DeconvCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.GradCamCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.GuidedGradCamCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.CamCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.OcclusionCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.SmoothGradCommand.class,
                io.pixelgrad.cli.explain.AttributionCommands.IgCommand.class,
                io.pixelgrad.cli.explain.FiltersCommand.class, io.pixelgrad.cli.explain.ActivationsCommand.class,
                io.pixelgrad.cli.explain.TraceCommand.class, io.pixelgrad.cli.explain.ExplainAllCommand.class,
                io.pixelgrad.cli.synthesis.MaximizeCommand.class, io.pixelgrad.cli.synthesis.DreamCommand.class,
                io.pixelgrad.cli.synthesis.InvertCommand.class, io.pixelgrad.cli.synthesis.AttackCommand.class,
                io.pixelgrad.cli.synthesis.TextureCommand.class, io.pixelgrad.cli.synthesis.StyleCommand.class,
                io.pixelgrad.cli.train.TrainCommand.class, io.pixelgrad.cli.train.EvaluateCommand.class,
                io.pixelgrad.cli.dataset.TopCommand.class, io.pixelgrad.cli.dataset.NeighborsCommand.class,
                io.pixelgrad.cli.dataset.MapCommand.class, io.pixelgrad.cli.dataset.UnitsCommand.class,
                CompareCommand.class, io.pixelgrad.cli.serve.ServeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'pixelgrad COMMAND --help' for a command's options."})
public final class Pixelgrad implements Runnable {

    /** Exit code for input that does not fit (files, classes, layers). */
    public static final int BAD_INPUT = 1;
    /** Exit code for command-line mistakes (unknown option, missing or malformed value). */
    public static final int USAGE = 2;
    /** Exit code for failures that are pixelgrad's fault. */
    public static final int INTERNAL = 3;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On errors, print the full stack trace as well as the message.")
    boolean debug;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (classify, explain, saliency, gradcam, ...; see --help)");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        configureNativeMemory();
        if (args.length > 0 && !args[0].startsWith("-") && !List.of("compare", "help").contains(args[0])) warmUpNd4j();
        System.exit(commandLine().execute(args));
    }

    /**
     * Starts ND4J (loading its native libraries takes most of a second) on a background thread while the command line
     * is parsed and files are opened; the command's first use of ND4J then waits only for what is left.
     */
    private static void warmUpNd4j() {
        Thread t = new Thread(() -> {
            try {
                org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1).close();
            } catch (Throwable ignored) {
                // the command reports any ND4J problem itself, with a proper message
            }
        }, "nd4j-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Turns off JavaCPP's allocation limits unless the user set them: pixelgrad frees every array deterministically,
     * and with the limits on, each large allocation (a VGG16 weight matrix) triggers garbage collections and waits that
     * cost seconds. Must run before ND4J is first touched.
     */
    static void configureNativeMemory() {
        for (String p : new String[]{"org.bytedeco.javacpp.maxPhysicalBytes", "org.bytedeco.javacpp.maxBytes"})
            if (System.getProperty(p) == null) System.setProperty(p, "0");
    }

    /** The configured command line: streams default to standard output and error; tests set their own. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Pixelgrad());
        cmd.setExecutionExceptionHandler(Pixelgrad::onError);
        cmd.setParameterExceptionHandler(Pixelgrad::onUsageError);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        HelpWrapping.install(cmd);
        return cmd;
    }

    /** Runs with the given streams and returns the exit code (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = commandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static int onUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage()) + " (see '"
                + cmd.getCommandSpec().qualifiedName() + " --help')");
        if (debug(args)) e.printStackTrace(err);
        err.flush();
        return USAGE;
    }

    private static int onError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String prefix = cmd.getCommandSpec().qualifiedName() + ": ";
        boolean user = isUserError(e);
        String message = user ? oneLine(e.getMessage()) : "internal error: " + oneLine(String.valueOf(e))
                + (debug(parsed.expandedArgs().toArray(new String[0])) ? "" : " (run with --debug for details)");
        err.println(prefix + message);
        if (debug(parsed.expandedArgs().toArray(new String[0]))) e.printStackTrace(err);
        err.flush();
        return user ? BAD_INPUT : INTERNAL;
    }

    /** Mistakes the user can fix, as opposed to pixelgrad's bugs. */
    static boolean isUserError(Throwable e) {
        return e instanceof UserException || e instanceof WeightsFormatException || e instanceof ImageInputException
                || e instanceof UnknownClassException || e instanceof IllegalArgumentException
                || e instanceof NoSuchFileException || e instanceof AccessDeniedException
                || e instanceof IOException && e.getMessage() != null;
    }

    private static boolean debug(String[] args) {
        for (String a : args) if (a.equals("--debug")) return true;
        return false;
    }

    private static String oneLine(String s) {
        if (s == null) return "failed";
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
    }
}
