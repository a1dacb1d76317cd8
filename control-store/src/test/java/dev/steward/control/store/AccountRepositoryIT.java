package dev.steward.control.store;

import static dev.steward.control.store.Fixtures.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DatabaseExtension.class)
class AccountRepositoryIT {

    @TestTemplate
    void customer_roundTrip_update_duplicate(Database database) {
        var customers = new CustomerRepository(database);
        int n = Fixtures.next();
        Customer created = customers.create(OPERATOR,
                Customer.of("Jouw Firma " + n, List.of("b" + n + "@firma.example", "a" + n + "@firma.example"), Language.NL));
        assertThat(customers.get(created.id())).isEqualTo(created);
        Customer changed = new Customer(created.id(), created.name(), List.of("c" + n + "@firma.example"), Language.EN,
                ZoneId.of("Europe/Amsterdam"));
        customers.update(OPERATOR, changed);
        assertThat(customers.get(created.id())).isEqualTo(changed);
        assertThatThrownBy(() -> customers.create(OPERATOR,
                Customer.of("Jouw Firma " + n, List.of("x@firma.example"), Language.NL)))
                .isInstanceOf(DuplicateNameException.class).hasMessage("customer 'Jouw Firma " + n + "' already exists");
        assertThat(new AuditLogRepository(database).forEntity("customer", created.id()))
                .extracting(AuditEntry::action).containsExactly("customer.created", "customer.updated");
    }

