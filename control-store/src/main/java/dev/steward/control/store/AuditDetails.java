package dev.steward.control.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes an audit row's details: name/value pairs as one JSON object, in the given order. */
final class AuditDetails {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditDetails() {
    }

    static String json(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("details come in name/value pairs");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            map.put((String) pairs[i], value instanceof Enum<?> e ? e.name()
                    : value instanceof Instant instant ? instant.toString() : value);
        }
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details cannot be written as JSON: " + map, e);
        }
    }
}
