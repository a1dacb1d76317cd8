package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Its own class, so each database starts without any operator. */
@ExtendWith(DatabaseExtension.class)
@Timeout(60)
class BootstrapIT {

    @TestTemplate
    void bootstrapOperator_createsTheFirstOnly_whoCanLogIn(Database database) {
        try (TestApi api = new TestApi(database)) {
            assertThat(api.deps.accounts().anyOperator()).isFalse();
            var first = api.deps.admin().bootstrapOperator("first@provider.example", TestApi.PASSWORD);
            assertThat(first).isPresent();
            assertThat(api.deps.admin().bootstrapOperator("second@provider.example", TestApi.PASSWORD)).isEmpty();
            assertThat(api.deps.accounts().findByLogin("second@provider.example")).isEmpty();
            assertThat(api.login("first@provider.example").csrf()).isNotBlank();
            assertThat(api.deps.audit().forEntity("account", first.get().id()).getFirst().actor().toString())
                    .isEqualTo("system:bootstrap");
        }
    }
}
