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

/** What a validator signs to precommit `blockHash` (src/Core/Blocks/SignBytes.cs layout, big-endian). */
function precommitSignBytes(chainId, height, round, blockHash) {
  const chain = Buffer.from(chainId, 'utf8');
  const fixed = Buffer.alloc(1 + 8 + 4);
  fixed.writeUInt8(VOTE_TYPE_PRECOMMIT, 0);
  fixed.writeBigUInt64BE(BigInt(height), 1);
  fixed.writeUInt32BE(round, 9);
  return Buffer.concat([Buffer.from([Domain.Vote, chain.length]), chain, fixed, Buffer.from([blockHash.length]), blockHash]);
}

/**
 * Checks a certified header the way an offline verifier must: the header's hash is what the
 * certificate signed, the validator set is the one the header names, every signature verifies,
 * each signer is a trusted (genesis) validator counted once, and they hold more than 2/3 of the power.
 * `header` and `validators` are decoded messages carrying their wire bytes in `$bytes`.
 */
function checkCertifiedHeader({ chainId, header, certificate, validators, trusted }) {
  const problems = [];
  const blockHash = tagged(Domain.BlockHeader, header.$bytes);
  const validatorSetHash = tagged(Domain.ValidatorSet, validators.$bytes);
  if (header.chain_id !== chainId) problems.push(`header of chain ${header.chain_id}`);
  if (!validatorSetHash.equals(header.validator_set_hash)) problems.push('validator set is not the one the header names');
  if (certificate.height !== header.height) problems.push('certificate height differs from the header height');
  if (!blockHash.equals(certificate.block_hash)) problems.push('certificate is for another block hash');

  const totalPower = trusted.reduce((sum, v) => sum + v.power, 0n);
  const signBytes = precommitSignBytes(chainId, certificate.height, certificate.round, certificate.block_hash);
  const seen = new Set();
  let signedPower = 0n;
  let validSignatures = 0;
  for (const s of certificate.signatures) {
    const hex = s.validator.toString('hex');
    const member = trusted.find((v) => v.publicKey.equals(s.validator));
    if (!member) { problems.push(`signer ${hex.slice(0, 8)} is not a genesis validator`); continue; }
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
};
