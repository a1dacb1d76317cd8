package dev.steward.control.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.release.Release;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.store.ReleaseTarget;
import dev.steward.testkit.DnsZone;
import dev.steward.testkit.FakeDnsServer;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The release pages end to end: register through the form, approve, the rollout page shows the
 * blocked target with the notice's failure (this control plane has no relay for notices), in English
 * and in Dutch, and the "next Monday" preview lists the server.
 */
@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class ReleasePagesIT {

    @TestTemplate
    void registerApprove_rolloutPageShowsTheBlockedNotice_nextMondayListsTheServer(Database database) {
        try (FakeDnsServer dns = new FakeDnsServer(DnsZone.empty()).start(); TestUi ui = new TestUi(database, dns)) {
            Customer customer = ui.customer(Language.NL);
            Application application = ui.application();
            Server server = ui.server(customer.id(), application.id());
            TestUi.Browser operator = ui.loggedIn(ui.operator());

            TestUi.Page refused = operator.post("/operator/releases", Map.of("application",
                    Long.toString(application.id()), "version", "0.9.0"));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("not newer than the current version 1.0.0");

            TestUi.Page created = operator.post("/operator/releases", Map.of("application",
                    Long.toString(application.id()), "version", "1.1.0", "changelog", "New <reports>",
                    "steps_before", "Export your reports"));
            assertThat(created.status()).isEqualTo(303);
            String detail = created.location();
            assertThat(detail).startsWith("/operator/releases/");

            TestUi.Page page = operator.get(detail);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("Registered", "New &lt;reports&gt;", "Export your reports",
                    "/approve");

            assertThat(operator.post(detail + "/approve", Map.of()).status()).isEqualTo(303);
            page = operator.get(detail);
            assertThat(page.body()).contains("Planned", "Blocked: notice not sent", server.name().toString(),
                    "no SMTP relay configured");

            operator.cookies.put(Ui.LANGUAGE_COOKIE, "nl");
            page = operator.get(detail);
            assertThat(page.body()).contains("Geblokkeerd: melding niet verzonden", "Onderhoudsmeldingen");

            long releaseId = Long.parseLong(detail.substring(detail.lastIndexOf('/') + 1));
            Release release = ui.deps.pipeline().releases().find(releaseId).orElseThrow();
            ReleaseTarget target = ui.deps.pipeline().releases().targets(release.id()).getFirst();
            String day = target.startsAt().atZone(ZoneId.of(target.zone())).toLocalDate().toString();
            TestUi.Page monday = operator.get("/operator/next-monday?date=" + day);
            assertThat(monday.status()).isEqualTo(200);
            assertThat(monday.body()).contains(server.name().toString(), "1.0.0 → 1.1.0", "Volgende maandag");

            TestUi.Page list = operator.get("/operator/releases?state=planned");
            assertThat(list.body()).contains("release-" + releaseId);
        }
    }
}
