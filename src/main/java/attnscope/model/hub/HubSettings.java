package attnscope.model.hub;

import attnscope.InputException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where the hub is and how to talk to it, taken from the environment by the command and passed
 * explicitly to the library (so tests can inject their own values):
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the hub or a mirror, default {@code https://huggingface.co};</li>
 *   <li>{@code HF_TOKEN}: an access token, sent as {@code Authorization: Bearer …} to the hub
 *       (never to the CDN it redirects to), needed for gated or private repositories;</li>
 *   <li>{@code HF_HUB_OFFLINE=1}: no network at all.</li>
 * </ul>
 *
 * @param endpoint base URI of the hub, without a trailing slash
 * @param token    the access token, if any
 * @param offline  true when no network request may be made
 */
public record HubSettings(URI endpoint, Optional<String> token, boolean offline) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        if (endpoint.getScheme() == null || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
                || endpoint.getHost() == null) {
            throw new InputException("HF_ENDPOINT must be an http(s) address such as " + DEFAULT_ENDPOINT
                    + ", found '" + s + "'");
        }
    }

    /** Reads HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE from {@code env} (e.g. {@code System.getenv()}). */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String endpoint = blankToNull(env.get("HF_ENDPOINT"));
        URI uri;
        try {
            uri = URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint);
        } catch (IllegalArgumentException e) {
            throw new InputException("HF_ENDPOINT is not a valid address: '" + endpoint + "'");
        }
        String token = blankToNull(env.get("HF_TOKEN"));
        return new HubSettings(uri, Optional.ofNullable(token == null ? null : token.strip()), isTrue(env.get("HF_HUB_OFFLINE")));
    }

    /** huggingface_hub's reading of boolean variables: 1, ON, YES, TRUE (any case). */
    static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip().toUpperCase(java.util.Locale.ROOT);
        return v.equals("1") || v.equals("ON") || v.equals("YES") || v.equals("TRUE");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        // Never print the token itself.
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "set" : "none") + ", offline=" + offline + "]";
    }
}
