package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import dev.steward.control.core.catalogue.Application;
import dev.steward.control.core.catalogue.PackageSpec;
import dev.steward.control.core.catalogue.Tier;
import dev.steward.control.core.catalogue.VersionScheme;
import dev.steward.control.core.fleet.Server;
import dev.steward.control.core.fleet.ServerName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test data with unique names, so tests sharing a class database do not collide. */
final class Fixtures {

    static final Actor OPERATOR = Actor.operator("ops@provider.example");
    static final Actor CUSTOMER = Actor.customer("it@jouwfirma.example");
    private static final AtomicInteger SEQUENCE = new AtomicInteger(100);

    private final Database database;

    Fixtures(Database database) {
        this.database = database;
    }

    static int next() {
        return SEQUENCE.incrementAndGet();
    }

    Customer customer() {
        int n = next();
        return new CustomerRepository(database).create(OPERATOR,
                Customer.of("Customer " + n, List.of("it" + n + "@customer.example"), Language.NL));
    }

    Application application() {
        int n = next();
        return new ApplicationRepository(database).create(OPERATOR, new Application(0, "app" + n, "App " + n,
                VersionScheme.SEMVER, "1.0.0", Map.of(
                        Tier.STANDARD, new PackageSpec(Tier.STANDARD, 2, 4096, 40),
                        Tier.PLUS, new PackageSpec(Tier.PLUS, 4, 8192, 80))));
    }

    Server server(long customerId, long applicationId) {
        int n = next();
        ServerName name = ServerName.parse(String.format("cln%03d-prd-app%03d.hosting.example", n, n));
        return new ServerRepository(database).register(OPERATOR, new ServerRegistration(
                Server.register(name, customerId, applicationId, "app" + n + ".customer.example"),
                ipv4(n), "2001:db8::" + Integer.toHexString(n)));
    }

    Server server() {
        return server(customer().id(), application().id());
    }

    static String ipv4(int n) {
        return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
    }
}
