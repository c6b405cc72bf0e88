/**
 * What the fakes share (internal): fault rules, the fault injector, the request log, serving on a
 * port and the msw fake's outside. The fake Kubernetes API server, the fake Vault and the fake EC2
 * are thin protocol adapters over it; none of this is exported from the package.
 *
 * ## Fault injection
 * A fake declares, in its protocol's terms:
 * - a match (`verb`/`resource` for Kubernetes, `path`/`method`/`operation` for Vault,
 *   `action`/`region` for EC2) and a failure spec (a status, or EC2's code) extending it;
 * - a {@link FaultProtocol}: whether a spec's match applies to a request record, and how the
 *   request log names an injected failure (`status 429`, `fail 503`, `throttle`).
 *
 * A {@link FaultInjector} over that protocol holds the failure and latency rules
 * ({@link FaultRules}): the first live rule that applies wins and uses one of its `times`
 * (failures: once by default, without end when given a `probability`; latencies: without end).
 * {@link FaultInjector.inject} runs a request through the pause, a latency and a failure, marking
 * the record's `fault`; the fake turns the failure it returns into its protocol's error answer
 * (Kubernetes' `Status`, Vault's `{ errors }`, EC2's `<Response><Errors>`). Rules of other kinds
 * (EC2's eventual consistency) are further {@link FaultRules} lists. A {@link RequestGate}, when set,
 * is asked before the rules (the crash-point explorer's crash gate). {@link oneOf} matches a field
 * given as one value or a list.
 *
 * ## Request log
 * {@link requestLog} is a {@link boundedLog} (records in arrival order; past `limit` the oldest
 * half goes) filtered by {@link fieldMatcher}: every given field must equal the record's, unless
 * the fake gives a test for it (Vault's path prefix, case-insensitive methods), and `faulted` asks
 * whether the record has a `fault`. The public log is a {@link RequestLogView}. Each fake keeps
 * its record, filter and log in its own `request-log.ts`, beside its `faults.ts`.
 *
 * ## Serving
 * {@link MswFake} is the outside of an msw fake (`handlers`, `faults`, `requests`, `state`,
 * `handle`, `serve`); {@link originPattern} is the URL its handlers answer, {@link startServed}
 * serves it. {@link serveHandlers} serves msw handlers on 127.0.0.1; {@link answerHttp},
 * {@link httpServer} and {@link listenLocal} are its parts, for a fake that serves itself (Vault,
 * for its `LIST` method).
 */
export { type FaultHandle, FaultRules, failureTimes, oneOf, type RuleLimits } from './fault-rules.js';
export { type FaultProtocol, FaultInjector, type LatencyRule, type RequestGate, type RuleFaults, sleep } from './fault-injector.js';
export { type BoundedLog, boundedLog, fieldMatcher, type FieldMatcherOptions, type FieldTests, requestLog, type RequestLogView } from './request-log.js';
export { type Answer, answerHttp, httpServer, listenLocal, serveHandlers, type ServedHandlers } from './serve.js';
export { type MswFake, originPattern, startServed } from './msw-fake.js';
