package io.pixelgrad.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * A progress bar for long work, drawn on standard error only when the program talks to a terminal; redirected or
 * piped runs (scripts, CI, tests) stay quiet.
 */
public final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Starts a bar for a task of {@code total} units (e.g. bytes or tensors), or a silent one off a terminal. */
    public static Progress start(String task, long total, String unitName, long unitSize) {
        if (!onTerminal() || total <= 0) return new Progress(null);
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(unitName, unitSize).setUpdateIntervalMillis(100)
                .continuousUpdate().setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(errorStream()))
                .build();
        return new Progress(bar);
    }

    /** A bar that never draws. */
    public static Progress quiet() {
        return new Progress(null);
    }

    /** Sets how much is done. */
    public void stepTo(long done) {
        if (bar != null) bar.stepTo(done);
    }

    /** Shows a short text after the bar (e.g. the running loss and accuracy). */
    public void message(String text) {
        if (bar != null) bar.setExtraMessage(text);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }

    private static PrintStream errorStream() {
        return System.err;
    }

    /**
     * Whether a person is watching: a console exists and (on Java 22+, where a console exists even when redirected)
     * it is a terminal. The "pixelgrad.progress" property forces it on or off.
     */
    static boolean onTerminal() {
        String forced = System.getProperty("pixelgrad.progress");
        if (forced != null) return Boolean.parseBoolean(forced);
        Console c = System.console();
        if (c == null) return false;
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // Java 17-21: a console means a terminal
        }
    }
}
