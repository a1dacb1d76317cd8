package dev.steward.control.core.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.fleet.AddressFamily;
import dev.steward.control.core.fleet.PackageState;
import dev.steward.control.core.fleet.ServerAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackageRulesTest {

    private final PackageRules rules = new PackageRules();

    // tier, storageUpgraded, dedicated, kind, expected ("allowed" or the refusal code)
    @ParameterizedTest(name = "{0} storage={1} dedicated={2} {3} -> {4}")
    @CsvSource({
            "STANDARD, false, false, UPGRADE_CPU_RAM,         allowed",
            "PLUS,     false, false, UPGRADE_CPU_RAM,         already_plus",
            "PLUS,     true,  false, UPGRADE_CPU_RAM,         already_plus",
            "STANDARD, false, false, UPGRADE_CPU_RAM_STORAGE, allowed",
            "PLUS,     false, false, UPGRADE_CPU_RAM_STORAGE, allowed",
            "PLUS,     true,  false, UPGRADE_CPU_RAM_STORAGE, storage_already_upgraded",
            "STANDARD, false, false, DOWNGRADE,               already_standard",
            "PLUS,     false, false, DOWNGRADE,               allowed",
            "PLUS,     false, true,  DOWNGRADE,               allowed",
            "PLUS,     true,  false, DOWNGRADE,               storage_upgraded",
            "STANDARD, false, false, DEDICATED_VCPU,          allowed",
            "PLUS,     true,  false, DEDICATED_VCPU,          allowed",
            "STANDARD, false, true,  DEDICATED_VCPU,          already_dedicated",
            "STANDARD, false, false, EXTRA_IPV4,              allowed",
            "PLUS,     true,  true,  EXTRA_IPV4,              allowed",
            "STANDARD, false, false, EXTRA_IPV6,              allowed",
            "PLUS,     true,  true,  EXTRA_IPV6,              allowed",
    })
    void decide_table(Tier tier, boolean storage, boolean dedicated, PackageChangeKind kind, String expected) {
        Decision decision = rules.decide(new PackageState(tier, storage, dedicated), kind, Set.of());
        assertThat(code(decision)).isEqualTo(expected);
    }

    // kind asked, kinds already open, expected
    @ParameterizedTest(name = "{0} with open {1} -> {2}")
    @CsvSource({
            "UPGRADE_CPU_RAM,         UPGRADE_CPU_RAM_STORAGE, package_change_open",
            "UPGRADE_CPU_RAM_STORAGE, UPGRADE_CPU_RAM,         package_change_open",
            "UPGRADE_CPU_RAM,         DEDICATED_VCPU,          allowed",
            "UPGRADE_CPU_RAM,         EXTRA_IPV4,              allowed",
            "DEDICATED_VCPU,          DEDICATED_VCPU,          dedicated_vcpu_open",
            "DEDICATED_VCPU,          UPGRADE_CPU_RAM,         allowed",
            "EXTRA_IPV4,              EXTRA_IPV4,              allowed",
            "EXTRA_IPV6,              EXTRA_IPV6,              allowed",
    })
    void decide_openRequests(PackageChangeKind kind, PackageChangeKind open, String expected) {
        assertThat(code(rules.decide(PackageState.INITIAL, kind, EnumSet.of(open)))).isEqualTo(expected);
    }

    @Test
    void decide_downgradeAfterStorageUpgrade_reasonInBothLanguages() {
        Decision decision = rules.decide(new PackageState(Tier.PLUS, true, false), PackageChangeKind.DOWNGRADE, Set.of());
        Decision.Refused refused = (Decision.Refused) decision;
        assertThat(refused.reason().en()).contains("because storage was upgraded and cannot shrink");
        assertThat(refused.reason().nl()).contains("opslag werd geüpgraded en niet kan krimpen");
    }

    // before (tier, storage, dedicated), kind, after (tier, storage, dedicated)
    @ParameterizedTest(name = "{0}/{1}/{2} + {3} -> {4}/{5}/{6}")
    @CsvSource({
            "STANDARD, false, false, UPGRADE_CPU_RAM,         PLUS,     false, false",
            "STANDARD, false, true,  UPGRADE_CPU_RAM,         PLUS,     false, true",
            "STANDARD, false, false, UPGRADE_CPU_RAM_STORAGE, PLUS,     true,  false",
            "PLUS,     false, false, UPGRADE_CPU_RAM_STORAGE, PLUS,     true,  false",
            "PLUS,     false, false, DOWNGRADE,               STANDARD, false, false",
            "PLUS,     false, true,  DOWNGRADE,               STANDARD, false, true",
            "STANDARD, false, false, DEDICATED_VCPU,          STANDARD, false, true",
            "PLUS,     true,  false, DEDICATED_VCPU,          PLUS,     true,  true",
    })
    void onDone_packageState(Tier tier, boolean storage, boolean dedicated, PackageChangeKind kind,
                             Tier afterTier, boolean afterStorage, boolean afterDedicated) {
        ServerChange change = rules.onDone(new PackageState(tier, storage, dedicated), kind, null);
        assertThat(change.packageState()).isEqualTo(new PackageState(afterTier, afterStorage, afterDedicated));
        assertThat(change.addedAddress()).isEmpty();
    }

    @Test
    void onDone_extraIpv4_isBillable() {
        ServerChange change = rules.onDone(PackageState.INITIAL, PackageChangeKind.EXTRA_IPV4, "192.0.2.7");
        assertThat(change.packageState()).isEqualTo(PackageState.INITIAL);
        assertThat(change.addedAddress()).contains(new ServerAddress(AddressFamily.IPV4, "192.0.2.7", true, true));
    }

    @Test
    void onDone_extraIpv6_isFree() {
        ServerChange change = rules.onDone(PackageState.INITIAL, PackageChangeKind.EXTRA_IPV6, "2001:db8::7");
        assertThat(change.addedAddress()).isEqualTo(Optional.of(new ServerAddress(AddressFamily.IPV6, "2001:db8::7", true, false)));
    }

    @Test
    void onDone_extraAddressWithoutAddress_refused() {
        assertThatThrownBy(() -> rules.onDone(PackageState.INITIAL, PackageChangeKind.EXTRA_IPV4, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the assigned address");
    }

    @Test
    void onDone_addressForUpgrade_refused() {
        assertThatThrownBy(() -> rules.onDone(PackageState.INITIAL, PackageChangeKind.UPGRADE_CPU_RAM, "192.0.2.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not assign an address");
    }

    @Test
    void onDone_wrongFamily_refused() {
        assertThatThrownBy(() -> rules.onDone(PackageState.INITIAL, PackageChangeKind.EXTRA_IPV6, "192.0.2.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IPv6 address");
    }

    @Test
    void onDone_downgradeAfterStorageUpgrade_throwsWithReason() {
        assertThatThrownBy(() -> rules.onDone(new PackageState(Tier.PLUS, true, false), PackageChangeKind.DOWNGRADE, null))
                .isInstanceOfSatisfying(PackageChangeRefusedException.class,
                        e -> assertThat(e.refusal().code()).isEqualTo("storage_upgraded"))
                .hasMessageContaining("cannot shrink");
    }

    private static String code(Decision decision) {
        return decision instanceof Decision.Refused refused ? refused.code() : "allowed";
    }
}
