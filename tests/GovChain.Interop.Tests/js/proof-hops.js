'use strict';
// Checks transaction proofs against a genesis alone, through their validator-set hops, the way
// a JavaScript agency would (chain-crypto.js checkProofHeader, then the transaction's inclusion
// paths). The proofs come from GovChain.Integration.Tests/Interop/JsProofHopsTests.cs: one made
// after several key rotations, one with a hop skipped, one with a hop forged.
// Usage: node proof-hops.js <cases.json>. Prints one JSON object: a verdict per case.
const fs = require('fs');
const cc = require('./chain-crypto');
const rpc = require('./govchain-grpc');

const file = process.argv[2];
if (!file) {
  console.error('usage: node proof-hops.js <cases.json>');
  process.exit(2);
}
const input = JSON.parse(fs.readFileSync(file, 'utf8'));
const { codec } = rpc.loadProtocol(rpc.findProtoRoot(process.env.GOVCHAIN_PROTO_ROOT));
const trusted = input.genesis.departments.map((d) => ({ departmentId: d.id, publicKey: Buffer.from(d.validatorKey, 'hex'), power: BigInt(d.votingPower) }));
const genesis = cc.genesisSet(codec, trusted);
const genesisHash = cc.genesisHash(codec, JSON.parse(input.genesis.json));
const signingId = cc.signingChainId(input.genesis.chainId, genesisHash);

const verdicts = {};
for (const c of input.cases) {
  const proof = codec.decode('govchain.v1.TransactionProof', Buffer.from(c.proof, 'hex'));
  const header = cc.checkProofHeader({ chainId: input.genesis.chainId, signingId, genesis, proof });
  const id = cc.txId(proof.transaction.body);
  const included = header.ok && cc.verifyInclusion(id, proof.tx_inclusion, proof.header.tx_root)
    && cc.verifyInclusion(cc.tagged(cc.Domain.Receipt, proof.receipt.$bytes), proof.receipt_inclusion, proof.header.receipts_root);
  verdicts[c.name] = { proven: header.ok && included, problems: header.problems, hops: header.hops, height: Number(proof.header.height), timeUnixMs: Number(proof.header.time_unix_ms) };
}
process.stdout.write(JSON.stringify({ genesisSetHash: genesis.hash.toString('hex'), genesisHash: genesisHash.toString('hex'), verdicts }) + '\n');
