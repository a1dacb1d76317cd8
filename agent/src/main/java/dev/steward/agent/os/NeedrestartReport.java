package dev.steward.agent.os;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code needrestart -b} (batch mode) printed. Its README.batch documents the lines, in the
 * apt-dater protocol's {@code KEY: value} form:
 *
 * <pre>
 * NEEDRESTART-VER: 3.6
 * NEEDRESTART-KCUR: 6.1.0-18-amd64      running kernel
 * NEEDRESTART-KEXP: 6.1.0-20-amd64      the newest installed kernel, expected after a reboot
 * NEEDRESTART-KSTA: 3                   0 unknown, 1 current, 2 ABI-compatible upgrade pending,
 *                                       3 version upgrade pending
 * NEEDRESTART-UCSTA: 2                  microcode: 0 unknown, 1 current, 2 obsolete (newer versions)
 * NEEDRESTART-UCCUR: 0x071a             NEEDRESTART-UCEXP: 0x071b
 * NEEDRESTART-SVC: nginx.service        one line per service running outdated binaries
 * NEEDRESTART-CONT: LXC web1            containers
 * NEEDRESTART-SESS: root @ session #28017
 * </pre>
 *
 * <p>Batch mode never restarts anything: it reports what is still outdated. The services that
 * needrestart restarted by itself (through its apt hook, with {@code NEEDRESTART_MODE=a}) show up
 * in apt's output instead, see {@link #restartedInAptOutput}. Lines this parser does not know are
 * ignored; a value that is not a number where one is expected counts as unknown (0).
 *
 * <p>Thread safety: immutable.
 *
 * @param version NEEDRESTART-VER, or null
 * @param kernelCurrent NEEDRESTART-KCUR, or null
 * @param kernelExpected NEEDRESTART-KEXP, or null
 * @param kernelStatus NEEDRESTART-KSTA (0 when absent)
 * @param microcodeStatus NEEDRESTART-UCSTA (0 when absent)
 * @param services NEEDRESTART-SVC values, in order, without duplicates
 * @param containers NEEDRESTART-CONT values
 * @param sessions NEEDRESTART-SESS values
 */
public record NeedrestartReport(String version, String kernelCurrent, String kernelExpected, int kernelStatus,
        int microcodeStatus, List<String> services, List<String> containers, List<String> sessions) {

    /** KSTA: the running kernel is the newest installed one. */
    public static final int KERNEL_CURRENT = 1;
    /** KSTA: a newer kernel with the same ABI (same uname -r, newer build) is installed. */
    public static final int KERNEL_ABI_UPGRADE = 2;
    /** KSTA: a kernel with a newer version is installed. */
    public static final int KERNEL_VERSION_UPGRADE = 3;
    /** UCSTA: newer CPU microcode is installed than the CPU runs. */
    public static final int MICROCODE_OBSOLETE = 2;

    /** A report for when needrestart is not installed or not configured: all unknown. */
    public static final NeedrestartReport NONE =
            new NeedrestartReport(null, null, null, 0, 0, List.of(), List.of(), List.of());

    public NeedrestartReport {
        services = List.copyOf(services);
        containers = List.copyOf(containers);
        sessions = List.copyOf(sessions);
    }

    /** A newer kernel waits for a reboot (KSTA 2 or 3). */
    public boolean kernelUpgradePending() {
        return kernelStatus == KERNEL_ABI_UPGRADE || kernelStatus == KERNEL_VERSION_UPGRADE;
    }

    /** Newer microcode waits for a reboot (UCSTA 2). */
    public boolean microcodeUpgradePending() {
        return microcodeStatus == MICROCODE_OBSOLETE;
    }

    /** Parses the batch output; never fails. */
    public static NeedrestartReport parse(List<String> lines) {
        String version = null;
        String kernelCurrent = null;
        String kernelExpected = null;
        int kernelStatus = 0;
        int microcodeStatus = 0;
        Set<String> services = new LinkedHashSet<>();
        List<String> containers = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (!line.startsWith("NEEDRESTART-") || colon < 0) {
                continue;
            }
            String key = line.substring("NEEDRESTART-".length(), colon).strip();
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) {
                continue;
            }
            switch (key) {
                case "VER" -> version = value;
                case "KCUR" -> kernelCurrent = value;
                case "KEXP" -> kernelExpected = value;
                case "KSTA" -> kernelStatus = number(value);
                case "UCSTA" -> microcodeStatus = number(value);
                case "SVC" -> services.add(value);
                case "CONT" -> containers.add(value);
                case "SESS" -> sessions.add(value);
                default -> {
                    // UCCUR, UCEXP and whatever later versions add: not needed for a decision.
                }
            }
        }
        return new NeedrestartReport(version, kernelCurrent, kernelExpected, kernelStatus, microcodeStatus,
                List.copyOf(services), containers, sessions);
    }

    private static int number(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The services that needrestart's apt hook restarted during the upgrade, read from apt's
     * output. With {@code NEEDRESTART_MODE=a} the hook prints (needrestart 3.6, LC_ALL=C):
     *
     * <pre>
     * Restarting services...
     *  systemctl restart cron.service ssh.service
     * Service restarts being deferred:
     *  systemctl restart dbus.service
     * </pre>
     *
     * Only the units on {@code systemctl restart} lines that follow "Restarting services..." and
     * come before the next heading count; deferred ones do not.
     */
    public static List<String> restartedInAptOutput(List<String> aptOutput) {
        Set<String> restarted = new LinkedHashSet<>();
        boolean inRestarting = false;
        for (String line : aptOutput) {
            String stripped = line.strip();
            if (stripped.startsWith("Restarting services")) {
                inRestarting = true;
            } else if (inRestarting && stripped.startsWith("systemctl restart ")) {
                for (String unit : stripped.substring("systemctl restart ".length()).split("\\s+")) {
                    if (!unit.isEmpty()) {
                        restarted.add(unit);
                    }
                }
            } else if (!line.startsWith(" ")) {
                inRestarting = false;
            }
        }
        return List.copyOf(restarted);
    }
}
