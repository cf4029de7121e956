'use strict';
// GovChain's hashes and signatures, rebuilt in JavaScript from the .proto comments and the
// domain tags of src/Core/Hashing/HashDomain.cs, with nothing but Node's own crypto:
// Ed25519 keys from a 32-byte seed, the tx id, the vote sign bytes a commit certificate
// signs, RFC 6962 inclusion paths and the sparse-Merkle state proof.
const crypto = require('crypto');

const Domain = Object.freeze({
  MerkleLeaf: 0x00,
  MerkleNode: 0x01,
  TransactionId: 0x02,
  BlockHeader: 0x03,
  Vote: 0x04,
  ValidatorSet: 0x06,
  Receipt: 0x08,
  StateLeaf: 0x0a,
  StateNode: 0x0b,
  StateKey: 0x0c,
  Genesis: 0x0e,
});

const VOTE_TYPE_PRECOMMIT = 2;
const MAX_STATE_DEPTH = 256;
const MAX_MERKLE_PATH = 64;

// DER prefixes that wrap a raw Ed25519 seed (PKCS#8) and public key (SPKI), RFC 8410.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function sha256(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function tagged(domain, ...parts) {
  return sha256(Buffer.from([domain]), ...parts);
}

/** A key pair from a 32-byte seed (the form GovChain's key files hold). */
function keyFromSeed(seed) {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: Buffer.from(spki.subarray(spki.length - 32)) };
}

function newKey() {
  return keyFromSeed(crypto.randomBytes(32));
}

function sign(key, message) {
  return crypto.sign(null, message, key.privateKey);
}

function verify(publicKey, message, signature) {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const keyObject = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return crypto.verify(null, message, keyObject, signature);
}

/** The tx id: SHA-256 over the tx domain tag and the exact body bytes that were signed. */
function txId(bodyBytes) {
  return tagged(Domain.TransactionId, bodyBytes);
}

/**
 * A protobuf-JSON genesis (what genesis.json holds: camelCase or proto names, bytes in base64,
 * 64-bit numbers as text or numbers) as the plain object proto-codec encodes for `typeName`.
 */
