'use strict';
// Checks the JavaScript rebuild of GovChain's encoding, hashes and proofs against vectors the
// C# core produced (GovChain.Integration.Tests/Interop/JsVectorsTests.cs writes them to a
// file): Merkle audit paths of every leaf of trees of many sizes, tampered paths, precommit
// sign bytes, transaction ids and signatures, and re-encoding of what Google.Protobuf wrote.
// Usage: node vectors.js <vectors.json>. Prints one JSON object.
const fs = require('fs');
const cc = require('./chain-crypto');
const rpc = require('./govchain-grpc');

const hex = (s) => Buffer.from(s, 'hex');

function merkle(cases) {
  let verified = 0;
  let tamperedAccepted = 0;
  let tamperedTried = 0;
  for (const c of cases) {
    const root = hex(c.root);
    const proof = { leaf_index: BigInt(c.index), tree_size: BigInt(c.size), path: c.path.map(hex) };
    const leaf = hex(c.leaf);
    if (cc.verifyInclusion(leaf, proof, root)) verified++;

    const otherLeaf = Buffer.from(leaf);
    otherLeaf[0] ^= 0x80;
    // (A larger tree_size alone is no tampering: the path of a left leaf can be the same in a
    // tree one leaf larger; the root, which the caller trusts, is what binds the size.)
    const tampered = [
      [otherLeaf, proof],
      [leaf, Object.assign({}, proof, { leaf_index: proof.leaf_index + 1n })],
    ];
    if (proof.path.length > 0) {
      tampered.push([leaf, Object.assign({}, proof, { path: proof.path.slice(1) })]);
      const flipped = proof.path.map((p) => Buffer.from(p));
      flipped[flipped.length - 1][31] ^= 0x01;
      tampered.push([leaf, Object.assign({}, proof, { path: flipped })]);
    }
    for (const [l, p] of tampered) {
      tamperedTried++;
      if (cc.verifyInclusion(l, p, root)) tamperedAccepted++;
    }
  }
  return { cases: cases.length, verified, tamperedTried, tamperedAccepted };
}

function signBytes(cases) {
  return cases.map((c) => cc.precommitSignBytes(c.chainId, BigInt(c.height), c.round, hex(c.blockHash)).toString('hex') === c.expected);
}

function transactions(codec, cases) {
  return cases.map((c) => {
    const body = hex(c.body);
    const decoded = codec.decode('govchain.v1.TransactionBody', body);
    return {
      txId: cc.txId(body).toString('hex'),
      signatureVerifies: cc.verify(decoded.sender, body, hex(c.signature)),
      wrongSignatureRefused: !cc.verify(decoded.sender, Buffer.concat([body, Buffer.from([0])]), hex(c.signature)),
      chainId: decoded.chain_id,
      nonce: decoded.nonce.toString(),
      maxSteps: decoded.max_steps.toString(),
      memo: decoded.memo,
      reencodedIdentically: codec.encode('govchain.v1.TransactionBody', decoded).equals(body),
    };
  });
}

function messages(codec, cases) {
  return cases.map((c) => {
    const bytes = hex(c.bytes);
    return codec.encode(c.type, codec.decode(c.type, bytes)).equals(bytes);
  });
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node vectors.js <vectors.json>');
  process.exit(2);
}
const vectors = JSON.parse(fs.readFileSync(file, 'utf8'));
const { codec } = rpc.loadProtocol(rpc.findProtoRoot(process.env.GOVCHAIN_PROTO_ROOT));
let malformedRefused = false;
try {
  codec.decode('govchain.v1.TransactionBody', hex(vectors.malformed));
} catch (e) {
  malformedRefused = e instanceof Error;
}
process.stdout.write(JSON.stringify({
  merkle: merkle(vectors.merkle),
  signBytes: signBytes(vectors.signBytes),
  transactions: transactions(codec, vectors.transactions),
  messages: messages(codec, vectors.messages),
  malformedRefused,
}) + '\n');
