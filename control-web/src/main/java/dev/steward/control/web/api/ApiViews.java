package dev.steward.control.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steward.control.core.Customer;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Resources;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.change.PackageChange;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerAddress;
import dev.steward.control.store.Account;
import dev.steward.control.store.ApiToken;
import dev.steward.control.store.AuditEntry;
import dev.steward.control.web.auth.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shapes of the API (responses as records, written in snake_case by {@link Json}) and the
 * request bodies; the OpenAPI document describes the same fields.
 *
 * <p>Thread safety: immutable records, stateless functions.
 */
final class ApiViews {

    private ApiViews() {
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    // ---- responses

    record AccountView(long id, String login, String role, Long customerId, boolean disabled) {
        static AccountView of(Account account) {
            return new AccountView(account.id(), account.login(), lower(account.role()), account.customerId(),
                    account.disabled());
        }
    }

    record SessionView(AccountView account, String method, String csrfToken, Instant expiresAt) {
        static SessionView of(Principal principal) {
            return new SessionView(AccountView.of(principal.account()), lower(principal.method()), principal.csrfToken(),
                    principal.expiresAt());
        }
    }

    record CustomerView(long id, String name, List<String> contacts, String language, String timeZone) {
        static CustomerView of(Customer customer) {
            return new CustomerView(customer.id(), customer.name(), customer.contacts(), customer.language().code(),
                    customer.timeZone().getId());
        }
    }

    record SpecView(int vcpu, int ramMib, int storageGib) {
        static SpecView of(PackageSpec spec) {
            return new SpecView(spec.vcpu(), spec.ramMib(), spec.storageGib());
        }
    }

    record ApplicationView(long id, String slug, String name, String versionScheme, String currentVersion,
                           Map<String, SpecView> packages) {
        static ApplicationView of(Application application) {
            Map<String, SpecView> packages = new LinkedHashMap<>();
            for (Tier tier : Tier.values()) {
                packages.put(tier.code(), SpecView.of(application.spec(tier)));
            }
            return new ApplicationView(application.id(), application.slug(), application.name(),
                    lower(application.versionScheme()), application.currentVersion(), packages);
        }
    }

    record AddressView(String family, String address, boolean extra, boolean billable) {
        static AddressView of(ServerAddress address) {
            return new AddressView(lower(address.family()), address.address(), address.extra(), address.billable());
        }
    }

    record ResourcesView(int vcpu, int ramMib, int storageGib, boolean dedicatedVcpu) {
    }

    record ServerView(long id, String name, long customerId, long applicationId, String role, String appHost,
                      @com.fasterxml.jackson.annotation.JsonProperty("package") String packageName, boolean storageUpgraded, boolean dedicatedVcpu, ResourcesView resources,
                      List<AddressView> addresses, String dkimSelector, String dkimPublicKey, String installedVersion,
                      String os, String kernel, Instant lastSeen) {
        static ServerView of(Server server, Application application, List<ServerAddress> addresses) {
            ResourcesView resources = null;
            if (application != null) {
                Resources r = Resources.of(application, server.packageState().tier(),
                        server.packageState().storageUpgraded(), server.packageState().dedicatedVcpu());
                resources = new ResourcesView(r.vcpu(), r.ramMib(), r.storageGib(), r.dedicatedVcpu());
            }
            return new ServerView(server.id(), server.name().toString(), server.customerId(), server.applicationId(),
                    lower(server.role()), server.appHost(), server.packageState().tier().code(),
                    server.packageState().storageUpgraded(), server.packageState().dedicatedVcpu(), resources,
                    addresses == null ? null : addresses.stream().map(AddressView::of).toList(), server.dkimSelector(),
                    server.dkimPublicKey(), server.installedVersion(), server.os(), server.kernel(), server.lastSeen());
        }
    }

    record PackageChangeView(long id, long serverId, String kind, String state, String requestedBy, Instant requestedAt,
                             String decidedBy, Instant decidedAt, String refusalReason, Instant scheduledFor,
                             String doneBy, Instant doneAt, String assignedAddress) {
        static PackageChangeView of(PackageChange change) {
            return new PackageChangeView(change.id(), change.serverId(), change.kind().code(), lower(change.state()),
                    change.requestedBy(), change.requestedAt(), change.decidedBy(), change.decidedAt(),
                    change.refusalReason(), change.scheduledFor(), change.doneBy(), change.doneAt(),
                    change.assignedAddress());
        }
    }

    record AuditEntryView(long id, Instant at, String actorKind, String actorName, String action, String entityType,
                          String entityId, JsonNode details) {
        static AuditEntryView of(AuditEntry entry) {
            JsonNode details;
            try {
                details = Json.MAPPER.readTree(entry.details());
            } catch (JsonProcessingException e) {
                details = Json.MAPPER.getNodeFactory().textNode(entry.details());
            }
            return new AuditEntryView(entry.id(), entry.at(), lower(entry.actor().kind()), entry.actor().name(),
                    entry.action(), entry.entityType(), entry.entityId(), details);
        }
    }

    record TokenView(long id, long accountId, String label, Instant createdAt, Instant expiresAt, Instant revokedAt) {
        static TokenView of(ApiToken token) {
            return new TokenView(token.id(), token.accountId(), token.label(), token.createdAt(), token.expiresAt(),
                    token.revokedAt());
        }
    }

    record NewTokenView(String token, TokenView record) {
    }

    /** A page: {@code next_cursor} is null on the last page; {@code total} may be null if not counted. */
    record PageView<T>(List<T> items, String nextCursor, Long total) {
    }

    // ---- requests

    record LoginBody(String login, String password) {
    }

    record CustomerBody(String name, List<String> contacts, String language, String timeZone) {
    }

    record SpecBody(Integer vcpu, Integer ramMib, Integer storageGib) {
    }

    record ApplicationBody(String slug, String name, String versionScheme, String currentVersion,
                           Map<String, SpecBody> packages) {
    }

    record ServerBody(String name, Long customerId, Long applicationId, String appHost, String ipv4, String ipv6) {
    }

    record DkimBody(String selector, String publicKey) {
    }

    /** What happened to the DKIM record notice: sent, failed or not_configured. */
    record NoticeView(String status, String detail, String recordName, String recordValue) {
    }

    record DkimView(ServerView server, NoticeView notice) {
    }

    record PackageChangeBody(String kind) {
    }

    record RefuseBody(String reason) {
    }

    record ScheduleBody(Instant scheduledFor) {
    }

    record DoneBody(String assignedAddress) {
    }

    record AccountBody(String login, String role, Long customerId, String password) {
    }

    record TokenBody(String label, Instant expiresAt) {
    }
}
