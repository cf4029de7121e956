// Verifies a GovChain proof document in the browser (or Node.js 20+), trusting nothing but a
// genesis: the same rules as the SDK's ProofVerifier (src/Client/Verification). Ed25519 and
// SHA-256 come from WebCrypto; the protobuf bytes that get hashed are re-encoded from the
// document's protobuf JSON by GovChainProto, exactly as the node's library writes them.
//
// The proof format lives in three places here, kept apart so a change of format touches only
// them: voteSignBytes (what a validator signs), checkHeader (who must have signed), and the two
// document readers (checkState, checkTransaction).
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./govchain-proto.js'));
  else root.GovChainVerify = factory(root.GovChainProto);
})(typeof self !== 'undefined' ? self : this, function (P) {
  'use strict';

  const Domain = { MerkleLeaf: 0, MerkleNode: 1, TransactionId: 2, BlockHeader: 3, Vote: 4, ValidatorSet: 6, Receipt: 8, StateLeaf: 10, StateNode: 11, StateKey: 12, Genesis: 14 };
  const PRECOMMIT = 2;
  const MAX_STATE_DEPTH = 256;
  const MAX_MERKLE_PATH = 64;
  const MAX_KEY_BYTES = 1024;
  const MAX_SIGNATURES = 1024;

  // A refusal: `reason` in plain words for a citizen, `detail` for whoever digs further.
  class NotProven extends Error {
    constructor(reason, detail) { super(reason); this.reason = reason; this.detail = detail || ''; }
  }
  const fail = (reason, detail) => { throw new NotProven(reason, detail); };

  function subtle() {
    const c = (typeof globalThis !== 'undefined' && globalThis.crypto) || null;
    if (!c || !c.subtle) fail('This browser cannot check signatures (WebCrypto is missing; open the page over https or from a file).');
    return c.subtle;
  }

  async function sha256(...parts) {
    return new Uint8Array(await subtle().digest('SHA-256', P.concat(parts)));
  }
  const tagged = (domain, ...parts) => sha256(Uint8Array.of(domain), ...parts);

  async function ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    let key;
    try {
      key = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      if (e && e.name === 'NotSupportedError') fail('This browser cannot check Ed25519 signatures; use a current Chromium, Firefox or Safari.', String(e));
      return false; // not a valid public key
    }
    try {
      return await subtle().verify({ name: 'Ed25519' }, key, signature, message);
    } catch (e) {
      return false;
    }
  }

  // ---- genesis ----
  /**
   * The trusted validators of a genesis.json (protobuf JSON, camelCase or proto names), and what
   * its validators sign: the chain id bound to the genesis hash (GenesisDocument.SigningChainId),
   * the hash over the Genesis message re-encoded as the node's protobuf library writes it.
   */
  async function readGenesis(json) {
    if (!json || typeof json !== 'object') throw new Error('the genesis file is not a JSON object');
    const chainId = json.chainId ?? json.chain_id;
    const departments = json.departments;
    if (typeof chainId !== 'string' || chainId.length === 0) throw new Error('the genesis file names no chain');
    if (!Array.isArray(departments) || departments.length === 0 || departments.length > 1000) throw new Error('the genesis file lists no departments');
    const validators = departments.map((d) => ({
      department_id: String(d.id ?? ''),
      name: String(d.name || d.id || ''),
      public_key: P.jsonBytes(d.validatorKey ?? d.validator_key, 'a department key'),
      voting_power: P.jsonInt(d.votingPower ?? d.voting_power, 'a voting power'),
    }));
    let encoded;
    try {
      encoded = P.encodeJson('Genesis', P.protoNames(json));
    } catch (e) {
      throw new Error('the genesis file is not a GovChain genesis: ' + e.message);
    }
    const hash = await tagged(Domain.Genesis, encoded);
    const set = await validatorSet(validators);
    return { chainId, hash, signingId: chainId + '/' + P.hex(hash), set, names: new Map(validators.map((v) => [v.department_id, v.name])) };
  }

  // A validator set in canonical order (ascending key) with its total power and its hash.
  async function validatorSet(list) {
    if (list.length === 0) fail('The proof names no validators.');
    const sorted = [...list].sort((a, b) => P.compare(a.public_key, b.public_key));
    let total = 0n;
    for (let i = 0; i < sorted.length; i++) {
      const v = sorted[i];
      if (v.public_key.length !== 32) fail('The proof names a validator with a malformed key.', v.department_id);
      if (v.voting_power <= 0n) fail('The proof names a validator without voting power.', v.department_id);
      if (i > 0 && P.equal(sorted[i - 1].public_key, v.public_key)) fail('The proof names one validator twice.', v.department_id);
      total += v.voting_power;
    }
    const bytes = P.encodeJson('ValidatorSet', {
      validators: sorted.map((v) => ({ department_id: v.department_id, public_key: P.toBase64(v.public_key), voting_power: v.voting_power.toString() })),
    });
    const byKey = new Map(sorted.map((v) => [P.hex(v.public_key), v]));
    return { validators: sorted, total, hash: await tagged(Domain.ValidatorSet, bytes), byKey };
  }
  const hasQuorum = (power, total) => power * 3n > total * 2n;

  // ---- the certified header ----
  /** What a validator signs to precommit a block (src/Core/Blocks/SignBytes.cs, big-endian); `signingId` is readGenesis's. */
  function voteSignBytes(signingId, height, round, blockHash) {
    const chain = P.utf8(signingId);
    const fixed = new Uint8Array(13);
    const view = new DataView(fixed.buffer);
    view.setUint8(0, PRECOMMIT);
    view.setBigUint64(1, height);
    view.setUint32(9, round);
    return P.concat([Uint8Array.of(Domain.Vote, chain.length), chain, fixed, Uint8Array.of(blockHash.length), blockHash]);
  }

  /**
   * Checks {header, certificate, validators} (protobuf JSON) against the genesis: the validator set
   * is the one the header names, every signature verifies, no outsider, nobody twice, signers hold
   * more than 2/3 of the power; a set other than the genesis set needs the genesis validators among
   * the signers to hold more than 2/3 of the genesis power.
   */
  async function checkHeader(certified, genesis) {
    const { header, certificate, validators } = certified || {};
    if (!header || !certificate || !validators) fail('The proof is incomplete: it lacks the block header, its signatures or the list of validators.');
    let headerBytes;
    try {
      headerBytes = P.encodeJson('BlockHeader', header);
    } catch (e) {
      fail('The proof is damaged: its block header cannot be read.', e.message);
    }
    const h = P.decode('BlockHeader', headerBytes);
    if (h.chain_id !== genesis.chainId) fail(`The proof is from another chain ("${h.chain_id}"), not the one your genesis file describes ("${genesis.chainId}").`);
    if (!Array.isArray(validators.validators)) fail('The proof is damaged: its list of validators cannot be read.');
    const set = await validatorSet(validators.validators.map((v) => ({
      department_id: String(v.department_id ?? ''),
      public_key: P.jsonBytes(v.public_key, 'a validator key'),
      voting_power: P.jsonInt(v.voting_power, 'a voting power'),
    })));
    if (!P.equal(set.hash, h.validator_set_hash)) fail('The list of validators in the proof is not the one the block names.');
    if (h.state_root.length !== 32) fail('The proof is damaged: the block has no valid state fingerprint.');
    const blockHash = await tagged(Domain.BlockHeader, headerBytes);

    const height = P.jsonInt(certificate.height, 'the certificate height');
    const round = Number(P.jsonInt(certificate.round, 'the certificate round'));
    const certifiedHash = P.jsonBytes(certificate.block_hash, 'the certified block hash');
    const signatures = certificate.signatures || [];
    if (height !== h.height) fail('The signatures are for another block height than this block.');
    if (!P.equal(certifiedHash, blockHash)) fail('The departments signed a different block: this block was changed after it was certified.');
    if (!Array.isArray(signatures) || signatures.length > set.validators.length || signatures.length > MAX_SIGNATURES) fail('The proof carries more signatures than there are validators.');

    const signBytes = voteSignBytes(genesis.signingId, height, round, certifiedHash);
    const seen = new Set();
    let power = 0n;
    let genesisPower = 0n;
    const signers = [];
    for (const s of signatures) {
      const key = P.jsonBytes(s.validator, 'a signer key');
      const member = set.byKey.get(P.hex(key));
      if (!member) fail('A signature comes from someone who is not a validator of this block.', P.hex(key).slice(0, 8));
      if (seen.has(member.department_id + P.hex(key))) fail(`The department ${member.department_id} is counted twice.`);
      seen.add(member.department_id + P.hex(key));
      if (!(await ed25519Verify(key, signBytes, P.jsonBytes(s.signature, 'a signature')))) {
        fail(`The signature of the department ${nameOf(genesis, member.department_id)} does not match: the block or its signatures were altered.`);
      }
      power += member.voting_power;
      const g = genesis.set.byKey.get(P.hex(key));
      if (g) genesisPower += g.voting_power;
      signers.push(member);
    }
    if (!hasQuorum(power, set.total)) {
      fail(`Only ${power} of ${set.total} votes signed this block; more than two thirds are needed.`);
    }
    const isGenesisSet = P.equal(set.hash, genesis.set.hash);
    if (!isGenesisSet && !hasQuorum(genesisPower, genesis.set.total)) {
      fail('The validators of this block are not those of your genesis file, and too few of the genesis departments signed to vouch for them.',
        `${genesisPower} of ${genesis.set.total} genesis voting power`);
    }
    signers.sort((a, b) => (a.department_id < b.department_id ? -1 : a.department_id > b.department_id ? 1 : 0));
    return {
      header: h,
      height: h.height,
      timeUnixMs: h.time_unix_ms,
      blockHash,
      stateRoot: h.state_root,
      certifiers: signers.map((v) => ({ id: v.department_id, name: nameOf(genesis, v.department_id), power: v.voting_power })),
      signedPower: isGenesisSet ? power : genesisPower,
      totalPower: isGenesisSet ? set.total : genesis.set.total,
      genesisSet: isGenesisSet,
    };
  }

  function nameOf(genesis, id) { return genesis.names.get(id) || id; }

  // ---- Merkle paths ----
  /** RFC 9162 2.1.3.2: the root from a 32-byte leaf (a tx id or receipt hash) and its audit path. */
  async function inclusionHolds(leaf, proof, index, size, root) {
    const i = P.jsonInt(proof.leaf_index, 'a leaf index');
    const n = P.jsonInt(proof.tree_size, 'a tree size');
    const path = (proof.path || []).map((p) => P.jsonBytes(p, 'a path hash'));
    if (i !== BigInt(index) || n !== BigInt(size) || i >= n || path.length > MAX_MERKLE_PATH) return false;
    let fn = i;
    let sn = n - 1n;
    let r = await tagged(Domain.MerkleLeaf, leaf);
    for (const p of path) {
      if (p.length !== 32 || sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await tagged(Domain.MerkleNode, p, r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await tagged(Domain.MerkleNode, r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && P.equal(r, root);
  }

  const bitAt = (hash, depth) => (hash[depth >> 3] >> (7 - (depth & 7))) & 1;

  /** The sparse-Merkle state proof (state.proto): the key's value, or its absence, under `root`. */
  async function stateHolds(proof, expectedKey, root) {
    const key = P.jsonBytes(proof.key, 'the key');
    const exists = proof.exists === true;
    const value = P.jsonBytes(proof.value, 'the value');
    const siblings = (proof.siblings || []).map((s) => P.jsonBytes(s, 'a sibling'));
    const otherKey = P.jsonBytes(proof.other_key_hash, 'the other key');
    const otherValue = P.jsonBytes(proof.other_value_hash, 'the other value');
    if (!P.equal(key, expectedKey)) return 'The proof is about another record than the one asked for.';
    if (key.length > MAX_KEY_BYTES || siblings.length > MAX_STATE_DEPTH) return 'The proof is damaged: its path is too long.';
    const keyHash = await tagged(Domain.StateKey, key);
    let node;
    if (exists) {
      if (otherKey.length || otherValue.length) return 'The proof is damaged: it mixes a record with an absence.';
      node = await tagged(Domain.StateLeaf, keyHash, await sha256(value));
    } else {
      if (value.length) return 'The proof is damaged: it says the record is absent yet carries one.';
      if (otherKey.length === 0 && otherValue.length === 0) {
        node = new Uint8Array(32);
      } else {
        if (otherKey.length !== 32 || otherValue.length !== 32 || P.equal(otherKey, keyHash)) return 'The proof is damaged: its absence proof is malformed.';
        for (let i = 0; i < siblings.length; i++) if (bitAt(otherKey, i) !== bitAt(keyHash, i)) return 'The proof is damaged: its absence proof is malformed.';
        node = await tagged(Domain.StateLeaf, otherKey, otherValue);
      }
    }
    for (let i = siblings.length - 1; i >= 0; i--) {
      if (siblings[i].length !== 32) return 'The proof is damaged: a path hash is malformed.';
      node = bitAt(keyHash, i) === 0 ? await tagged(Domain.StateNode, node, siblings[i]) : await tagged(Domain.StateNode, siblings[i], node);
    }
    return P.equal(node, root) ? null : 'The record does not match what the departments certified: it was changed or belongs to another block.';
  }

  // ---- the two kinds of proof document ----
  async function checkState(proof, genesis, expectedKey) {
    if (!proof.proof) fail('The proof is incomplete: it carries no record proof.');
    const header = await checkHeader(proof, genesis);
    const key = expectedKey ? P.utf8(expectedKey) : P.jsonBytes(proof.proof.key, 'the key');
    if (P.jsonInt(proof.proof.height, 'the proof height') !== header.height) fail('The record proof is for another block than the signed one.');
    const problem = await stateHolds(proof.proof, key, header.stateRoot);
    if (problem) fail(problem);
    const exists = proof.proof.exists === true;
    return { kind: 'state', key: P.fromUtf8(key), exists, value: exists ? P.jsonBytes(proof.proof.value, 'the value') : null, ...header };
  }

  async function checkTransaction(proof, genesis, expectedTxId) {
    const { transaction, receipt, tx_inclusion: txInclusion, receipt_inclusion: receiptInclusion } = proof;
    if (!transaction || !receipt || !txInclusion || !receiptInclusion) fail('The proof is incomplete: it lacks the transaction, its receipt or a Merkle path.');
    const body = P.jsonBytes(transaction.body, 'the transaction');
    const txId = await tagged(Domain.TransactionId, body);
    if (expectedTxId && P.hex(txId) !== expectedTxId.toLowerCase()) fail('The proof is about another transaction than the one asked for.');
    const header = await checkHeader(proof, genesis);
    let receiptBytes;
    try {
      receiptBytes = P.encodeJson('Receipt', receipt);
    } catch (e) {
      fail('The proof is damaged: its receipt cannot be read.', e.message);
    }
    const r = P.decode('Receipt', receiptBytes);
    if (!P.equal(r.tx_id, txId) || r.height !== header.height) fail('The receipt in the proof is not this transaction\'s receipt in this block.');
    let b;
    try {
      b = P.decode('TransactionBody', body);
    } catch (e) {
      fail('The proof is damaged: the transaction cannot be read.', e.message);
    }
    if (!(await ed25519Verify(b.sender, body, P.jsonBytes(transaction.signature, 'the signature')))) {
      fail('The transaction\'s signature does not match its sender: it was altered.');
    }
    const count = header.header.tx_count;
    if (!(await inclusionHolds(txId, txInclusion, r.index, count, header.header.tx_root))) fail('The transaction is not part of the signed block.');
    if (!(await inclusionHolds(await tagged(Domain.Receipt, receiptBytes), receiptInclusion, r.index, count, header.header.receipts_root))) {
      fail('The receipt (the outcome) is not the one recorded in the signed block.');
    }
    return {
      kind: 'transaction', txId: P.hex(txId), contract: b.contract, method: b.method, sender: P.hex(b.sender), nonce: b.nonce,
      args: b.args, memo: b.memo, index: r.index, code: r.code, message: r.message, ...header,
    };
  }

  /**
   * Checks a proof document (what `govchain proof get` saves, or the page fetched) against a genesis
   * read by readGenesis. Never throws: { proven: true, ... } or { proven: false, reason, detail }.
   */
  async function verifyDocument(doc, genesis, expected) {
    expected = expected || {};
    try {
      if (!genesis) fail('No genesis file is loaded, so there is nothing to check the proof against.');
      if (!doc || typeof doc !== 'object' || doc.format !== 'govchain-proof') fail('This is not a GovChain proof file.');
      if (doc.version !== 1) fail(`This proof file is of format version ${doc.version}, which this page does not read.`);
      if (!doc.proof || typeof doc.proof !== 'object') fail('The proof file is empty.');
      if (doc.kind === 'state') return { proven: true, ...(await checkState(doc.proof, genesis, expected.key)) };
      if (doc.kind === 'transaction') return { proven: true, ...(await checkTransaction(doc.proof, genesis, expected.txId)) };
      fail(`This proof file is of an unknown kind ("${doc.kind}").`);
    } catch (e) {
      if (e instanceof NotProven) return { proven: false, reason: e.reason, detail: e.detail };
      return { proven: false, reason: 'The proof is damaged and cannot be read.', detail: String(e && e.message ? e.message : e) };
    }
    return { proven: false, reason: 'unreachable' };
  }

  /** Checks a block's certified header alone (the page's recent blocks). Never throws. */
  async function verifyBlock(certified, genesis) {
    try {
      if (!genesis) fail('No genesis file is loaded, so there is nothing to check the block against.');
      return { proven: true, kind: 'block', ...(await checkHeader(certified, genesis)) };
    } catch (e) {
      if (e instanceof NotProven) return { proven: false, reason: e.reason, detail: e.detail };
      return { proven: false, reason: 'The block data is damaged and cannot be read.', detail: String(e && e.message ? e.message : e) };
    }
  }

  return { readGenesis, verifyDocument, verifyBlock, voteSignBytes, Domain };
});
