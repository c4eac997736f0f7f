package dev.hearth.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hearth.app.store.ConversationStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The bearer token of the local API: 32 random bytes from {@link SecureRandom}, made on this machine the
 * first time it is needed and kept in the store's settings ({@value #SETTING}). Clients send it as
 * {@code Authorization: Bearer <token>}.
 */
public final class ApiToken {
    public static final String SETTING = "api.token";
    private static final String PREFIX = "hearth-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiToken() {}

    /** The stored token, made and stored now if there is none. */
    public static String obtain(ConversationStore store) {
        Optional<JsonNode> stored = store.setting(SETTING);
        if (stored.isPresent() && stored.get().isTextual() && stored.get().asText().startsWith(PREFIX)) return stored.get().asText();
        return rotate(store);
    }

    /** Replaces the token: clients holding the old one get 401 from the next start of the API on. */
    public static String rotate(ConversationStore store) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.putSetting(SETTING, TextNode.valueOf(token));
        return token;
    }

    /** Whether an {@code Authorization} header carries {@code token}, compared in constant time. */
    static boolean matches(String authorizationHeader, String token) {
        if (authorizationHeader == null) return false;
        String prefix = "Bearer ";
        if (authorizationHeader.length() <= prefix.length() || !authorizationHeader.regionMatches(true, 0, prefix, 0, prefix.length())) return false;
        byte[] given = authorizationHeader.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }
}
