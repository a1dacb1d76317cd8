package dev.steward.control.web;

/** A command-line usage error: the message goes to stderr and the exit code is 64 (EX_USAGE). */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
