package dev.steward.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackageInventoryTest {

    @Test
    void comparesInstalledPackagesOnlyByNameAndArchitecture() {
        PackageInventory before = PackageInventory.parse(List.of(
                "libc6\tamd64\t2.36-9+deb12u4\tinstalled",
                "libc6\ti386\t2.36-9+deb12u4\tinstalled",
                "openssl\tamd64\t3.0.11-1~deb12u2\tinstalled",
                "oldpkg\tall\t1.0\tinstalled",
                "purged\tall\t0.9\tconfig-files",
                "tzdata\tall\t2024a-0+deb12u1\tinstalled",
                "garbage line"));
        PackageInventory after = PackageInventory.parse(List.of(
                "libc6\tamd64\t2.36-9+deb12u7\tinstalled",
                "libc6\ti386\t2.36-9+deb12u7\tinstalled",
                "openssl\tamd64\t3.0.11-1~deb12u2\tinstalled",
                "linux-image-6.1.0-20-amd64\tamd64\t6.1.85-1\tinstalled",
                "purged\tall\t0.9\tconfig-files",
                "tzdata\tall\t2024a-0+deb12u1\thalf-configured"));
        assertThat(before.size()).isEqualTo(5);
        assertThat(before.version("openssl")).isEqualTo("3.0.11-1~deb12u2");
        assertThat(before.changesTo(after)).containsExactly(
                new PackageChange("libc6", "amd64", "2.36-9+deb12u4", "2.36-9+deb12u7"),
                new PackageChange("libc6", "i386", "2.36-9+deb12u4", "2.36-9+deb12u7"),
                new PackageChange("linux-image-6.1.0-20-amd64", "amd64", null, "6.1.85-1"),
                new PackageChange("oldpkg", "all", "1.0", null),
                new PackageChange("tzdata", "all", "2024a-0+deb12u1", null));

        OsUpdateDetails.Packages packages = OsUpdateDetails.Packages.of(before.changesTo(after), List.of("held"));
        assertThat(packages.upgraded()).extracting(PackageChange::packageName).containsExactly("libc6", "libc6");
        assertThat(packages.installed()).extracting(PackageChange::packageName)
                .containsExactly("linux-image-6.1.0-20-amd64");
        assertThat(packages.removed()).extracting(PackageChange::packageName).containsExactly("oldpkg", "tzdata");
        assertThat(packages.counts()).isEqualTo(new OsUpdateDetails.Counts(2, 1, 2, 1));
    }

    @Test
    void noChangeIsAnEmptyList() {
        PackageInventory same = PackageInventory.parse(List.of("a\tall\t1\tinstalled"));
        assertThat(same.changesTo(PackageInventory.parse(List.of("a\tall\t1\tinstalled")))).isEmpty();
    }
}
