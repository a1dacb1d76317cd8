/**
 * The REST API under {@code /api/v1}: JSON in and out, documented by {@code openapi.json}.
 *
 * <p><b>Role.</b> A few {@code *Routes} classes register handlers; {@link
 * dev.steward.control.web.api.Access} authenticates every request and gives handlers their scope
 * checks; {@link dev.steward.control.web.api.ErrorMapper} is the one exception handler, writing
 * {@code {code, message, details}}.
 *
 * <p><b>Inputs/outputs.</b> snake_case JSON ({@link dev.steward.control.web.api.Json}); ids in
 * paths; keyset paging with {@code limit} and {@code cursor}.
 *
 * <p><b>Strategy.</b> Handlers are thin: check scope, parse, call one repository method, write a
 * view. Rules live in control-core; transitions and their races in control-store.
 *
 * <p><b>Failure handling.</b> See {@link dev.steward.control.web.api.ErrorMapper} for the table of
 * statuses and codes.
 *
 * <p><b>Security.</b> Every request is untrusted: anonymous requests get 401, customers 403 on
 * operator endpoints and 404 on another customer's objects (ids cannot be probed); changes
 * through the session cookie need the CSRF token; JSON bodies need {@code application/json};
 * bodies are limited to 1 MB.
 */
package dev.steward.control.web.api;
