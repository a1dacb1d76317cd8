/**
 * The control plane's server-rendered web UI (issue 6), in Dutch and English, usable without
 * JavaScript.
 *
 * <p><b>Role.</b> Pages for customers (my servers; per server the mail setup, the live DNS status
 * and the package requests), for operators (fleet, registration, catalogue, request approval, audit
 * log) and for everyone (login, the specifications page). Route classes: {@link
 * dev.steward.control.web.ui.LoginRoutes}, {@link dev.steward.control.web.ui.PublicRoutes}, {@link
 * dev.steward.control.web.ui.CustomerPageRoutes}, {@link dev.steward.control.web.ui.OperatorPageRoutes}.
 *
 * <p><b>Inputs/outputs.</b> HTML form posts ({@code application/x-www-form-urlencoded}) and query
 * strings in; HTML pages (JTE templates in {@code src/main/jte}, generated into Java at build time
 * and compiled with the rest, so no template compiler runs in production) and 303 redirects out.
 *
 * <p><b>Strategy.</b> Post/redirect/get for every change; a refused form is rendered again with the
 * reason (422 for a package rule, 400 for invalid input). Paging is the store's keyset paging.
 * Texts come from {@link dev.steward.control.web.ui.Messages}; the language is the switch's cookie,
 * else the customer's, else English for operators, else {@code Accept-Language}.
 *
 * <p><b>Failure handling.</b> Exceptions go to the one {@link dev.steward.control.web.api.ErrorMapper},
 * which renders an HTML error page for UI paths (401 becomes a redirect to the login form).
 *
 * <p><b>Config keys.</b> None of its own yet: the DNS page uses {@link
 * dev.steward.control.web.ui.UiSettings#defaults()} (system resolver, 8 s deadline).
 *
 * <p><b>Security.</b> Everything in a request is untrusted. Templates escape by default; the
 * Content-Security-Policy allows scripts only from this origin. Authenticated posts carry the
 * session's CSRF token ({@link dev.steward.control.web.api.Access}); the login form uses a
 * double-submit pre-session token. Scope is the API's: another customer's server is 404. Redirect
 * targets ({@code next}, {@code back}) must be local paths.
 */
package dev.steward.control.web.ui;
