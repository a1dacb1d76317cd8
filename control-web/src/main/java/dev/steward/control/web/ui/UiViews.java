package dev.steward.control.web.ui;

import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.change.PackageChangeKind;
import dev.steward.control.core.fleet.Server;
import dev.steward.dnscheck.Finding;
import java.util.List;

/**
 * The small values the templates show, assembled by the route classes so templates stay free of
 * look-ups.
 *
 * <p>Thread safety: immutable records.
 */
public final class UiViews {

    private UiViews() {
    }

    /**
     * A server with its application's name.
     *
     * @param applicationName the catalogue name, or the id when the application is gone
     */
    public record ServerRow(Server server, String applicationName) {
    }

    /**
     * A package-change request with its server's name.
     *
     * @param serverName the server's name
     */
    public record ChangeRow(PackageChange change, String serverName) {
    }

    /**
     * One package change the customer can ask for, with the rules' answer before they commit.
     *
     * @param kind what would be requested
     * @param refusal why it cannot be requested now, in the reader's language; {@code null} if it can
     */
    public record ChangeOption(PackageChangeKind kind, String refusal) {
    }

    /**
     * One group of DNS findings (a check: address, spf, dkim, dmarc, reverse, server).
     *
     * @param check the check's code
     * @param findings its findings, worst first
     */
    public record DnsGroup(String check, List<Finding> findings) {
    }

    /** RAM in GiB when whole, MiB otherwise. */
    public static String ram(int mib) {
        return mib % 1024 == 0 ? (mib / 1024) + " GiB" : mib + " MiB";
    }

    /** The application's name, or {@code #id} when it is not in the catalogue. */
    static String name(Application application, long id) {
        return application == null ? "#" + id : application.name();
    }

    /**
     * A link to a server on the operator's pages.
     *
     * @param id the server's id
     * @param name its name
     * @param appHost its app host
     */
    public record ServerLink(long id, String name, String appHost) {
    }

    /**
     * A customer's maintenance-window overrides as the form shows them; empty = the fleet's.
     *
     * @param os the OS window, e.g. {@code MONDAY 05:00-07:00}
     * @param app the application window
     * @param zone the windows' zone
     */
    public record WindowOverride(String os, String app, String zone) {
    }
}
