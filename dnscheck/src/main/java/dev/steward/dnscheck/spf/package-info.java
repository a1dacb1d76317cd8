/**
 * SPF for the customer DNS check (requirement DNS-2): RFC 7208 evaluation of the app host's record
 * for the server's addresses, and the corrected record to propose.
 *
 * <p><b>Role.</b> {@link dev.steward.dnscheck.spf.SpfRecord} parses a {@code v=spf1} record into
 * terms that keep their original text; {@link dev.steward.dnscheck.spf.SpfEvaluator} is RFC 7208
 * {@code check_host()}; {@link dev.steward.dnscheck.spf.SpfProposal} merges the server's
 * {@code ip4:}/{@code ip6:} into what the customer already publishes.
 *
 * <p><b>Inputs/outputs.</b> In: the client address, domain, sender and HELO name; TXT, A, AAAA,
 * MX and PTR answers from a {@link dev.steward.mail.dns.Resolver}. Out: values
 * ({@link dev.steward.dnscheck.spf.SpfResult}, {@code SpfRecord.ParseResult}, a proposal); nothing
 * is printed or logged.
 *
 * <p><b>Files/queues touched.</b> None.
 *
 * <p><b>Strategy.</b> Parse the whole record first (a syntax error anywhere is a permerror), then
 * evaluate directives left to right with one evaluation-wide counter of DNS-querying terms (10)
 * and of void lookups (2); follow {@code redirect=} only when nothing matched; fetch
 * {@code exp=} only for a final fail. The evaluator is policy: its only I/O is the resolver.
 *
 * <p><b>Failure handling.</b> Expected outcomes are values: a bad record is
 * {@code SpfRecord.Invalid} with a reason, DNS trouble is {@code temperror}, limits and syntax
 * are {@code permerror}, every result carries a reason in plain words. Nothing throws for bad
 * record text or DNS data.
 *
 * <p><b>Config keys.</b> None; the limits are RFC 7208 §4.6.4's.
 *
 * <p><b>Standards.</b> RFC 7208 (§4 check_host, §5 mechanisms, §6 modifiers, §7 macros, §12 ABNF),
 * RFC 4291 §2.2 and RFC 5952 (IPv6 text), RFC 3986 (URL escaping of upper-case macros).
 *
 * <p><b>Security.</b> Record text and DNS answers come from the customer's and third parties'
 * DNS: the parser bounds nothing by trust but checks everything by grammar; the lookup limits
 * bound the work (at most 10 terms, 10 MX or PTR names each).
 */
package dev.steward.dnscheck.spf;
