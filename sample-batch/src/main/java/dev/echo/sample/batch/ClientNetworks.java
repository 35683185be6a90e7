package dev.echo.sample.batch;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

/**
 * The enrich stage's lookup: the client's country, from the {@code client_network} table
 * (schema.sql) in the application's database, one query per batch of records.
 *
 * <p>This is the pipeline's blocking call: a pooled JDBC connection (HikariCP waits in
 * {@code java.util.concurrent} when every connection is out) and a query. Inside an Echo task
 * both park the task, so a stage of many enrich workers costs tasks, not threads.
 */
@Component
final class ClientNetworks {

    static final String UNKNOWN = "(unknown)";
    static final String NOT_IPV4 = "(not IPv4)";
    private static final int NO_PREFIX = -1;
    /**
     * The batch's networks as a table joined on the primary key: one index probe per network.
     * ({@code WHERE prefix = ANY(?)} also probes the index, but then H2 re-checks each row
     * against the whole array, which made it quadratic in the batch size.)
     */
    private static final String QUERY = "SELECT c.prefix, c.country FROM TABLE(k INT = ?) t "
            + "JOIN client_network c ON c.prefix = t.k";

    private final DataSource dataSource;

    ClientNetworks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The records with their countries. */
    List<AccessRecord> enrich(List<AccessRecord> records) throws SQLException {
        Set<Integer> prefixes = new LinkedHashSet<>();
        for (AccessRecord record : records) {
            int prefix = prefix(record.host());
            if (prefix != NO_PREFIX) {
                prefixes.add(prefix);
            }
        }
        Map<Integer, String> countries = new HashMap<>();
        if (!prefixes.isEmpty()) {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement query = connection.prepareStatement(QUERY)) {
                Array keys = connection.createArrayOf("INTEGER", prefixes.toArray());
                query.setArray(1, keys);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        countries.put(rows.getInt(1), rows.getString(2));
                    }
                }
                keys.free();
            }
        }
        List<AccessRecord> enriched = new ArrayList<>(records.size());
        for (AccessRecord record : records) {
            int prefix = prefix(record.host());
            String country = prefix == NO_PREFIX ? NOT_IPV4 : countries.getOrDefault(prefix, UNKNOWN);
            enriched.add(record.withCountry(country));
        }
        return enriched;
    }

    /** a*256+b for the IPv4 address a.b.c.d, or NO_PREFIX for anything else. */
    static int prefix(String host) {
        int[] octets = new int[4];
        int octet = 0;
        int digits = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c >= '0' && c <= '9' && digits < 3) {
                octets[octet] = octets[octet] * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0 && octet < 3) {
                octet++;
                digits = 0;
            } else {
                return NO_PREFIX;
            }
        }
        if (octet != 3 || digits == 0) {
            return NO_PREFIX;
        }
        for (int value : octets) {
            if (value > 255) {
                return NO_PREFIX;
            }
        }
        return octets[0] << 8 | octets[1];
    }
}
