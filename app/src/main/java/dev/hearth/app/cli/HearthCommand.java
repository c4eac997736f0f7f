package dev.hearth.app.cli;

import dev.hearth.app.selftest.SelfTest;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.StoreException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code hearth} command line. Exit codes: 0 success, 1 error (one sentence on stderr), 2 bad usage
 * (with the usage text on stderr). Results go to stdout, nothing else does. A subcommand is one line of
 * {@link #COMMANDS}.
 */
public final class HearthCommand {
    private HearthCommand() {}

    static final List<Subcommand> COMMANDS = List.of(
            new Subcommand("chats list", "[--json]", "list conversations, most recent first",
                    Set.of(), Set.of("--json"), 0, 0, ChatsCommands::list),
            new Subcommand("chats search", "QUERY [--limit N] [--json]", "find messages (words are taken literally), best first",
                    Set.of("--limit"), Set.of("--json"), 1, 1, ChatsCommands::search),
            new Subcommand("chats export", "--format md|json --out PATH [--id ID]", "write conversations as Markdown files or one JSON file",
                    Set.of("--format", "--out", "--id"), Set.of(), 0, 0, ChatsCommands::export),
            new Subcommand("chats import", "FILE", "import a Hearth JSON export or ChatGPT's conversations.json",
                    Set.of(), Set.of(), 1, 1, ChatsCommands::importFile),
            new Subcommand("db check", "", "run SQLite's integrity check on the database",
                    Set.of(), Set.of(), 0, 0, DbCommands::check),
            new Subcommand("db backup", "FILE", "write a consistent copy of the database, even while Hearth runs",
                    Set.of(), Set.of(), 1, 1, DbCommands::backup),
            new Subcommand("bench search", "[--messages N] [--seed S] [--json]", "time searches over a generated store of N messages",
                    Set.of("--messages", "--seed"), Set.of("--json"), 0, 0, SearchBench::run));

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        List<String> words = Arrays.asList(args);
        try {
            String dataDirOption = null;
            int at = 0;
            while (at < words.size() && words.get(at).startsWith("-")) {
                String word = words.get(at);
                if (word.equals("--help") || word.equals("-h")) {
                    out.print(usage());
                    return 0;
                } else if (word.equals("--self-test")) {
                    if (words.size() > 1) throw new UsageException("--self-test takes no other arguments.");
                    return SelfTest.run(out, err);
                } else if (word.equals("--data-dir")) {
                    if (at + 1 >= words.size()) throw new UsageException("--data-dir needs a folder.");
                    dataDirOption = words.get(at + 1);
                    at += 2;
                } else if (word.startsWith("--data-dir=")) {
                    dataDirOption = word.substring("--data-dir=".length());
                    at++;
                } else {
                    throw new UsageException("unknown option " + word + ".");
                }
            }
            List<String> rest = words.subList(at, words.size());
            if (rest.isEmpty()) throw new UsageException("no command given.");
            Subcommand command = find(rest);
            List<String> commandArgs = rest.subList(command.name().split(" ").length, rest.size());
            if (commandArgs.contains("--help") || commandArgs.contains("-h")) {
                out.println("usage: hearth [--data-dir D] " + command.name() + " " + command.synopsis());
                return 0;
            }
            Arguments arguments = Arguments.parse(commandArgs, command);
            Path dataDir = DataDir.resolve(dataDirOption, env);
            return command.action().run(new Invocation(arguments, dataDir, out, err));
        } catch (UsageException e) {
            err.println("hearth: " + e.getMessage());
            err.print(usage());
            return 2;
        } catch (StoreException e) {
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("hearth: unexpected error (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ").");
            return 1;
        }
    }

    private static Subcommand find(List<String> words) {
        for (Subcommand command : COMMANDS) {
            List<String> name = List.of(command.name().split(" "));
            if (words.size() >= name.size() && words.subList(0, name.size()).equals(name)) return command;
        }
        throw new UsageException("unknown command '" + String.join(" ", words.subList(0, Math.min(2, words.size()))) + "'.");
    }

    static String usage() {
        StringBuilder text = new StringBuilder("usage: hearth [--data-dir D] COMMAND ...\n"
                + "       hearth --self-test   check this installation end to end (tiny built-in model, temporary files, offscreen window)\n"
                + "       hearth               open the window\n\n");
        int width = COMMANDS.stream().mapToInt(c -> (c.name() + " " + c.synopsis()).length()).max().orElse(0);
        for (Subcommand command : COMMANDS) {
            String left = (command.name() + " " + command.synopsis()).strip();
            text.append("  ").append(left).append(" ".repeat(width - left.length() + 2)).append(command.summary()).append('\n');
        }
        text.append("\nThe data folder is --data-dir, else $HEARTH_HOME, else $XDG_DATA_HOME/hearth (~/.local/share/hearth).\n");
        return text.toString();
    }
}
