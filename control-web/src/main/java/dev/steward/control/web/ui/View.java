package dev.steward.control.web.ui;

import dev.steward.control.core.Language;
import dev.steward.control.web.auth.Principal;

/**
 * What every page's layout needs: the reader's language and messages, who is logged in, the
 * session's CSRF token for the forms, and the current path (for the language switch).
 *
 * <p>Thread safety: immutable.
 *
 * @param lang the language the page is rendered in
 * @param messages the message table
 * @param principal the logged-in account, or {@code null}
 * @param path the request path and query, for links back to this page
 */
public record View(Language lang, Messages messages, Principal principal, String path) {

    /** The message {@code key} in the page's language. */
    public String t(String key) {
        return messages.get(lang, key);
    }

    /** The message {@code key} with {@code {0}}, {@code {1}}, … replaced by {@code args}. */
    public String t(String key, Object... args) {
        return messages.format(lang, key, args);
    }

    /** The current path and query, URL-encoded for a {@code back=} parameter. */
    public String back() {
        return java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code nl} or {@code en}. */
    public String language() {
        return lang.code();
    }

    /** The language the switch offers. */
    public String otherLanguage() {
        return lang == Language.NL ? Language.EN.code() : Language.NL.code();
    }

    public boolean loggedIn() {
        return principal != null;
    }

    public boolean isOperator() {
        return principal != null && principal.isOperator();
    }

    public boolean isCustomer() {
        return principal != null && !principal.isOperator();
    }

    /** The login of the logged-in account, or the empty string. */
    public String login() {
        return principal == null ? "" : principal.account().login();
    }

    /** The session's CSRF token for the forms; empty when not logged in by session. */
    public String csrf() {
        return principal == null || principal.csrfToken() == null ? "" : principal.csrfToken();
    }
}
