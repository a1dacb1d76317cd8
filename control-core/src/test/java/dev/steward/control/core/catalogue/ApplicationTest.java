package dev.steward.control.core.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ApplicationTest {

    static final PackageSpec STANDARD = new PackageSpec(Tier.STANDARD, 2, 4096, 40);
    static final PackageSpec PLUS = new PackageSpec(Tier.PLUS, 4, 8192, 80);

    @ParameterizedTest
    @ValueSource(strings = {"unifi", "wiki-js", "suitecrm8", "a1", "nextcloud-hub-9"})
    void slug_valid(String slug) {
        assertThat(Application.checkSlug(slug)).isEqualTo(slug);
    }

    @ParameterizedTest
    @ValueSource(strings = {"u", "Unifi", "1unifi", "wiki--js", "wiki-", "-wiki", "wiki_js", "wiki.js",
            "a23456789012345678901234567890123456789012"})
    void slug_invalid(String slug) {
        assertThatThrownBy(() -> Application.checkSlug(slug)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slug");
    }

    @Test
    void packages_bothRequired() {
        assertThatThrownBy(() -> new Application(0, "unifi", "UniFi", VersionScheme.SEMVER, null,
                Map.of(Tier.STANDARD, STANDARD)))
                .hasMessageContaining("both packages");
    }

    @Test
    void packages_plusSmallerThanStandard_refused() {
        assertThatThrownBy(() -> new Application(0, "unifi", "UniFi", VersionScheme.SEMVER, null,
                Map.of(Tier.STANDARD, PLUS_AS_STANDARD, Tier.PLUS, new PackageSpec(Tier.PLUS, 1, 1024, 20))))
                .hasMessageContaining("plus must not have less");
    }

    static final PackageSpec PLUS_AS_STANDARD = new PackageSpec(Tier.STANDARD, 4, 8192, 80);

    @Test
    void packages_specUnderWrongTier_refused() {
        assertThatThrownBy(() -> new Application(0, "unifi", "UniFi", VersionScheme.SEMVER, null,
                Map.of(Tier.STANDARD, PLUS, Tier.PLUS, PLUS)))
                .hasMessageContaining("holds the spec of plus");
    }

    // tier, storageUpgraded -> vcpu, ram, storage
    @ParameterizedTest
    @CsvSource({"STANDARD, false, 2, 4096, 40", "PLUS, false, 4, 8192, 40", "PLUS, true, 4, 8192, 80"})
    void resources_followPackageState(Tier tier, boolean storageUpgraded, int vcpu, int ram, int storage) {
        Application app = new Application(0, "unifi", "UniFi", VersionScheme.SEMVER, "8.1.0",
                Map.of(Tier.STANDARD, STANDARD, Tier.PLUS, PLUS));
        assertThat(Resources.of(app, tier, storageUpgraded, false)).isEqualTo(new Resources(vcpu, ram, storage, false));
    }

    @ParameterizedTest
    @CsvSource({"0, 1024, 10, vcpu", "1, 100, 10, ram_mib", "1, 1024, 0, storage_gib"})
    void packageSpec_bounds(int vcpu, int ram, int storage, String field) {
        assertThatThrownBy(() -> new PackageSpec(Tier.STANDARD, vcpu, ram, storage)).hasMessageStartingWith(field);
    }
}
