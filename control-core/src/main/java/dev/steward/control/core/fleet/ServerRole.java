package dev.steward.control.core.fleet;

/**
 * What a server is for (UPD-2: every release goes to a test server first).
 *
 * <p>Thread safety: immutable.
 */
public enum ServerRole {
    /** A test server: gets releases first; {@code tst} in the server name. */
    TEST("tst"),
    /** A production server; {@code prd} in the server name. */
    PRODUCTION("prd");

    private final String nameCode;

    ServerRole(String nameCode) {
        this.nameCode = nameCode;
    }

    /** The code in the server name: {@code tst} or {@code prd}. */
    public String nameCode() {
        return nameCode;
    }

    /**
     * The role a server-name code stands for.
     *
     * @throws IllegalArgumentException for anything but {@code tst} or {@code prd}
     */
    public static ServerRole fromNameCode(String code) {
        for (ServerRole role : values()) {
            if (role.nameCode.equals(code)) {
                return role;
            }
        }
        throw new IllegalArgumentException("role code must be prd or tst, not " + code);
    }
}
