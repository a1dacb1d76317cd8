package dev.steward.control.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one sub-command, split into positional words and {@code --name value} options
 * (options may appear anywhere; each at most once unless listed as repeatable; flags take no value).
 * Single-threaded.
 */
final class CommandLine {

    private final List<String> positional = new ArrayList<>();             // words in order
    private final Map<String, List<String>> options = new LinkedHashMap<>(); // --name -> values

    private CommandLine() {
    }

    static CommandLine parse(String command, String[] args, Set<String> valued, Set<String> flags, Set<String> repeatable)
            throws UsageException {
        CommandLine line = new CommandLine();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.length() > 2) {
                if (flags.contains(arg)) {
                    line.add(command, arg, "", repeatable);
                } else if (valued.contains(arg)) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(command + ": " + arg + " needs a value");
                    }
                    line.add(command, arg, args[++i], repeatable);
                } else {
                    throw new UsageException(command + ": unknown option \"" + arg + "\"");
                }
            } else {
                line.positional.add(arg);
            }
        }
        return line;
    }

    private void add(String command, String name, String value, Set<String> repeatable) throws UsageException {
        List<String> values = options.computeIfAbsent(name, key -> new ArrayList<>());
        if (!values.isEmpty() && !repeatable.contains(name)) {
            throw new UsageException(command + ": " + name + " given twice");
        }
        values.add(value);
    }

    List<String> positional() {
        return positional;
    }

    String option(String name, String fallback) {
        List<String> values = options.get(name);
        return values == null ? fallback : values.getFirst();
    }

    List<String> options(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }
}
