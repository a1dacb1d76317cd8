package dev.steward.control.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.steward.control.store.Account;
import dev.steward.control.store.Database;
import dev.steward.control.store.DatabaseExtension;
import dev.steward.control.web.api.TestApi.Auth;
import dev.steward.control.web.api.TestApi.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
@Timeout(120)
class AuthFlowIT {

    @TestTemplate
    void login_setsHardenedCookie_sessionWorks_logoutEndsIt(Database database) {
        try (TestApi api = new TestApi(database)) {
            Account operator = api.operator();
            Reply login = api.send("POST", "/api/v1/session", Map.of("login", operator.login().toUpperCase(),
                    "password", TestApi.PASSWORD), Auth.NONE);
            assertThat(login.status()).isEqualTo(201);
            assertThat(login.header("Set-Cookie")).startsWith("steward_session=").contains("; HttpOnly", "; SameSite=Lax",
                    "; Path=/", "; Max-Age=3600").doesNotContain("Secure");
            assertThat(login.json().at("/account/role").asText()).isEqualTo("operator");
            Auth session = api.login(operator.login());

            Reply me = api.send("GET", "/api/v1/session", null, new Auth(null, session.cookie(), null));
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().get("csrf_token").asText()).isEqualTo(session.csrf());
            // Only the hash of the session id is stored.
            List<String> stored = database.jdbi().withHandle(h -> h.createQuery("select id_sha256 from login_session")
                    .mapTo(String.class).list());
            assertThat(stored).doesNotContain(session.cookie());

            assertThat(api.send("DELETE", "/api/v1/session", null, session).status()).isEqualTo(204);
            assertThat(api.send("GET", "/api/v1/session", null, session).status()).isEqualTo(401);
        }
    }

    @TestTemplate
    void wrongPassword_unknownLogin_disabledAccount_allTheSame401(Database database) {
        try (TestApi api = new TestApi(database)) {
            Account operator = api.operator();
            Reply wrong = api.send("POST", "/api/v1/session", Map.of("login", operator.login(), "password", "wrong password!"),
                    Auth.NONE);
            Reply unknown = api.send("POST", "/api/v1/session", Map.of("login", "nobody@x.example", "password", "whatever12"),
                    Auth.NONE);
            api.deps.accounts().setDisabled(TestApi.SETUP, operator.id(), true);
            Reply disabled = api.send("POST", "/api/v1/session", Map.of("login", operator.login(), "password", TestApi.PASSWORD),
                    Auth.NONE);
            for (Reply reply : List.of(wrong, unknown, disabled)) {
                assertThat(reply.status()).isEqualTo(401);
                assertThat(reply.json().get("code").asText()).isEqualTo("login_refused");
                assertThat(reply.json().get("message").asText()).isEqualTo("login or password is wrong");
                assertThat(reply.header("Set-Cookie")).isNull();
            }
        }
    }

    @TestTemplate
    void cookieChanges_needCsrfToken_headerChecked(Database database) {
        try (TestApi api = new TestApi(database)) {
            Auth session = api.login(api.operator().login());
            Map<String, Object> customer = Map.of("name", "Csrf " + TestApi.next(), "contacts", List.of("a@b.example"),
                    "language", "nl");
            Reply missing = api.send("POST", "/api/v1/customers", customer, new Auth(null, session.cookie(), null));
            assertThat(missing.status()).isEqualTo(403);
            assertThat(missing.json().get("code").asText()).isEqualTo("csrf_token_invalid");
            Reply wrong = api.send("POST", "/api/v1/customers", customer, new Auth(null, session.cookie(), "x" + session.csrf()));
            assertThat(wrong.status()).isEqualTo(403);
            // Reads need no token; the change with it goes through.
            assertThat(api.send("GET", "/api/v1/customers", null, new Auth(null, session.cookie(), null)).status()).isEqualTo(200);
            assertThat(api.send("POST", "/api/v1/customers", customer, session).status()).isEqualTo(201);
            // Another session's token does not fit this session.
            Auth other = api.login(api.operator().login());
            assertThat(api.send("POST", "/api/v1/customers", customer, new Auth(null, session.cookie(), other.csrf())).status())
                    .isEqualTo(403);
        }
    }

    @TestTemplate
    void rateLimit_perLoginAndAddress_429WithRetryAfter_evenForTheRightPassword(Database database) {
        try (TestApi api = new TestApi(database, 3)) {
            Account operator = api.operator();
            for (int i = 0; i < 3; i++) {
                assertThat(api.send("POST", "/api/v1/session", Map.of("login", operator.login(), "password", "wrong password!"),
                        Auth.NONE).status()).isEqualTo(401);
            }
            Reply limited = api.send("POST", "/api/v1/session", Map.of("login", operator.login(), "password", TestApi.PASSWORD),
                    Auth.NONE);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("code").asText()).isEqualTo("too_many_logins");
            long retryAfter = Long.parseLong(limited.header("Retry-After"));
            assertThat(retryAfter).isBetween(1L, 15 * 60L + 1);
            // Another instance on the same database counts the same failures.
            try (TestApi other = new TestApi(database, 3)) {
                assertThat(other.send("POST", "/api/v1/session", Map.of("login", operator.login(), "password", TestApi.PASSWORD),
                        Auth.NONE).status()).isEqualTo(429);
            }
            // Another account from the same address is not affected.
            assertThat(api.login(api.operator().login()).cookie()).isNotBlank();
        }
    }

    @TestTemplate
    void apiTokens_bearer_noCsrf_revokedIs401_malformedIs401(Database database) {
        try (TestApi api = new TestApi(database)) {
            Account operator = api.operator();
            Auth session = api.login(operator.login());
            Account automation = api.operator();
            Reply created = api.send("POST", "/api/v1/accounts/" + automation.id() + "/tokens", Map.of("label", "ci"), session);
            assertThat(created.status()).isEqualTo(201);
            String token = created.json().get("token").asText();
            long tokenId = created.json().at("/record/id").asLong();
            Map<String, Object> customer = Map.of("name", "Token " + TestApi.next(), "contacts", List.of("a@b.example"),
                    "language", "en");
            assertThat(api.send("POST", "/api/v1/customers", customer, Auth.bearer(token)).status()).isEqualTo(201);
            Reply list = api.send("GET", "/api/v1/accounts/" + automation.id() + "/tokens", null, Auth.bearer(token));
            assertThat(list.json().toString()).doesNotContain(token);
            assertThat(api.send("DELETE", "/api/v1/accounts/" + automation.id() + "/tokens/" + tokenId, null, session).status())
                    .isEqualTo(204);
            Reply revoked = api.send("GET", "/api/v1/customers", null, Auth.bearer(token));
            assertThat(revoked.status()).isEqualTo(401);
            assertThat(revoked.json().get("code").asText()).isEqualTo("invalid_token");
            // A bad Authorization header never falls back to the cookie.
            assertThat(api.send("GET", "/api/v1/customers", null, new Auth("nonsense", session.cookie(), null)).status())
                    .isEqualTo(401);
        }
    }
}
