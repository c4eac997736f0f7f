package dev.hearth.app.cli;

import dev.hearth.app.api.ApiServer;
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
            new Subcommand("docs add", "PATH... [--library NAME]", "index files and folders into a library (default: default); folders are rescanned",
                    Set.of("--library"), Set.of(), 1, 10_000, DocsCommands::add),
            new Subcommand("docs status", "[--json]", "libraries with their files, chunks, files waiting to be indexed and errors",
                    Set.of(), Set.of("--json"), 0, 0, DocsCommands::status),
            new Subcommand("docs search", "QUERY [--limit N] [--library A,B] [--mode bm25|embeddings|hybrid] [--json]", "find passages, best first",
                    Set.of("--limit", "--library", "--mode"), Set.of("--json"), 1, 1, DocsCommands::search),
            new Subcommand("docs ask", "--model M QUESTION [--library A,B | --chat ID] [--context N] [--max-tokens N] [--threads N] [--json]",
                    "answer from the documents, citing sources as [n]",
                    Set.of("--model", "--library", "--chat", "--context", "--max-tokens", "--threads"), Set.of("--json"), 1, 1, DocsCommands::ask),
            new Subcommand("docs use", "--chat ID LIBRARY...", "choose the libraries a chat answers from",
                    Set.of("--chat"), Set.of(), 0, 1000, DocsCommands::use),
            new Subcommand("docs eval", "DIR [--json]", "recall@5 of bm25, embeddings and hybrid retrieval on an evaluation set",
                    Set.of(), Set.of("--json"), 1, 1, DocsCommands::eval),
            new Subcommand("bench search", "[--messages N] [--seed S] [--json]", "time searches over a generated store of N messages",
                    Set.of("--messages", "--seed"), Set.of("--json"), 0, 0, SearchBench::run),
            new Subcommand("ask", "--model M [--conversation ID] [--context N] [--max-tokens N] [--temperature T] [--seed S] [--threads N] MESSAGE",
                    "answer MESSAGE with the model, streaming to stdout; the turn is stored (a new conversation unless --conversation)",
                    Set.of("--model", "--conversation", "--context", "--max-tokens", "--temperature", "--seed", "--threads"), Set.of(), 1, 1, AskCommand::run),
            new Subcommand("serve", "[--port P] [--model M] [--context N] [--queue N] [--threads N]",
                    "run the OpenAI-compatible local API on 127.0.0.1 (default port " + ApiServer.DEFAULT_PORT + ") until stopped",
                    Set.of("--port", "--model", "--context", "--queue", "--threads"), Set.of(), 0, 0, ApiCommands::serve),
            new Subcommand("api-token", "[--rotate]", "print the local API's bearer token (made on first use; --rotate replaces it)",
                    Set.of(), Set.of("--rotate"), 0, 0, ApiCommands::token),
            new Subcommand("privacy log", "[--json]", "list every network connection Hearth made or accepted (normally none)",
                    Set.of(), Set.of("--json"), 0, 0, ApiCommands::connections),
            new Subcommand("bench docs", "[--chunks N] [--seed S] [--json]", "time document retrieval over a generated library of N chunks",
                    Set.of("--chunks", "--seed"), Set.of("--json"), 0, 0, DocsBench::run));

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
        } catch (StoreException | CommandFailure e) {
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
        // Commands with many options would push every summary off the screen: theirs go on the next line.
        int width = COMMANDS.stream().mapToInt(c -> (c.name() + " " + c.synopsis()).strip().length()).filter(n -> n <= 60).max().orElse(0);
        for (Subcommand command : COMMANDS) {
            String left = (command.name() + " " + command.synopsis()).strip();
            if (left.length() > width) {
                text.append("  ").append(left).append('\n').append(" ".repeat(width + 4)).append(command.summary()).append('\n');
            } else {
                text.append("  ").append(left).append(" ".repeat(width - left.length() + 2)).append(command.summary()).append('\n');
            }
        }
        text.append("\nThe data folder is --data-dir, else $HEARTH_HOME, else $XDG_DATA_HOME/hearth (~/.local/share/hearth).\n");
        return text.toString();
    }
}
