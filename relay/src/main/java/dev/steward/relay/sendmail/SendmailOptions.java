package dev.steward.relay.sendmail;

import java.util.ArrayList;
import java.util.List;

/** The sendmail command line, parsed as Postfix's sendmail(1) documents it. */
record SendmailOptions(String configFile, boolean extractRecipients, boolean dotEndsInput, String sender,
                       String fullName, List<String> recipients) {

    static SendmailOptions parse(String[] args) {
        String config = null;
        boolean extract = false;
        boolean dotEnds = true;
        String sender = null;
        String fullName = null;
        List<String> recipients = new ArrayList<>();
        boolean optionsDone = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (optionsDone || !arg.startsWith("-") || arg.equals("-")) {
                recipients.add(arg);
                continue;
            }
            switch (arg) {
                case "--" -> optionsDone = true;
                case "-t" -> extract = true;
                case "-i", "-oi" -> dotEnds = false;
                case "-f", "-r" -> sender = value(args, ++i, arg);
                case "-F" -> fullName = value(args, ++i, arg);
                case "-C" -> config = value(args, ++i, arg);
                case "-B", "-N", "-R", "-V", "-X", "-L" -> value(args, ++i, arg); // ignored, with their value
                case "-v", "-bm", "-odi", "-odb", "-oem", "-oee", "-om", "-U", "-G" -> {
                    // accepted for compatibility; no effect
                }
                default -> {
                    if (arg.startsWith("-f") || arg.startsWith("-r")) {
                        sender = arg.substring(2);
                    } else if (arg.startsWith("-F")) {
                        fullName = arg.substring(2);
                    } else if (arg.startsWith("-C")) {
                        config = arg.substring(2);
                    } else if (arg.startsWith("-o") || arg.startsWith("-B") || arg.startsWith("-N")) {
                        // -oXvalue / -Bbody / -Nnotify: accepted, no effect
                    } else {
                        throw new IllegalArgumentException("unsupported option " + arg);
                    }
                }
            }
        }
        if (sender != null && sender.startsWith("<") && sender.endsWith(">")) {
            sender = sender.substring(1, sender.length() - 1);
        }
        return new SendmailOptions(config, extract, dotEnds, sender, fullName, List.copyOf(recipients));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[index];
    }
}
