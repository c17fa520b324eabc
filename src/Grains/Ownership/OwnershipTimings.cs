namespace AlloyOrleans.Grains.Ownership;

/// <summary>The planner's bounds, in milliseconds (from <c>ScrapeSchedulerOptions</c> in a silo).</summary>
/// <param name="HandOffTimeoutMs">How long a release or accept call may take; also how long this silo leaves a target
/// it gave to an active peer alone before asking for it back.</param>
/// <param name="UnseenPeerGraceMs">How long this silo believes a peer it gave a target to, or that a peer says has it,
/// although its own view does not show that peer yet (a join it has not caught up with).</param>
/// <param name="RetryMs">How soon an acquisition asks again after a peer said "pending" or did not answer.</param>
/// <param name="LedgerRetentionMs">The longest the ledger remembers a hand-off.</param>
public sealed record OwnershipTimings(long HandOffTimeoutMs = 5_000, long UnseenPeerGraceMs = 10_000, long RetryMs = 250, long LedgerRetentionMs = 60_000);
