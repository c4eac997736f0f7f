package dev.hearth.app.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A subcommand's options ({@code --name value} or {@code --name=value}), flags and positional arguments. */
record Arguments(Map<String, String> options, Set<String> flags, List<String> positionals) {

    static Arguments parse(List<String> words, Subcommand command) {
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean onlyPositionals = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (onlyPositionals || !word.startsWith("--")) {
                positionals.add(word);
            } else if (word.equals("--")) {
                onlyPositionals = true;
            } else {
                int equals = word.indexOf('=');
                String name = equals > 0 ? word.substring(0, equals) : word;
                if (command.flags().contains(name) && equals < 0) {
                    flags.add(name);
                } else if (command.options().contains(name)) {
                    String value;
                    if (equals > 0) value = word.substring(equals + 1);
                    else if (i + 1 < words.size()) value = words.get(++i);
                    else throw new UsageException(name + " needs a value.");
                    if (options.put(name, value) != null) throw new UsageException(name + " is given twice.");
                } else {
                    throw new UsageException("unknown option " + name + " for '" + command.name() + "'.");
                }
            }
        }
        if (positionals.size() < command.minPositionals() || positionals.size() > command.maxPositionals()) {
            throw new UsageException("'" + command.name() + "' expects " + command.synopsis().strip() + ".");
        }
        return new Arguments(options, flags, positionals);
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    String option(String name) {
        return options.get(name);
    }

    String required(String name) {
        String value = options.get(name);
        if (value == null) throw new UsageException(name + " is required.");
        return value;
    }

    int intOption(String name, int fallback, int min, int max) {
        String value = options.get(name);
        if (value == null) return fallback;
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) return parsed;
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new UsageException(name + " must be a whole number from " + min + " to " + max + ", got \"" + value + "\".");
    }
}
