package dev.steward.agent.os;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the server must reboot after an update, and why. Pure: the executor gathers the facts.
 *
 * <p>Two sources, because neither is enough alone: Debian's packages (the kernel's
 * {@code linux-image-*} postinst through {@code /etc/kernel/postinst.d}, libc6, dbus, ...) create
 * {@code /var/run/reboot-required} only where the update-notifier-common hooks or the package's own
 * scripts do so, and many Debian systems never get the file; needrestart compares the running
 * kernel and microcode with the newest installed ones, and finds services still running deleted
 * binaries or libraries.
 *
 * <p>Thread safety: immutable.
 *
 * @param required whether a reboot is needed
 * @param reasons the reason codes, in this order: {@value #FILE}, {@value #KERNEL},
 *     {@value #MICROCODE}, {@value #SERVICES}
 * @param explanation one sentence per reason, for people
 */
public record RebootDecision(boolean required, List<String> reasons, List<String> explanation) {

    /** {@code /var/run/reboot-required} exists. */
    public static final String FILE = "reboot-required-file";
    /** needrestart: a newer kernel is installed than runs (KSTA 2 or 3). */
    public static final String KERNEL = "needrestart-kernel";
    /** needrestart: newer microcode is installed than the CPU runs (UCSTA 2). */
    public static final String MICROCODE = "needrestart-microcode";
    /** needrestart: services still run outdated binaries after its automatic restarts. */
    public static final String SERVICES = "needrestart-services";

    public RebootDecision {
        reasons = List.copyOf(reasons);
        explanation = List.copyOf(explanation);
    }

    /**
     * Decides.
     *
     * @param rebootRequiredFile whether {@code var/run/reboot-required} exists in the root
     * @param rebootRequiredPackages the lines of {@code reboot-required.pkgs}, if any
     * @param needrestart the batch report ({@link NeedrestartReport#NONE} when there is none)
     * @param rebootForServices whether pending service restarts are a reason (see
     *     {@link OsUpdateConfig#rebootForServices()})
     */
    public static RebootDecision decide(boolean rebootRequiredFile, List<String> rebootRequiredPackages,
            NeedrestartReport needrestart, boolean rebootForServices) {
        List<String> reasons = new ArrayList<>();
        List<String> explanation = new ArrayList<>();
        if (rebootRequiredFile) {
            reasons.add(FILE);
            explanation.add("/var/run/reboot-required exists"
                    + (rebootRequiredPackages.isEmpty() ? "" : " (packages: " + String.join(", ", rebootRequiredPackages) + ")"));
        }
        if (needrestart.kernelUpgradePending()) {
            reasons.add(KERNEL);
            explanation.add("needrestart: running kernel " + orUnknown(needrestart.kernelCurrent()) + ", expected "
                    + orUnknown(needrestart.kernelExpected()) + " ("
                    + (needrestart.kernelStatus() == NeedrestartReport.KERNEL_ABI_UPGRADE
                            ? "ABI-compatible upgrade pending" : "version upgrade pending")
                    + ")");
        }
        if (needrestart.microcodeUpgradePending()) {
            reasons.add(MICROCODE);
            explanation.add("needrestart: newer CPU microcode is installed");
        }
        if (rebootForServices && !needrestart.services().isEmpty()) {
            reasons.add(SERVICES);
            explanation.add("needrestart: services still run outdated binaries: " + String.join(", ", needrestart.services()));
        }
        return new RebootDecision(!reasons.isEmpty(), reasons, explanation);
    }

    private static String orUnknown(String value) {
        return value == null ? "(unknown)" : value;
    }
}