function fromProtoJson(codec, typeName, json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${typeName} is not a JSON object`);
  const { list } = codec.fields(typeName);
  const byName = new Map();
  for (const f of list) {
    byName.set(f.name, f);
    byName.set(f.name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), f);
  }
  const out = {};
  for (const [key, value] of Object.entries(json)) {
    const field = byName.get(key);
    if (!field) throw new Error(`${typeName} has no field ${key}`);
    if (value === null) continue;
    const one = (v) => {
      switch (field.type) {
        case 'TYPE_MESSAGE': return fromProtoJson(codec, field.messageType, v);
        case 'TYPE_BYTES': return Buffer.from(String(v), 'base64');
        case 'TYPE_STRING': return String(v);
        case 'TYPE_BOOL': return Boolean(v);
        case 'TYPE_UINT64': case 'TYPE_INT64': return BigInt(v);
        case 'TYPE_UINT32': case 'TYPE_INT32': return Number(v);
        default: throw new Error(`${typeName}.${field.name}: ${field.type} is not read from genesis JSON`);
      }
    };
    out[field.name] = field.repeated ? value.map(one) : one(value);
  }
  return out;
}

/** The genesis hash (src/Core/Genesis/GenesisDocument.cs): the Genesis message's canonical bytes under the genesis tag. */
function genesisHash(codec, genesisJson) {
  return tagged(Domain.Genesis, codec.encode('govchain.v1.Genesis', fromProtoJson(codec, 'govchain.v1.Genesis', genesisJson)));
}

/** What votes sign in place of the bare chain id (GenesisDocument.SigningChainId): "<chain id>/<genesis hash hex>". */
function signingChainId(chainId, hash) {
  return `${chainId}/${hash.toString('hex')}`;
}

/** What a validator signs to precommit `blockHash` (src/Core/Blocks/SignBytes.cs layout, big-endian). */
function precommitSignBytes(signingId, height, round, blockHash) {
  const chain = Buffer.from(signingId, 'utf8');
  const fixed = Buffer.alloc(1 + 8 + 4);
  fixed.writeUInt8(VOTE_TYPE_PRECOMMIT, 0);
  fixed.writeBigUInt64BE(BigInt(height), 1);
  fixed.writeUInt32BE(round, 9);
  return Buffer.concat([Buffer.from([Domain.Vote, chain.length]), chain, fixed, Buffer.from([blockHash.length]), blockHash]);
}

/**
 * Checks a certified header the way an offline verifier must: the header's hash is what the
 * certificate signed, the validator set is the one the header names, every signature verifies,
 * each signer is a trusted validator counted once, and they hold more than 2/3 of the power.
 * `header` and `validators` are decoded messages carrying their wire bytes in `$bytes`; without
 * `validators`, `validatorSetHash` is the hash of the trusted set (a hop's set, known already).
 * `chainId` is what headers carry, `signingId` what the votes signed (signingChainId).
 */
function checkCertifiedHeader({ chainId, signingId, header, certificate, validators, validatorSetHash: givenSetHash, trusted }) {
  const problems = [];
  const blockHash = tagged(Domain.BlockHeader, header.$bytes);
  const validatorSetHash = validators ? tagged(Domain.ValidatorSet, validators.$bytes) : givenSetHash;
  if (header.chain_id !== chainId) problems.push(`header of chain ${header.chain_id}`);
  if (!validatorSetHash.equals(header.validator_set_hash)) problems.push('validator set is not the one the header names');
  if (certificate.height !== header.height) problems.push('certificate height differs from the header height');
  if (!blockHash.equals(certificate.block_hash)) problems.push('certificate is for another block hash');

  const totalPower = trusted.reduce((sum, v) => sum + v.power, 0n);
  const signBytes = precommitSignBytes(signingId, certificate.height, certificate.round, certificate.block_hash);
  const seen = new Set();
  let signedPower = 0n;
  let validSignatures = 0;
  for (const s of certificate.signatures) {
    const hex = s.validator.toString('hex');
    const member = trusted.find((v) => v.publicKey.equals(s.validator));
    if (!member) { problems.push(`signer ${hex.slice(0, 8)} is not a trusted validator`); continue; }
    if (seen.has(hex)) { problems.push(`signer ${hex.slice(0, 8)} counted twice`); continue; }
    seen.add(hex);
    if (!verify(s.validator, signBytes, s.signature)) { problems.push(`signature of ${member.departmentId} does not verify`); continue; }
    validSignatures++;
    signedPower += member.power;
  }
  const quorum = signedPower * 3n > totalPower * 2n;
  if (!quorum) problems.push(`signers hold ${signedPower} of ${totalPower} voting power`);
  return {
    ok: problems.length === 0,
    problems,
    height: Number(header.height),
    blockHash: blockHash.toString('hex'),
    validSignatures,
    signedPower: Number(signedPower),
    totalPower: Number(totalPower),
    signers: [...seen].map((hex) => trusted.find((v) => v.publicKey.toString('hex') === hex).departmentId).sort(),
  };
}

const MAX_HOPS = 4096;
const MAX_VALIDATORS = 1024;

/** A decoded ValidatorSet as the members checkCertifiedHeader trusts, with the set's hash from its wire bytes. */
function trustedSetOf(validators) {
  return {
    hash: tagged(Domain.ValidatorSet, validators.$bytes),
    members: validators.validators.map((v) => ({ departmentId: v.department_id, publicKey: v.public_key, power: BigInt(v.voting_power) })),
  };
}

/**
 * The genesis validator set as GovChain hashes it: the departments' validators in ascending key
 * order, encoded as a govchain.v1.ValidatorSet (`codec` is proto-codec's ProtoCodec).
 */
function genesisSet(codec, trusted) {
  const sorted = [...trusted].sort((a, b) => Buffer.compare(a.publicKey, b.publicKey));
  const bytes = codec.encode('govchain.v1.ValidatorSet', {
    validators: sorted.map((v) => ({ department_id: v.departmentId, public_key: v.publicKey, voting_power: v.power })),
  });
  return { hash: tagged(Domain.ValidatorSet, bytes), members: sorted };
}

/**
 * Walks a proof's validator_set_hops (oldest first) from the genesis set to the set that
 * certifies block `height`, as src/Client/Verification/ValidatorSetHops.cs does: each hop's
 * header names the set trusted so far, is below `height` and after the hop before it, names
 * a different next set, carries that set, and is certified by more than 2/3 of the power of
 * the set before it. Structure first, signatures last. Returns { ok, problem, set, hops }.
 */
function walkValidatorSetHops({ chainId, signingId, genesis, hops, height }) {
  const fail = (problem) => ({ ok: false, problem, set: null, hops: hops.length });
  if (hops.length > MAX_HOPS) return fail(`the proof carries ${hops.length} validator-set changes; at most ${MAX_HOPS} are accepted`);
  const sets = [genesis];
  let previous = 0n;
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i];
    const what = `validator-set change ${i + 1}`;
    if (!hop.header || !hop.certificate || !hop.next_validators) return fail(`${what} lacks its header, certificate or new validator set`);
    const h = hop.header;
    if (h.chain_id !== chainId) return fail(`${what} is a block of chain '${h.chain_id}'`);
    if (h.height <= previous) return fail(`${what} is at height ${h.height}, not after the change before it (height ${previous})`);
    if (h.height >= BigInt(height)) return fail(`${what} is at height ${h.height}, not below the proven block ${height}`);
    if (!sets[i].hash.equals(h.validator_set_hash)) return fail(`${what} (block ${h.height}) is certified by another validator set than the one trusted there: a change before it is missing from the proof, or it is forged`);
    if (h.next_validator_set_hash.equals(h.validator_set_hash)) return fail(`${what} (block ${h.height}) changes nothing`);
    if (hop.next_validators.validators.length > MAX_VALIDATORS) return fail(`${what} carries more than ${MAX_VALIDATORS} validators`);
    const next = trustedSetOf(hop.next_validators);
    if (!next.hash.equals(h.next_validator_set_hash)) return fail(`${what} (block ${h.height}) carries a validator set that is not the one its header names for the next block`);
    sets.push(next);
    previous = h.height;
  }
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i];
    const check = checkCertifiedHeader({ chainId, signingId, header: hop.header, certificate: hop.certificate, validators: null, validatorSetHash: sets[i].hash, trusted: sets[i].members });
    if (!check.ok) return fail(`validator-set change ${i + 1} (block ${hop.header.height}) is not certified by the validator set before it: ${check.problems.join('; ')}; the hop is forged`);
  }
  return { ok: true, problem: null, set: sets[sets.length - 1], hops: hops.length };
}

/**
 * A proof's header checked against genesis alone: the hops walked to the set trusted at its
 * height, that set the one the header names, its certificate by more than 2/3 of that set.
 * `proof` is a decoded TransactionProof or CertifiedStateProof; `genesis` is genesisSet(...).
 */
function checkProofHeader({ chainId, signingId, genesis, proof }) {
  const hops = proof.validator_set_hops || [];
  const walk = walkValidatorSetHops({ chainId, signingId, genesis, hops, height: proof.header.height });
  if (!walk.ok) return { ok: false, problems: [walk.problem], hops: hops.length };
  if (!walk.set.hash.equals(proof.header.validator_set_hash)) {
    return { ok: false, problems: [`the header is certified by another validator set than the one trusted at its height after ${hops.length} validator-set changes: a change is missing from the proof`], hops: hops.length };
  }
  const check = checkCertifiedHeader({ chainId, signingId, header: proof.header, certificate: proof.certificate, validators: proof.validators, trusted: walk.set.members });
  return Object.assign(check, { hops: hops.length, timeUnixMs: Number(proof.header.time_unix_ms) });
}

/** RFC 9162 section 2.1.3.2: recomputes the root from a leaf's hash and its audit path. */
function verifyInclusion(leafData, proof, root) {
  const index = proof.leaf_index;
  const size = proof.tree_size;
  if (index >= size || proof.path.length > MAX_MERKLE_PATH) return false;
  let fn = index;
  let sn = size - 1n;
  let r = tagged(Domain.MerkleLeaf, leafData);
  for (const p of proof.path) {
    if (p.length !== 32 || sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = tagged(Domain.MerkleNode, p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = tagged(Domain.MerkleNode, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** Membership proof of `key` under `stateRoot` (state.proto): leaf, then siblings from the bottom up. */
function verifyStateMembership(proof, key, stateRoot) {
  if (!proof.exists || !proof.key.equals(key)) return false;
  if (proof.other_key_hash.length !== 0 || proof.other_value_hash.length !== 0) return false;
  const keyHash = tagged(Domain.StateKey, key);
  return foldStatePath(tagged(Domain.StateLeaf, keyHash, sha256(proof.value)), keyHash, proof.siblings, stateRoot);
}

/**
 * Non-membership proof of `key`: the key's path ends in an empty subtree, or in the leaf of
 * another key that shares the path's prefix (then the only key below that point).
 */
function verifyStateAbsence(proof, key, stateRoot) {
  if (proof.exists || proof.value.length !== 0 || !proof.key.equals(key)) return false;
  const keyHash = tagged(Domain.StateKey, key);
  const depth = proof.siblings.length;
  let bottom;
  if (proof.other_key_hash.length === 0 && proof.other_value_hash.length === 0) {
    bottom = Buffer.alloc(32);
  } else {
    const other = proof.other_key_hash;
    if (other.length !== 32 || proof.other_value_hash.length !== 32 || other.equals(keyHash)) return false;
    for (let i = 0; i < depth; i++) {
      if (bitAt(other, i) !== bitAt(keyHash, i)) return false;
    }
    bottom = tagged(Domain.StateLeaf, other, proof.other_value_hash);
  }
  return foldStatePath(bottom, keyHash, proof.siblings, stateRoot);
}

function bitAt(hash, depth) {
  return (hash[depth >> 3] >> (7 - (depth & 7))) & 1;
}

// Hashes up from the node at the bottom of the key's path: the key hash's bits, most
// significant first, say at each depth whether the path went left (0) or right (1).
function foldStatePath(bottom, keyHash, siblings, stateRoot) {
  if (siblings.length > MAX_STATE_DEPTH) return false;
  let node = bottom;
  for (let i = siblings.length - 1; i >= 0; i--) {
    const sibling = siblings[i];
    if (sibling.length !== 32) return false;
    node = bitAt(keyHash, i) === 0 ? tagged(Domain.StateNode, node, sibling) : tagged(Domain.StateNode, sibling, node);
  }
  return node.equals(stateRoot);
}

module.exports = {
  Domain, tagged, sha256, keyFromSeed, newKey, sign, verify, txId,
  precommitSignBytes, checkCertifiedHeader, verifyInclusion, verifyStateMembership, verifyStateAbsence,
  genesisHash, signingChainId, genesisSet, trustedSetOf, walkValidatorSetHops, checkProofHeader, MAX_HOPS,
};
