package io.ebpfexporter.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.springframework.security.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP basic auth on every path against the web config's bcrypt hashes ($2a$, $2b$, $2y$); anything
 * else gets 401 with a Basic challenge. A bcrypt check costs tens of milliseconds by design, so
 * credentials that passed are remembered (as a SHA-256 of user, password and hash, never in clear) and
 * later scrapes skip it, as the exporter-toolkit does. An unknown user is checked against a dummy hash so
 * its answer takes as long as a wrong password's. With no users every request passes; the users are
 * replaced whole when the web config is reloaded.
 */
public final class BasicAuth implements Filter {
    private static final int REMEMBERED = 1024;

    private volatile Map<String, String> users;
    private final Set<String> passed = ConcurrentHashMap.newKeySet();
    /** A cost-10 bcrypt hash of "not a password", written out: computing one would delay start-up. */
    private static final String DUMMY_HASH = "$2a$10$/q2CfpN/jgaJcdmU01D.o.8.6OAL0BZB106zrE7xt2XbNz3RUeVPC";

    public BasicAuth(Map<String, String> users) {
        this.users = Map.copyOf(users);
    }

    /** From the next request on, these users and only these. */
    void users(Map<String, String> replacement) {
        users = Map.copyOf(replacement);
        passed.clear();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        if (users.isEmpty()) {
            chain.proceed();
            return;
        }
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (header.regionMatches(true, 0, "Basic ", 0, 6) && allowed(header.substring(6).trim())) {
            chain.proceed();
            return;
        }
        response.status(Status.UNAUTHORIZED_401)
                .header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"ebpf-exporter\"")
                .send("Unauthorized\n");
    }

    private boolean allowed(String encoded) {
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String user = credentials.substring(0, colon);
        String password = credentials.substring(colon + 1);
        Map<String, String> current = users;
        String hash = current.get(user);
        if (hash == null) {
            BCrypt.checkpw(password, DUMMY_HASH);
            return false;
        }
        String key = digest(user + '\0' + password + '\0' + hash);
        if (passed.contains(key)) {
            return true;
        }
        if (!BCrypt.checkpw(password, hash)) {
            return false;
        }
        if (passed.size() >= REMEMBERED) {
            passed.clear();
        }
        passed.add(key);
        return true;
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
