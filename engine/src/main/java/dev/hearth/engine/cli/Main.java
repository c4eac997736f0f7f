package dev.hearth.engine.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The engine's command line. Results go to stdout; a failure is one sentence on stderr with exit
 * status 1; a wrong command line is exit status 2 with the usage.
 */
public final class Main {

    /** A subcommand: runs with its arguments, writes results to out, returns the exit status. */
    @FunctionalInterface
    interface Command {
        int run(List<String> args, PrintStream out) throws IOException;
    }

    static final String USAGE = """
            usage: hearth-engine <command> [options]
              inspect       --model M [--context C] [--json]
              tokenize      --model M (--text T | --text-file F) [--special] [--json]
              chat-template --model M --messages-file F.json [--date "23 Nov 2026"]
              eval          --model M --tokens-file F.json --top K --greedy N [--threads T] [--context C] --json
              generate      --model M --prompt TEXT [--chat] [--system S] [--temp X] [--top-p X] [--top-k N]
                            [--min-p X] [--repeat-penalty X] [--seed N] [--max-tokens N] [--threads T] [--context C]
              chat          --model M [--system S] [sampling options as for generate]
              bench         --model M --prompt-tokens P --gen-tokens G [--threads T] [--context C] [--label L] [--json]
              bench-kernels [--types Q4_0,Q6_K,...] [--rows R] [--cols C] [--tokens N] [--threads T] [--seconds S]
              make-model    --shape tiny|long|8b --quant Q --seed S --out M [--vocab full|small]
            """;

    private static final Map<String, Command> COMMANDS = Map.of(
            "inspect", Inspect::run,
            "tokenize", ModelCommands::tokenize,
            "chat-template", ModelCommands::chatTemplate,
            "eval", ModelCommands::eval,
            "generate", Generate::generate,
            "chat", Generate::chat,
            "bench", Bench::run,
            "bench-kernels", KernelBench::run,
            "make-model", ModelCommands::makeModel);

    private Main() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, out, err);
        out.flush();
        System.exit(status);
    }

    /** Runs one command line; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("hearth-engine: unknown command '" + args[0] + "'");
            err.print(USAGE);
            return 2;
        }
        try {
            return command.run(Arrays.asList(args).subList(1, args.length), out);
        } catch (UsageException e) {
            err.println("hearth-engine " + args[0] + ": " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("hearth-engine: file not found: " + e.getFile());
            return 1;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("hearth-engine: " + sentence(e));
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("hearth-engine: out of memory; try a smaller --context or a smaller model");
            return 1;
        } catch (RuntimeException e) {
            err.println("hearth-engine: unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    private static String sentence(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
