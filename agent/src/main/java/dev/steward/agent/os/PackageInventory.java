package dev.steward.agent.os;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The installed packages and their versions, as dpkg's database has them, read with
 * {@code dpkg-query -W -f=}{@value #FORMAT}. Comparing the inventory before and after an upgrade
 * tells exactly what changed, whatever apt printed (apt's human output changes between versions
 * and is translated; the database is the truth).
 *
 * <p>Only packages whose status is {@code installed} count: {@code config-files} (removed, config
 * kept) and the half-done states are not "installed" for the comparison; a package left
 * half-configured by an interrupted run shows up in {@code dpkg --audit} instead.
 *
 * <p>Thread safety: immutable.
 */
public final class PackageInventory {

    /** The dpkg-query format: name, architecture, version and status, tab-separated. */
    public static final String FORMAT = "${Package}\\t${Architecture}\\t${Version}\\t${db:Status-Status}\\n";

    /** package:arch → version, sorted by key. */
    private final Map<String, String> versions;

    private PackageInventory(Map<String, String> versions) {
        this.versions = Collections.unmodifiableMap(new TreeMap<>(versions));
    }

    /** Parses dpkg-query's output in {@link #FORMAT}; lines of another shape are ignored. */
    public static PackageInventory parse(List<String> lines) {
        Map<String, String> versions = new TreeMap<>();
        for (String line : lines) {
            String[] fields = line.split("\t", -1);
            if (fields.length == 4 && "installed".equals(fields[3].strip()) && !fields[0].isBlank()) {
                versions.put(fields[0] + ":" + fields[1], fields[2]);
            }
        }
        return new PackageInventory(versions);
    }

    /** How many packages are installed. */
    public int size() {
        return versions.size();
    }

    /** The installed version of {@code packageName} (any architecture), or null. */
    public String version(String packageName) {
        for (Map.Entry<String, String> entry : versions.entrySet()) {
            if (entry.getKey().substring(0, entry.getKey().lastIndexOf(':')).equals(packageName)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /**
     * What changed from {@code this} (before) to {@code after}: a change of version (up or down:
     * this class does not compare Debian versions, the caller may), an installation, a removal;
     * sorted by package and architecture.
     */
    public List<PackageChange> changesTo(PackageInventory after) {
        TreeMap<String, String[]> all = new TreeMap<>();
        versions.forEach((key, version) -> all.computeIfAbsent(key, k -> new String[2])[0] = version);
        after.versions.forEach((key, version) -> all.computeIfAbsent(key, k -> new String[2])[1] = version);
        List<PackageChange> changes = new ArrayList<>();
        all.forEach((key, fromTo) -> {
            if (fromTo[0] == null || !fromTo[0].equals(fromTo[1])) {
                int colon = key.lastIndexOf(':');
                changes.add(new PackageChange(key.substring(0, colon), key.substring(colon + 1), fromTo[0], fromTo[1]));
            }
        });
        return changes;
    }
}
