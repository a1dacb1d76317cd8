package dev.steward.control.core.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The lexical rules both schemes share (SemVer 2.0.0 §9 and §10 identifiers). Stateless. */
final class VersionText {

    /** Longer inputs are refused before parsing (node-semver's MAX_LENGTH): they are never real versions. */
    static final int MAX_LENGTH = 256;

    private VersionText() {
    }

    /** A version's text split at the first '+' (build) and then the first '-' (pre-release). */
    record Parts(String core, List<String> preRelease, List<String> build) {}

    /**
     * Splits {@code text} into core, pre-release and build identifiers, checking the identifiers.
     * The first '-' ends the core: hyphens are legal inside pre-release identifiers (SemVer §9).
     *
     * @param numericLeadingZeroAllowed whether numeric pre-release identifiers may have leading zeros
     */
    static Parts split(String text, boolean numericLeadingZeroAllowed) {
        String rest = text;
        List<String> build = List.of();
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            String metadata = rest.substring(plus + 1);
            if (metadata.indexOf('+') >= 0) {
                throw new InvalidVersionException(text, "more than one '+' (build metadata may not contain '+')");
            }
            build = identifiers(text, metadata, "build metadata", true);
            rest = rest.substring(0, plus);
        }
        List<String> preRelease = List.of();
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            preRelease = identifiers(text, rest.substring(dash + 1), "pre-release", numericLeadingZeroAllowed);
            rest = rest.substring(0, dash);
        }
        return new Parts(rest, preRelease, build);
    }

    static void checkLength(String text) {
        if (text.isEmpty()) {
            throw new InvalidVersionException(text, "empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidVersionException(text, "longer than " + MAX_LENGTH + " characters (" + text.length() + ")");
        }
    }

    static boolean isDigits(String part) {
        if (part.isEmpty()) {
            return false;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Splits dot-separated identifiers, each non-empty and only {@code [0-9A-Za-z-]}.
     *
     * @param what "pre-release" or "build metadata", for the reason
     * @param numericLeadingZeroAllowed false for strict pre-release identifiers (SemVer §9)
     */
    static List<String> identifiers(String full, String section, String what, boolean numericLeadingZeroAllowed) {
        if (section.isEmpty()) {
            throw new InvalidVersionException(full, "empty " + what + " after '" + (what.startsWith("pre") ? '-' : '+') + "'");
        }
        String[] parts = section.split("\\.", -1);
        List<String> identifiers = new ArrayList<>(parts.length);
        for (int index = 0; index < parts.length; index++) {
            String identifier = parts[index];
            if (identifier.isEmpty()) {
                throw new InvalidVersionException(full, what + " identifier " + (index + 1) + " is empty (two dots in a row, or a dot at an end)");
            }
            for (int i = 0; i < identifier.length(); i++) {
                char c = identifier.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-')) {
                    throw new InvalidVersionException(full, what + " identifier \"" + identifier + "\" contains "
                            + describe(c) + "; only ASCII letters, digits and '-' are allowed");
                }
            }
            if (!numericLeadingZeroAllowed && identifier.length() > 1 && identifier.charAt(0) == '0' && isDigits(identifier)) {
                throw new InvalidVersionException(full, what + " identifier \"" + identifier + "\" is numeric with a leading zero");
            }
            identifiers.add(identifier);
        }
        return List.copyOf(identifiers);
    }

    /** A release number: digits only; {@code leadingZeroAllowed} is false in strict SemVer (§2). */
    static BigInteger number(String full, String part, String name, boolean leadingZeroAllowed) {
        if (part.isEmpty()) {
            throw new InvalidVersionException(full, name + " version is empty");
        }
        if (!isDigits(part)) {
            throw new InvalidVersionException(full, name + " version \"" + part + "\" is not a number");
        }
        if (!leadingZeroAllowed && part.length() > 1 && part.charAt(0) == '0') {
            throw new InvalidVersionException(full, name + " version \"" + part + "\" has a leading zero");
        }
        return new BigInteger(part);
    }

    static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (c < 0x20 || c > 0x7e) {
            return String.format("the character U+%04X", (int) c);
        }
        return "'" + c + "'";
    }
}
