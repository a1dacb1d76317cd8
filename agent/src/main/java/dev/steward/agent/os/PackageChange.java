package dev.steward.agent.os;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One package that an update changed: upgraded or downgraded ({@code from} and {@code to}), newly
 * installed ({@code from} null) or removed ({@code to} null).
 *
 * <p>Thread safety: immutable.
 *
 * @param packageName the package name (JSON {@code package})
 * @param architecture its architecture ({@code amd64}, {@code all}, ...)
 * @param from the version before, or null when it was not installed
 * @param to the version after, or null when it is no longer installed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PackageChange(
        @JsonProperty("package") String packageName,
        String architecture,
        String from,
        String to) {

    public PackageChange {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(architecture, "architecture");
        if (from == null && to == null) {
            throw new IllegalArgumentException("a change needs a version before or after: " + packageName);
        }
    }

    @Override
    public String toString() {
        return packageName + ":" + architecture + " " + (from == null ? "(new)" : from) + " -> "
                + (to == null ? "(removed)" : to);
    }
}
