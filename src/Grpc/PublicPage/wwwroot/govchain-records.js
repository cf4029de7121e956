// What the registries keep at a state key, decoded from the proven bytes (never from anything the
// node says beside them), and told in plain words: the keys of land, identity and procurement
// (see proto/govchain/v1/land.proto, identity.proto, procurement.proto).
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./govchain-proto.js'));
  else root.GovChainRecords = factory(root.GovChainProto);
})(typeof self !== 'undefined' ? self : this, function (P) {
  'use strict';

  const ID = /^[A-Za-z0-9._:-]{1,64}$/;
  const HISTORY_KINDS = ['unknown', 'registered', 'transfer offered', 'transfer accepted', 'transferred', 'transfer cancelled', 'lien registered', 'lien released'];
  const TENDER_STATUS = ['unknown', 'open', 'awarded', 'cancelled', 'completed'];

  const keys = {
    parcel: (id) => 'land/parcel/' + id,
    history: (id, seq) => 'land/history/' + id + '/' + String(seq).padStart(20, '0'),
    credential: (id) => 'identity/cred/' + id,
    tender: (id) => 'procurement/tender/' + id,
    bid: (tender, bidderHex) => 'procurement/bid/' + tender + '/' + bidderHex,
  };

  const TYPES = [
    ['land/parcel/', 'Parcel'], ['land/history/', 'ParcelHistoryEntry'], ['identity/cred/', 'CredentialRecord'],
    ['procurement/tender/', 'Tender'], ['procurement/bid/', 'SealedBid'],
  ];

  /** The record a proven value holds, decoded by its key; null for a key of no registry the page knows. */
  function decodeRecord(key, value) {
    for (const [prefix, type] of TYPES) {
      if (key.startsWith(prefix)) return { type, record: P.decode(type, value) };
    }
    return null;
  }

  /** Whether a credential counts at `height`, in words: the same rule as identity.verify_credential. */
  function credentialStatus(c, height) {
    if (c.revoked_height !== 0n && height >= c.revoked_height) {
      return { valid: false, word: 'REVOKED', text: `revoked at block ${c.revoked_height}` + (c.revocation_reason ? ` (reason given: ${c.revocation_reason})` : '') };
    }
    if (height < c.valid_from_height) return { valid: false, word: 'NOT YET VALID', text: `valid only from block ${c.valid_from_height}` };
    if (c.valid_until_height !== 0n && height >= c.valid_until_height) return { valid: false, word: 'EXPIRED', text: `expired at block ${c.valid_until_height}` };
    return { valid: true, word: 'VALID', text: c.valid_until_height === 0n ? 'valid, with no end date' : `valid until block ${c.valid_until_height}` };
  }

  /** A tender's life as dated steps (block heights), oldest first. */
  function tenderTimeline(t, bids) {
    const steps = [{ height: t.published_height, what: `Published by ${t.department_id}: “${t.title}”` }];
    steps.push({ height: t.bid_deadline_height, what: 'Deadline for sealed bids', deadline: true });
    steps.push({ height: t.reveal_deadline_height, what: 'Deadline for revealing bids', deadline: true });
    for (const b of bids) {
      steps.push({ height: b.submitted_height, what: `Sealed bid committed by bidder ${short(b.bidder)} (the amount stays secret until revealed)` });
      if (b.revealed) steps.push({ height: b.revealed_height, what: `Bid revealed by bidder ${short(b.bidder)}: ${b.amount}` });
    }
    if (t.award) steps.push({ height: t.award.awarded_height, what: `Awarded to bidder ${short(t.award.winner)} for ${t.award.amount} (${t.award.valid_bids} valid bids)` });
    t.milestones.forEach((m, i) => {
      if (m.approved) steps.push({ height: m.approved_height, what: `Milestone ${i + 1} (“${m.description}”) approved by inspector ${short(m.inspector)}; payment released: ${m.payment_amount}` });
    });
    if (TENDER_STATUS[t.status] === 'cancelled') steps.push({ height: null, what: `Cancelled: ${t.cancel_reason}` });
    const order = (h) => (h === null ? 2n ** 64n : h);
    return steps.sort((a, b) => (order(a.height) < order(b.height) ? -1 : order(a.height) > order(b.height) ? 1 : 0));
  }

  function short(bytes) { const h = P.hex(bytes); return h.length > 16 ? h.slice(0, 16) + '…' : h; }

  return { ID, keys, decodeRecord, credentialStatus, tenderTimeline, HISTORY_KINDS, TENDER_STATUS, short };
});