    @TestTemplate
    void accounts_operatorAndCustomer_loginUniqueCaseInsensitive(Database database) {
        Customer customer = new Fixtures(database).customer();
        var accounts = new AccountRepository(database);
        int n = Fixtures.next();
        Account account = accounts.create(OPERATOR, "Jan" + n + "@Firma.example", Account.Role.CUSTOMER, customer.id(),
                "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA");
        assertThat(accounts.findByLogin("jan" + n + "@firma.example")).contains(account);
        assertThatThrownBy(() -> accounts.create(OPERATOR, "JAN" + n + "@firma.example", Account.Role.OPERATOR, null, null))
                .isInstanceOf(DuplicateNameException.class);
        assertThatThrownBy(() -> accounts.create(OPERATOR, "x" + n, Account.Role.CUSTOMER, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        accounts.setDisabled(OPERATOR, account.id(), true);
        assertThat(accounts.find(account.id()).orElseThrow().disabled()).isTrue();
    }

    @TestTemplate
    void apiTokens_storedAsHash_authenticate_revoke_expire(Database database) {
        var accounts = new AccountRepository(database);
        var tokens = new ApiTokenRepository(database);
        Account operator = accounts.create(OPERATOR, "op" + Fixtures.next() + "@provider.example", Account.Role.OPERATOR,
                null, null);
        String token = TokenHash.newToken();
        ApiToken created = tokens.create(OPERATOR, operator.id(), "ci", token, null);
        String expired = TokenHash.newToken();
        tokens.create(OPERATOR, operator.id(), "old", expired, Instant.now().minusSeconds(60));

        assertThat(tokens.lastUsed(created.id())).isEmpty();
        assertThat(tokens.authenticate(token)).contains(operator);
        // Last use is recorded once a minute, not on every request (the stamp stays)...
        Instant firstUse = tokens.lastUsed(created.id()).orElseThrow();
        assertThat(tokens.authenticate(token)).contains(operator);
        assertThat(tokens.lastUsed(created.id())).contains(firstUse);
        // ...and again once the stamp is older than that.
        Instant longAgo = firstUse.minus(ApiTokenRepository.LAST_USED_RESOLUTION).minusSeconds(1);
        database.jdbi().useHandle(handle -> handle.createUpdate("update api_token set last_used_at = :at where id = :id")
                .bind("at", longAgo).bind("id", created.id()).execute());
        assertThat(tokens.authenticate(token)).contains(operator);
        assertThat(tokens.lastUsed(created.id())).hasValueSatisfying(used -> assertThat(used).isAfter(longAgo));
        assertThatThrownBy(() -> tokens.lastUsed(created.id() + 1_000_000)).isInstanceOf(UnknownEntityException.class);
        assertThat(tokens.authenticate(expired)).isEmpty();
        assertThat(tokens.authenticate(TokenHash.newToken())).isEmpty();
        List<String> stored = database.jdbi().withHandle(handle -> handle.createQuery(
                "select token_sha256 from api_token where account_id = :id").bind("id", operator.id())
                .mapTo(String.class).list());
        assertThat(stored).contains(TokenHash.sha256(token)).doesNotContain(token);

        tokens.revoke(OPERATOR, operator.id(), created.id());
        assertThat(tokens.authenticate(token)).isEmpty();
        assertThatThrownBy(() -> tokens.revoke(OPERATOR, operator.id(), created.id()))
                .isInstanceOf(UnknownEntityException.class);
    }

    @TestTemplate
    void sessions_visibleToAnotherInstance_endedByLogout(DatabaseExtension.TestDatabase test) {
        Database database = test.database();
        Account operator = new AccountRepository(database).create(OPERATOR, "op" + Fixtures.next() + "@provider.example",
                Account.Role.OPERATOR, null, null);
        Actor actor = Actor.operator(operator.login());
        String sessionId = TokenHash.newToken();
        new SessionRepository(database).create(actor, operator.id(), sessionId, Duration.ofHours(8));

        var other = new SessionRepository(test.openAnother(2));
        assertThat(other.find(sessionId)).hasValueSatisfying(session -> assertThat(session.account()).isEqualTo(operator));
        assertThat(other.delete(actor, sessionId)).isTrue();
        assertThat(new SessionRepository(database).find(sessionId)).isEmpty();
        assertThat(new AuditLogRepository(database).forEntity("account", operator.id()))
                .extracting(AuditEntry::action).containsExactly("account.created", "session.started", "session.ended");
    }

    @TestTemplate
    void loginAttempts_countedPerLoginAndAddress(Database database) {
        var attempts = new LoginAttemptRepository(database);
        String login = "victim" + Fixtures.next() + "@firma.example";
        Instant before = Instant.now().minusSeconds(5);
        for (int i = 0; i < 3; i++) {
            attempts.record(login, "198.51.100.7", false);
        }
        attempts.record(login, "198.51.100.8", true);
        assertThat(attempts.failuresForLogin(login.toUpperCase(), before)).isEqualTo(3);
        assertThat(attempts.failuresFromAddress("198.51.100.7", before)).isGreaterThanOrEqualTo(3);
        assertThat(attempts.failuresForLogin(login, Instant.now().plusSeconds(5))).isZero();
    }

    @TestTemplate
    void loginAttempts_failureTimes_perLoginAndAddress_oldestFirst(Database database) {
        var attempts = new LoginAttemptRepository(database);
        String login = "pair" + Fixtures.next() + "@firma.example";
        Instant before = Instant.now().minusSeconds(5);
        attempts.record(login, "198.51.100.9", false);
        attempts.record(login, "198.51.100.9", false);
        attempts.record(login, "198.51.100.10", false);
        attempts.record(login, "198.51.100.9", true);
        List<Instant> times = attempts.failureTimes(login.toUpperCase(), "198.51.100.9", before, 10);
        assertThat(times).hasSize(2).isSorted();
        assertThat(attempts.failureTimes(login, "198.51.100.9", before, 1)).containsExactly(times.get(0));
        assertThat(attempts.failureTimes(login, "198.51.100.11", before, 10)).isEmpty();
    }

    @TestTemplate
    void accounts_list_anyOperator(Database database) {
        var accounts = new AccountRepository(database);
        Customer customer = new Fixtures(database).customer();
        int n = Fixtures.next();
        Account customerAccount = accounts.create(OPERATOR, "c" + n + "@firma.example", Account.Role.CUSTOMER,
                customer.id(), null);
        assertThat(accounts.list()).contains(customerAccount);
        Account operator = accounts.create(OPERATOR, "o" + n + "@provider.example", Account.Role.OPERATOR, null, null);
        assertThat(accounts.anyOperator()).isTrue();
        List<Account> all = accounts.list();
        assertThat(all.indexOf(operator)).isLessThan(all.indexOf(customerAccount));
    }
}
