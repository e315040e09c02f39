package io.pixelgrad.cli;

import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wraps the free text of {@code --help} (each command's description and its footer of examples) at spaces only.
 *
 * <p>picocli wraps with Java's line break rules, which also break after a dot inside a word: "invert.png" came out as
 * "invert." and "png" on the next line, and a long example command as "--dead-over a." / "jpg". Example lines (the
 * footer's indented ones) that do not fit are continued with a shell backslash, so they can still be pasted.
 */
final class HelpWrapping {

    /** A command with a note after it: "(...)" or "# ..." set off by two or more spaces. */
    private static final Pattern NOTED_COMMAND = Pattern.compile("(.*?\\S) {2,}(\\(.*\\)|#.*)");

    private HelpWrapping() {
    }

    /** Replaces the description and footer renderers of cmd and of all its subcommands. */
    static void install(CommandLine cmd) {
        Map<String, CommandLine.IHelpSectionRenderer> sections = cmd.getHelpSectionMap();
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> paragraphs(help.commandSpec().usageMessage().description(), help.commandSpec().usageMessage().width()));
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> paragraphs(help.commandSpec().usageMessage().footer(), help.commandSpec().usageMessage().width()));
        cmd.setHelpSectionMap(sections);
    }

    /** The words of text between spaces; in a command, a double-quoted argument is one word with its spaces. */
    static List<String> words(String text, boolean command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' && !quoted) {
                if (word.length() > 0) words.add(word.toString());
                word.setLength(0);
                continue;
            }
            if (command && c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) quoted = !quoted;
            word.append(c);
        }
        if (word.length() > 0) words.add(word.toString());
        return words;
    }

    /**
     * Each element on lines of its own, wrapped at spaces to width columns; indented elements keep their indent and
     * elements that fit are left exactly as written (examples align their notes with spaces).
     */
    static String paragraphs(String[] elements, int width) {
        StringBuilder out = new StringBuilder();
        for (String element : elements) {
            if (element.length() <= width) {
                out.append(element).append(System.lineSeparator());
                continue;
            }
            int indent = 0;
            while (indent < element.length() && element.charAt(indent) == ' ') indent++;
            String text = element.substring(indent), note = null;
            boolean command = indent > 0 && text.startsWith("pixelgrad ");
            Matcher noted = NOTED_COMMAND.matcher(text);
            if (command && noted.matches()) {
                // the note goes on a line of its own under the command, so the command's lines paste as they are
                text = noted.group(1);
                note = noted.group(2);
            }
            for (String line : wrap(text, width - indent, command))
                out.append(" ".repeat(indent)).append(line).append(System.lineSeparator());
            if (note != null)
                for (String line : wrap(note, width - indent - 4, false))
                    out.append(" ".repeat(indent + 4)).append(line).append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * text in lines of at most width characters, broken at spaces (a longer word gets a line of its own); a command's
     * broken lines end with " \" and its continuation lines are indented by 4.
     */
    static List<String> wrap(String text, int width, boolean command) {
        List<String> lines = new ArrayList<>();
        String continuation = command ? "    " : "";
        int reserve = command ? 2 : 0;
        StringBuilder line = new StringBuilder();
        for (String word : words(text, command)) {
            int room = width - reserve - (lines.isEmpty() ? 0 : continuation.length());
            if (line.length() > 0 && line.length() + 1 + word.length() > room) {
                lines.add((lines.isEmpty() ? "" : continuation) + line + (command ? " \\" : ""));
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) lines.add((lines.isEmpty() ? "" : continuation) + line);
        return lines;
    }
}
