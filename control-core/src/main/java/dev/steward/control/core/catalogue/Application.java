package dev.steward.control.core.catalogue;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An application in the provider's catalogue, with its two packages (PKG-1, SPEC-1).
 *
 * <p><b>Slug rules.</b> The slug names the application in URLs and server records: 2..40
 * characters, lowercase ASCII letters and digits in groups separated by single hyphens, starting
 * with a letter ({@code unifi}, {@code wiki-js}, {@code suitecrm8}). It never changes once
 * published.
 *
 * <p>Thread safety: immutable.
 *
 * @param id the store's identity; {@code 0} when not stored yet
 * @param slug see the slug rules above
 * @param name the display name, 1..200 characters
 * @param versionScheme how its versions are compared
 * @param currentVersion the version the provider currently rolls out; {@code null} before the
 *     first release is published
 * @param packages exactly one spec for each of {@link Tier#STANDARD} and {@link Tier#PLUS}
 */
public record Application(long id, String slug, String name, VersionScheme versionScheme, String currentVersion,
                          Map<Tier, PackageSpec> packages) {

    private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*");

    /** Validates the slug, the name and the two packages. */
    public Application {
        Objects.requireNonNull(versionScheme, "versionScheme");
        checkSlug(slug);
        Objects.requireNonNull(name, "name");
        name = name.strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("application name must be 1..200 characters");
        }
        if (currentVersion != null && (currentVersion.isBlank() || currentVersion.length() > 64)) {
            throw new IllegalArgumentException("current version must be 1..64 characters");
        }
        EnumMap<Tier, PackageSpec> copy = new EnumMap<>(Tier.class);
        for (Map.Entry<Tier, PackageSpec> entry : packages.entrySet()) {
            if (entry.getValue().tier() != entry.getKey()) {
                throw new IllegalArgumentException("package " + entry.getKey().code() + " holds the spec of "
                        + entry.getValue().tier().code());
            }
            copy.put(entry.getKey(), entry.getValue());
        }
        if (copy.size() != Tier.values().length) {
            throw new IllegalArgumentException("an application needs both packages, standard and plus");
        }
        PackageSpec standard = copy.get(Tier.STANDARD);
        PackageSpec plus = copy.get(Tier.PLUS);
        if (plus.vcpu() < standard.vcpu() || plus.ramMib() < standard.ramMib() || plus.storageGib() < standard.storageGib()) {
            throw new IllegalArgumentException("plus must not have less vCPU, RAM or storage than standard");
        }
        packages = Map.copyOf(copy);
    }

    /**
     * Checks the slug rules.
     *
     * @throws IllegalArgumentException naming the rule that was broken
     */
    public static String checkSlug(String slug) {
        if (slug == null || slug.length() < 2 || slug.length() > 40) {
            throw new IllegalArgumentException("slug must be 2..40 characters: " + slug);
        }
        if (!SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("slug must be lowercase letters and digits in groups separated by single"
                    + " hyphens, starting with a letter: " + slug);
        }
        return slug;
    }

    /** The spec of {@code tier}. */
    public PackageSpec spec(Tier tier) {
        return packages.get(tier);
    }

    /** This application with the store's identity. */
    public Application withId(long newId) {
        return new Application(newId, slug, name, versionScheme, currentVersion, packages);
    }
}
