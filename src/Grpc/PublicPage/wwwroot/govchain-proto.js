// GovChain's protobuf messages for the browser (and Node.js): the wire encoding of the few
// messages a verifier must hash (encoded from the proof file's protobuf JSON exactly as the node's
// protobuf library writes them: fields in number order, proto3 defaults left out), and decoders
// for the messages it reads from bytes (a transaction body, registry records). No dependency; a
// classic script (so the page also works opened from file://), or a CommonJS module.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.GovChainProto = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  // name: [field number, type, repeated, message type]. Only what the page needs, from proto/govchain/v1.
  const S = {
    BlockHeader: {
      chain_id: [1, 'string'], height: [2, 'uint64'], time_unix_ms: [3, 'int64'], previous_hash: [4, 'bytes'],
      tx_root: [5, 'bytes'], state_root: [6, 'bytes'], validator_set_hash: [7, 'bytes'], next_validator_set_hash: [8, 'bytes'],
      proposer: [9, 'bytes'], last_commit_hash: [10, 'bytes'], receipts_root: [11, 'bytes'], evidence_hash: [12, 'bytes'], tx_count: [13, 'uint32'],
    },
    Validator: { department_id: [1, 'string'], public_key: [2, 'bytes'], voting_power: [3, 'uint64'] },
    ValidatorSet: { validators: [1, 'message', true, 'Validator'] },
    Department: {
      id: [1, 'string'], name: [2, 'string'], validator_key: [3, 'bytes'], voting_power: [4, 'uint64'], endpoint: [5, 'string'], tls_certificate: [6, 'bytes'],
    },
    RoleGrant: { role: [1, 'string'], holder: [2, 'bytes'], department_id: [3, 'string'] },
    ConsensusParams: {
      timeout_propose_ms: [1, 'uint32'], timeout_prevote_ms: [2, 'uint32'], timeout_precommit_ms: [3, 'uint32'], timeout_delta_ms: [4, 'uint32'],
      max_block_txs: [5, 'uint32'], max_block_bytes: [6, 'uint32'], max_tx_bytes: [7, 'uint32'],
    },
    Genesis: {
      chain_id: [1, 'string'], genesis_time_unix_ms: [2, 'int64'], departments: [3, 'message', true, 'Department'],
      roles: [4, 'message', true, 'RoleGrant'], consensus: [5, 'message', false, 'ConsensusParams'],
    },
    EventAttribute: { key: [1, 'string'], value: [2, 'string'] },
    Event: { contract: [1, 'string'], name: [2, 'string'], attributes: [3, 'message', true, 'EventAttribute'] },
    Receipt: {
      tx_id: [1, 'bytes'], height: [2, 'uint64'], index: [3, 'uint32'], code: [4, 'uint32'], message: [5, 'string'],
      events: [6, 'message', true, 'Event'], steps_used: [7, 'uint64'], result: [8, 'bytes'],
    },
    TransactionBody: {
      chain_id: [1, 'string'], sender: [2, 'bytes'], nonce: [3, 'uint64'], contract: [4, 'string'], method: [5, 'string'],
      args: [6, 'bytes'], max_steps: [7, 'uint64'], memo: [8, 'string'],
    },
    TransferOffer: { buyer: [1, 'bytes'], price: [2, 'uint64'], offered_height: [3, 'uint64'], accepted: [4, 'bool'], accepted_height: [5, 'uint64'] },
    Lien: { id: [1, 'string'], holder: [2, 'bytes'], department_id: [3, 'string'], amount: [4, 'uint64'], registered_height: [5, 'uint64'] },
    Parcel: {
      id: [1, 'string'], owner: [2, 'bytes'], description_hash: [3, 'bytes'], area_m2: [4, 'uint64'], location: [5, 'string'],
      registered_height: [6, 'uint64'], offer: [7, 'message', false, 'TransferOffer'], liens: [8, 'message', true, 'Lien'], history_length: [9, 'uint64'],
    },
    ParcelHistoryEntry: {
      sequence: [1, 'uint64'], height: [2, 'uint64'], tx_id: [3, 'bytes'], kind: [4, 'enum'], actor: [5, 'bytes'],
      from_owner: [6, 'bytes'], to_owner: [7, 'bytes'], detail: [8, 'string'], time_unix_ms: [9, 'int64'],
    },
    CredentialRecord: {
      id: [1, 'string'], kind: [2, 'string'], subject: [3, 'bytes'], issuer: [4, 'bytes'], issuer_department: [5, 'string'],
      claims_hash: [6, 'bytes'], issued_height: [7, 'uint64'], valid_from_height: [8, 'uint64'], valid_until_height: [9, 'uint64'],
      revoked_height: [10, 'uint64'], revocation_reason: [11, 'string'],
    },
    TenderAward: { winner: [1, 'bytes'], amount: [2, 'uint64'], awarded_height: [3, 'uint64'], valid_bids: [4, 'uint32'] },
    TenderMilestone: {
      description: [1, 'string'], share_basis_points: [2, 'uint32'], approved: [3, 'bool'], approved_height: [4, 'uint64'],
      inspector: [5, 'bytes'], report_hash: [6, 'bytes'], payment_amount: [7, 'uint64'],
    },
    Tender: {
      id: [1, 'string'], officer: [2, 'bytes'], department_id: [3, 'string'], title: [4, 'string'], document_hash: [5, 'bytes'],
      published_height: [6, 'uint64'], bid_deadline_height: [7, 'uint64'], reveal_deadline_height: [8, 'uint64'], status: [9, 'enum'],
      bidders: [10, 'bytes', true], award: [11, 'message', false, 'TenderAward'], milestones: [12, 'message', true, 'TenderMilestone'], cancel_reason: [13, 'string'],
    },
    SealedBid: {
      tender_id: [1, 'string'], bidder: [2, 'bytes'], commitment: [3, 'bytes'], submitted_height: [4, 'uint64'],
      revealed: [5, 'bool'], amount: [6, 'uint64'], revealed_height: [7, 'uint64'],
    },
  };

  const MAX_DEPTH = 32;
  const MAX_BYTES = 16 * 1024 * 1024;

  function fieldsOf(type) {
    const schema = S[type];
    if (!schema) throw new Error('unknown message type ' + type);
    return Object.entries(schema).map(([name, [number, kind, repeated, message]]) => ({ name, number, kind, repeated: !!repeated, message }))
      .sort((a, b) => a.number - b.number);
  }

  // ---- bytes, hex, base64 ----
  function concat(parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function utf8(s) { return new TextEncoder().encode(s); }
  function fromUtf8(b) { return new TextDecoder('utf-8', { fatal: false }).decode(b); }
  function hex(b) { let s = ''; for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16); return s; }
  function fromHex(s) {
    if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error('not hexadecimal');
    const out = new Uint8Array(s.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  }
  // Protobuf JSON writes bytes as standard base64 and accepts the URL-safe alphabet too.
  function fromBase64(s) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new Error('not base64');
    const std = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(std); // forgiving base64: padding optional, as protobuf JSON parsers accept
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function toBase64(b) { let s = ''; for (const x of b) s += String.fromCharCode(x); return btoa(s); }
  function equal(a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function compare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }

  // ---- protobuf JSON values ----
  function jsonInt(v, what) {
    if (v === undefined || v === null) return 0n;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^-?[0-9]{1,20}$/.test(v)) return BigInt(v);
    throw new Error(what + ' is not a whole number');
  }
  function jsonBytes(v, what) {
    if (v === undefined || v === null) return new Uint8Array(0);
    try { return fromBase64(v); } catch (e) { throw new Error(what + ' is not base64'); }
  }

  // ---- wire encoding ----
  function varint(n) {
    const out = [];
    let v = BigInt.asUintN(64, n);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      out.push(b);
    } while (v !== 0n);
    return Uint8Array.from(out);
  }
  function key(number, wire) { return varint((BigInt(number) << 3n) | BigInt(wire)); }

  /** `json` with its lowerCamelCase keys (what protobuf JSON writers emit) turned into proto field names, at every depth. */
  function protoNames(json, depth) {
    depth = depth || 0;
    if (depth > MAX_DEPTH) throw new Error('the JSON is nested too deeply');
    if (Array.isArray(json)) return json.map((v) => protoNames(v, depth + 1));
    if (json === null || typeof json !== 'object') return json;
    const out = {};
    for (const [k, v] of Object.entries(json)) out[k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())] = protoNames(v, depth + 1);
    return out;
  }

  /** Encodes the protobuf JSON object `json` (proto field names) as message `type`, canonically. */
  function encodeJson(type, json, depth) {
    depth = depth || 0;
    if (depth > MAX_DEPTH) throw new Error(type + ' is nested too deeply');
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(type + ' is not an object');
    const fields = fieldsOf(type);
    const known = new Set(fields.map((f) => f.name));
    for (const k of Object.keys(json)) if (!known.has(k)) throw new Error(type + ' has no field ' + k);
    const out = [];
    for (const f of fields) {
      const v = json[f.name];
      if (v === undefined || v === null) continue;
      if (f.repeated) {
        if (!Array.isArray(v)) throw new Error(type + '.' + f.name + ' is not a list');
        for (const item of v) out.push(encodeField(type, f, item, depth, true));
      } else {
        out.push(encodeField(type, f, v, depth, false));
      }
    }
    return concat(out);
  }

  function encodeField(type, f, v, depth, always) {
    const what = type + '.' + f.name;
    switch (f.kind) {
      case 'message': {
        const body = encodeJson(f.message, v, depth + 1);
        return concat([key(f.number, 2), varint(BigInt(body.length)), body]);
      }
      case 'string': {
        if (typeof v !== 'string') throw new Error(what + ' is not text');
        const body = utf8(v);
        return !always && body.length === 0 ? new Uint8Array(0) : concat([key(f.number, 2), varint(BigInt(body.length)), body]);
      }
      case 'bytes': {
        const body = jsonBytes(v, what);
        return !always && body.length === 0 ? new Uint8Array(0) : concat([key(f.number, 2), varint(BigInt(body.length)), body]);
      }
      case 'bool':
        if (typeof v !== 'boolean') throw new Error(what + ' is not true or false');
        return !always && !v ? new Uint8Array(0) : concat([key(f.number, 0), varint(v ? 1n : 0n)]);
      case 'uint64': case 'int64': case 'uint32': {
        const n = jsonInt(v, what);
        const max = f.kind === 'uint32' ? 0xffffffffn : f.kind === 'uint64' ? 0xffffffffffffffffn : 0x7fffffffffffffffn;
        const min = f.kind === 'int64' ? -0x8000000000000000n : 0n;
        if (n > max || n < min) throw new Error(what + ' is out of range');
        return !always && n === 0n ? new Uint8Array(0) : concat([key(f.number, 0), varint(n)]);
      }
      default:
        throw new Error('cannot encode ' + what);
    }
  }

  // ---- wire decoding ----
  class Reader {
    constructor(b) { this.b = b; this.p = 0; }
    done() { return this.p >= this.b.length; }
    varint() {
      let r = 0n;
      for (let s = 0n; s < 70n; s += 7n) {
        if (this.p >= this.b.length) throw new Error('truncated number');
        const x = this.b[this.p++];
        r |= BigInt(x & 0x7f) << s;
        if ((x & 0x80) === 0) return BigInt.asUintN(64, r);
      }
      throw new Error('number longer than 10 bytes');
    }
    take(n) {
      if (n > this.b.length - this.p) throw new Error('length runs past the end');
      const s = this.b.subarray(this.p, this.p + n);
      this.p += n;
      return s;
    }
    skip(wire) {
      if (wire === 0) this.varint();
      else if (wire === 1) this.take(8);
      else if (wire === 2) this.take(Number(this.varint()));
      else if (wire === 5) this.take(4);
      else throw new Error('unknown wire type ' + wire);
    }
  }

  /** Decodes `bytes` as `type`: 64-bit numbers as BigInt, bytes as Uint8Array, a missing message as null. */
  function decode(type, bytes, depth) {
    depth = depth || 0;
    if (depth > MAX_DEPTH) throw new Error(type + ' is nested too deeply');
    if (bytes.length > MAX_BYTES) throw new Error(type + ' is too large');
    const fields = fieldsOf(type);
    const byNumber = new Map(fields.map((f) => [f.number, f]));
    const m = {};
    for (const f of fields) {
      m[f.name] = f.repeated ? [] : f.kind === 'message' ? null : f.kind === 'string' ? '' : f.kind === 'bytes' ? new Uint8Array(0)
        : f.kind === 'bool' ? false : f.kind === 'uint64' || f.kind === 'int64' ? 0n : 0;
    }
    const r = new Reader(bytes);
    while (!r.done()) {
      const k = r.varint();
      const number = Number(k >> 3n);
      const wire = Number(k & 7n);
      const f = byNumber.get(number);
      if (!f) { r.skip(wire); continue; }
      let v;
      if (f.kind === 'message' || f.kind === 'string' || f.kind === 'bytes') {
        if (wire !== 2) throw new Error(type + '.' + f.name + ' has the wrong wire type');
        const body = r.take(Number(r.varint()));
        v = f.kind === 'message' ? decode(f.message, body, depth + 1) : f.kind === 'string' ? fromUtf8(body) : Uint8Array.from(body);
      } else {
        if (wire !== 0) throw new Error(type + '.' + f.name + ' has the wrong wire type');
        const n = r.varint();
        v = f.kind === 'bool' ? n !== 0n : f.kind === 'uint64' ? n : f.kind === 'int64' ? BigInt.asIntN(64, n) : Number(BigInt.asUintN(32, n));
      }
      if (f.repeated) m[f.name].push(v);
      else m[f.name] = v;
    }
    return m;
  }

  return { schemas: S, encodeJson, protoNames, decode, concat, utf8, fromUtf8, hex, fromHex, fromBase64, toBase64, equal, compare, jsonInt, jsonBytes };
});
