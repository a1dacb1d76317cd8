package dev.steward.control.store;

import dev.steward.control.core.Actor;
import dev.steward.control.core.Customer;
import dev.steward.control.core.Language;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Customers and their contact addresses.
 *
 * <p>Thread safety: thread-safe; every method is its own transaction.
 */
public final class CustomerRepository {

    private final Database database;

    /** @param database where customers live */
    public CustomerRepository(Database database) {
        this.database = database;
    }

    /**
     * Stores a new customer.
     *
     * @return the customer with its id
     * @throws DuplicateNameException if the name is taken
     */
    public Customer create(Actor actor, Customer customer) {
        return Sql.uniqueName("customer", customer.name(), () -> database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            long id = handle.createUpdate("""
                            insert into customer (name, language, time_zone, created_at, updated_at)
                            values (:name, :language, :zone, :now, :now)
                            """)
                    .bind("name", customer.name())
                    .bind("language", customer.language().code())
                    .bind("zone", customer.timeZone().getId())
                    .bind("now", now)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            writeContacts(handle, id, customer.contacts());
            AuditLogRepository.append(handle, now, actor, "customer.created", "customer", id,
                    "name", customer.name(), "contacts", customer.contacts(), "language", customer.language().code(),
                    "time_zone", customer.timeZone().getId());
            return customer.withId(id);
        }));
    }

    /**
     * Replaces name, contacts, language and time zone.
     *
     * @throws UnknownEntityException if there is no such customer
     * @throws DuplicateNameException if the new name is taken
     */
    public Customer update(Actor actor, Customer customer) {
        return Sql.uniqueName("customer", customer.name(), () -> database.jdbi().inTransaction(handle -> {
            Instant now = Sql.now(database);
            int rows = handle.createUpdate("""
                            update customer set name = :name, language = :language, time_zone = :zone, updated_at = :now
                            where id = :id
                            """)
                    .bind("id", customer.id())
                    .bind("name", customer.name())
                    .bind("language", customer.language().code())
                    .bind("zone", customer.timeZone().getId())
                    .bind("now", now)
                    .execute();
            if (rows == 0) {
                throw new UnknownEntityException("customer", customer.id());
            }
            handle.createUpdate("delete from customer_contact where customer_id = :id").bind("id", customer.id()).execute();
            writeContacts(handle, customer.id(), customer.contacts());
            AuditLogRepository.append(handle, now, actor, "customer.updated", "customer", customer.id(),
                    "name", customer.name(), "contacts", customer.contacts(), "language", customer.language().code(),
                    "time_zone", customer.timeZone().getId());
            return customer;
        }));
    }

    /** The customer with {@code id}, if any. */
    public Optional<Customer> find(long id) {
        return database.jdbi().withHandle(handle -> select(handle, "where c.id = :key", id).stream().findFirst());
    }

    /**
     * The customer with {@code id}.
     *
     * @throws UnknownEntityException if there is none
     */
    public Customer get(long id) {
        return find(id).orElseThrow(() -> new UnknownEntityException("customer", id));
    }

    /** All customers by name (the provider has hundreds, not millions). */
    public List<Customer> list() {
        return database.jdbi().withHandle(handle -> select(handle, "", null));
    }

    private static void writeContacts(Handle handle, long customerId, List<String> contacts) {
        var batch = handle.prepareBatch("insert into customer_contact (customer_id, position, email) values (:id, :position, :email)");
        for (int i = 0; i < contacts.size(); i++) {
            batch.bind("id", customerId).bind("position", i).bind("email", contacts.get(i)).add();
        }
        batch.execute();
    }

    private static List<Customer> select(Handle handle, String where, Object key) {
        var contactQuery = handle.createQuery("select customer_id, email from customer_contact cc"
                + (key == null ? "" : " where cc.customer_id = :key") + " order by customer_id, position");
        var customerQuery = handle.createQuery("select * from customer c " + where + " order by c.name");
        if (key != null) {
            contactQuery.bind("key", key);
            customerQuery.bind("key", key);
        }
        Map<Long, List<String>> contacts = contactQuery
                .map((rs, ctx) -> Map.entry(rs.getLong("customer_id"), rs.getString("email")))
                .stream()
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        return customerQuery.map((rs, ctx) -> new Customer(rs.getLong("id"), rs.getString("name"),
                        contacts.getOrDefault(rs.getLong("id"), List.of()), Language.fromCode(rs.getString("language")),
                        ZoneId.of(rs.getString("time_zone"))))
                .list();
    }
}
