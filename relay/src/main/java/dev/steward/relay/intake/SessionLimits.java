package dev.steward.relay.intake;

import dev.steward.smtp.wire.DataLimits;

/** The per-session limits, derived once from {@link IntakeConfig}. */
record SessionLimits(int maxCommandLength, int commandTimeoutMillis, int stressCommandTimeoutMillis, int dataTimeoutMillis, int maxRecipients,
                     int maxErrors, int maxJunkCommands, long maxMessageSize, DataLimits dataLimits) {

    static SessionLimits of(IntakeConfig config) {
        return new SessionLimits(config.maxCommandLength(),
                (int) Math.min(Integer.MAX_VALUE, config.commandTimeout().toMillis()),
                (int) Math.min(Integer.MAX_VALUE, config.stressCommandTimeout().toMillis()),
                (int) Math.min(Integer.MAX_VALUE, config.dataTimeout().toMillis()),
                config.maxRecipients(), config.maxErrors(), config.maxJunkCommands(), config.maxMessageSize().bytes(),
                new DataLimits(config.maxMessageSize().bytes(), config.maxLineLength(), config.bareLf()));
    }
}
