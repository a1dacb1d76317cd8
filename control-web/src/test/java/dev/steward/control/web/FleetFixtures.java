package dev.steward.control.web;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import dev.steward.control.store.ServerRegistration;
import dev.steward.control.web.api.ApiDependencies;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Customers and servers for the end-to-end tests ({@link MaintenanceFlowIT}, the control plane's
 * chaos test): unique names from one sequence, so several tests share a database.
 */
public final class FleetFixtures {

    /** The provider domain of the fixtures' server names. */
    public static final String DOMAIN = "hosting.example";
    /** The actor of the fixtures' rows. */
    public static final Actor SETUP = Actor.system("flow-test");

    private static final AtomicInteger SEQUENCE = new AtomicInteger(7000);

    private FleetFixtures() {
    }

    /** The next number of the sequence (for unique names). */
    public static int next() {
        return SEQUENCE.incrementAndGet();
    }

    /** A customer with one contact at {@code it<n>@<tag>.example}. */
    public static Customer customer(ApiDependencies deps, Language language, String tag) {
        int n = next();
        return deps.customers().create(SETUP, Customer.of("Flow " + tag + " " + n, List.of("it" + n + "@" + tag
                + ".example"), language));
    }

    /** A server of {@code role} ({@code prd}, {@code tst}, ...) running the application. */
    public static Server server(ApiDependencies deps, long customerId, long applicationId, String role) {
        int n = next();
        ServerName name = ServerName.parse(String.format("cln%04d-%s-app%03d.%s", n, role, n % 1000, DOMAIN));
        return deps.servers().register(SETUP, new ServerRegistration(Server.register(name, customerId, applicationId,
                "app" + n + ".flow.example"), "10.77." + (n >> 8 & 255) + "." + (n & 255),
                "2001:db8:77::" + Integer.toHexString(n)));
    }
}
