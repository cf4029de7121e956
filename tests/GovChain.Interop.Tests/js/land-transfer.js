'use strict';
// Another agency's system, written in JavaScript from the .proto files alone: it registers a
// parcel, transfers it through the land registry's three steps (the owner offers, the buyer
// accepts, the registrar approves), reads the parcel back, fetches and checks the proofs, and
// sees a transaction signed with the wrong key refused. Prints one JSON object.
//
// Environment (set by GovChain.Integration.Tests/Interop/NodeJsLandTransferRun.cs):
//   GOVCHAIN_ADDRESS            127.0.0.1:<port> of a node's client API (TLS)
//   GOVCHAIN_CA_FILE            PEM certificate of that node, the only one trusted
//   GOVCHAIN_GENESIS_FILE       genesis.json: chain id and the validators to trust
//   GOVCHAIN_REGISTRAR_SEED_FILE hex Ed25519 seed of a land.registrar role holder
//   GOVCHAIN_PROTO_ROOT         (optional) folder holding govchain/v1/*.proto
const fs = require('fs');
const cc = require('./chain-crypto');
const rpc = require('./govchain-grpc');

const CALL_MS = 20000;
const WAIT_MS = 60000;
const SCRIPT_MS = Number(process.env.GOVCHAIN_SCRIPT_TIMEOUT_MS || 100000);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function loadGenesis(file, codec) {
  const g = JSON.parse(fs.readFileSync(file, 'utf8'));
  const trusted = (g.departments || []).map((d) => ({
    departmentId: d.id,
    publicKey: Buffer.from(d.validatorKey, 'base64'),
    power: BigInt(d.votingPower || 0),
  }));
  if (!g.chainId || trusted.length === 0) throw new Error(`${file} names no chain id or no validators`);
  return { chainId: g.chainId, signingId: cc.signingChainId(g.chainId, cc.genesisHash(codec, g)), trusted };
}

class Agency {
  constructor() {
    this.protocol = rpc.loadProtocol(rpc.findProtoRoot(process.env.GOVCHAIN_PROTO_ROOT));
    this.codec = this.protocol.codec;
    this.client = rpc.connect(this.protocol, required('GOVCHAIN_ADDRESS'), required('GOVCHAIN_CA_FILE'));
    this.genesis = loadGenesis(required('GOVCHAIN_GENESIS_FILE'), this.codec);
    this.genesisSet = cc.genesisSet(this.codec, this.genesis.trusted);
    this.codecChecks = [];
  }

  /** The sender's next nonce, read from its state key "nonce/<hex>" (8 bytes big-endian: the last one used). */
  async nextNonce(publicKey) {
    const r = await rpc.call(this.client, 'GetStateProof', { key: Buffer.from('nonce/' + publicKey.toString('hex')) }, CALL_MS);
    if (!r.ok) {
      if (r.code === rpc.grpc.status.FAILED_PRECONDITION) return 1n; // no block yet
      throw new Error(`GetStateProof(nonce) failed: ${r.code} ${r.details}`);
    }
    const p = r.value.proof;
    return p.exists && p.value.length === 8 ? p.value.readBigUInt64BE(0) + 1n : 1n;
  }

  /** A signed land transaction; `signer` signs the exact body bytes (a different key than the sender's makes a forgery). */
  landTx(sender, signer, nonce, method, argsType, args) {
    const body = this.codec.encode('govchain.v1.TransactionBody', {
      chain_id: this.genesis.chainId,
      sender: sender.publicKey,
      nonce,
      contract: 'land',
      method,
      args: this.codec.encode(argsType, args),
      memo: 'submitted from Node.js',
    });
    return { body, signature: cc.sign(signer, body), id: cc.txId(body) };
  }

  submitRequest(tx) {
    const request = { transaction: { body: tx.body, signature: tx.signature } };
    // Our codec and protobufjs (inside proto-loader) must agree byte for byte on what goes out.
    const ours = this.codec.encode('govchain.v1.SubmitTransactionRequest', request);
    this.codecChecks.push(ours.equals(this.protocol.methods.SubmitTransaction.protoLoaderSerialize(request)));
    return request;
  }

  async submit(tx) {
    const submitted = await rpc.expect(this.client, 'SubmitTransaction', this.submitRequest(tx), CALL_MS);
    return submitted.tx_id.equals(tx.id);
  }

  async wait(tx, idMatched) {
    const result = await rpc.expect(this.client, 'WaitForTransaction', { tx_id: tx.id }, WAIT_MS);
    return {
      txId: tx.id.toString('hex'),
      nodeTxIdMatches: idMatched && result.receipt.tx_id.equals(tx.id),
      code: result.receipt.code,
      message: result.receipt.message,
      height: Number(result.height),
      index: result.index,
    };
  }

  async submitAndWait(tx) {
    return this.wait(tx, await this.submit(tx));
  }

  /** Fetches a committed transaction's proof and checks it here; returns the check and the proof's bytes. */
  async proveTransaction(id) {
    const proof = await rpc.expect(this.client, 'GetTransactionProof', { tx_id: id }, CALL_MS);
    return { base64: proof.$bytes.toString('base64'), treeSize: Number(proof.tx_inclusion ? proof.tx_inclusion.tree_size : 0), js: this.checkTransactionProof(proof, id) };
  }

  async getParcel(parcelId) {
    const args = this.codec.encode('govchain.v1.GetParcelArgs', { parcel_id: parcelId });
    const r = await rpc.call(this.client, 'Query', { contract: 'land', method: 'get_parcel', args }, CALL_MS);
    return r.ok ? { ok: true, height: Number(r.value.height), parcel: this.codec.decode('govchain.v1.Parcel', r.value.result) } : r;
  }

  checkTransactionProof(proof, expectedId) {
    const header = cc.checkProofHeader({ chainId: this.genesis.chainId, signingId: this.genesis.signingId, genesis: this.genesisSet, proof });
    const body = this.codec.decode('govchain.v1.TransactionBody', proof.transaction.body);
    const id = cc.txId(proof.transaction.body);
    const receipt = proof.receipt;
    return {
      header,
      txIdMatches: id.equals(expectedId),
      signatureVerifies: cc.verify(body.sender, proof.transaction.body, proof.transaction.signature),
      method: `${body.contract}.${body.method}`,
      receiptMatches: receipt.tx_id.equals(id) && receipt.height === proof.header.height && receipt.code === 0,
      txIncluded: proof.tx_inclusion !== null && proof.tx_inclusion.leaf_index === BigInt(receipt.index)
        && cc.verifyInclusion(id, proof.tx_inclusion, proof.header.tx_root),
      receiptIncluded: proof.receipt_inclusion !== null
        && cc.verifyInclusion(cc.tagged(cc.Domain.Receipt, receipt.$bytes), proof.receipt_inclusion, proof.header.receipts_root),
    };
  }

  checkAbsenceProof(certified, key) {
    const header = cc.checkProofHeader({ chainId: this.genesis.chainId, signingId: this.genesis.signingId, genesis: this.genesisSet, proof: certified });
    const proof = certified.proof;
    // Claiming a value for the absent key must not verify either way.
    const claimed = Object.assign({}, proof, { exists: true, value: Buffer.from('forged') });
    return {
      header,
      exists: proof.exists,
      heightMatches: proof.height === certified.header.height,
      absenceVerifies: cc.verifyStateAbsence(proof, key, certified.header.state_root),
      claimedValueRefused: !cc.verifyStateMembership(claimed, key, certified.header.state_root),
      endsAtOtherLeaf: proof.other_key_hash.length > 0,
    };
  }

  checkStateProof(certified, key, expectedOwner) {
    const header = cc.checkProofHeader({ chainId: this.genesis.chainId, signingId: this.genesis.signingId, genesis: this.genesisSet, proof: certified });
    const proof = certified.proof;
    const parcel = proof.exists ? this.codec.decode('govchain.v1.Parcel', proof.value) : null;
    // A node that altered the record (one byte of the value) must not get past the same check.
    const forged = Object.assign({}, proof, { value: Buffer.from(proof.value) });
    if (forged.value.length > 0) forged.value[forged.value.length - 1] ^= 0x01;
    return {
      header,
      heightMatches: proof.height === certified.header.height,
      pathVerifies: cc.verifyStateMembership(proof, key, certified.header.state_root),
      forgedValueRefused: !cc.verifyStateMembership(forged, key, certified.header.state_root),
      valueIsParcel: parcel !== null && parcel.owner.equals(expectedOwner),
      siblings: proof.siblings.length,
    };
  }
}

async function main() {
  const agency = new Agency();
  const status = await rpc.expect(agency.client, 'GetStatus', {}, CALL_MS);
  const registrar = cc.keyFromSeed(Buffer.from(fs.readFileSync(required('GOVCHAIN_REGISTRAR_SEED_FILE'), 'utf8').trim(), 'hex'));
  const seller = cc.newKey();
  const buyer = cc.newKey();
  const parcelId = 'JS-' + require('crypto').randomBytes(4).toString('hex').toUpperCase();
  const steps = {};

  let registrarNonce = await agency.nextNonce(registrar.publicKey);
  // The parcel and three neighbours, submitted back to back before any is waited for, so a
  // block is likely to hold several of them: their inclusion paths then have siblings to check.
  const registrations = [parcelId, parcelId + '-N1', parcelId + '-N2', parcelId + '-N3'].map((id) =>
    agency.landTx(registrar, registrar, registrarNonce++, 'register_parcel', 'govchain.v1.RegisterParcelArgs', {
      parcel_id: id, owner: seller.publicKey, description_hash: cc.sha256(Buffer.from('deed of ' + id)), area_m2: 750n, location: 'Plot 9, Harbour Road',
    }));
  const admitted = [];
  for (const tx of registrations) admitted.push(await agency.submit(tx));
  const registered = [];
  for (let i = 0; i < registrations.length; i++) registered.push(await agency.wait(registrations[i], admitted[i]));
  steps.register = registered[0];
  steps.offer = await agency.submitAndWait(agency.landTx(seller, seller, await agency.nextNonce(seller.publicKey), 'offer_transfer', 'govchain.v1.OfferTransferArgs', {
    parcel_id: parcelId, buyer: buyer.publicKey, price: 250000n,
  }));
  steps.accept = await agency.submitAndWait(agency.landTx(buyer, buyer, await agency.nextNonce(buyer.publicKey), 'accept_transfer', 'govchain.v1.AcceptTransferArgs', { parcel_id: parcelId }));
  const approveTx = agency.landTx(registrar, registrar, registrarNonce++, 'approve_transfer', 'govchain.v1.ApproveTransferArgs', { parcel_id: parcelId });
  steps.approve = await agency.submitAndWait(approveTx);

  const read = await agency.getParcel(parcelId);
  if (!read.ok) throw new Error(`get_parcel failed: ${read.code} ${read.details}`);

  const approveProof = await agency.proveTransaction(approveTx.id);
  const registrationProofs = [];
  for (const tx of registrations) registrationProofs.push(await agency.proveTransaction(tx.id));
  const parcelKey = Buffer.from('land/parcel/' + parcelId);
  const stateProof = await rpc.expect(agency.client, 'GetStateProof', { key: parcelKey, height: 0n }, CALL_MS);

  // A registration in the registrar's name, signed by someone else's key.
  const forgedId = parcelId + '-FORGED';
  const nonceBefore = await agency.nextNonce(registrar.publicKey);
  const forged = agency.landTx(registrar, cc.newKey(), nonceBefore, 'register_parcel', 'govchain.v1.RegisterParcelArgs', {
    parcel_id: forgedId, owner: seller.publicKey, description_hash: cc.sha256(Buffer.from('forged')), area_m2: 1n,
  });
  const refused = await rpc.call(agency.client, 'SubmitTransaction', agency.submitRequest(forged), CALL_MS);
  const forgedRead = await agency.getParcel(forgedId);
  const forgedKey = Buffer.from('land/parcel/' + forgedId);
  const absence = await rpc.expect(agency.client, 'GetStateProof', { key: forgedKey, height: 0n }, CALL_MS);
  const nonceAfter = await agency.nextNonce(registrar.publicKey);
  agency.client.close();

  return {
    chainId: status.chain_id,
    department: status.department_id,
    parcelId,
    seller: seller.publicKey.toString('hex'),
    buyer: buyer.publicKey.toString('hex'),
    codecMatchesProtoLoader: agency.codecChecks.length > 0 && agency.codecChecks.every(Boolean),
    steps,
    parcel: {
      queryHeight: read.height,
      owner: read.parcel.owner.toString('hex'),
      areaM2: Number(read.parcel.area_m2),
      offerPending: read.parcel.offer !== null,
      historyLength: Number(read.parcel.history_length),
    },
    registrations: registered,
    transactionProof: approveProof,
    registrationProofs,
    stateProof: { base64: stateProof.$bytes.toString('base64'), js: agency.checkStateProof(stateProof, parcelKey, buyer.publicKey) },
    wrongKey: {
      parcelId: forgedId,
      txId: forged.id.toString('hex'),
      accepted: refused.ok,
      code: refused.ok ? 0 : refused.code,
      codeName: refused.ok ? 'OK' : rpc.grpc.status[refused.code],
      details: refused.ok ? '' : refused.details,
      admission: refused.ok ? '' : (refused.trailers['govchain-admission'] || ''),
      parcelQueryCode: forgedRead.ok ? 0 : forgedRead.code,
      absenceProof: { base64: absence.$bytes.toString('base64'), js: agency.checkAbsenceProof(absence, forgedKey) },
      nonceBefore: Number(nonceBefore),
      nonceAfter: Number(nonceAfter),
    },
  };
}

const watchdog = setTimeout(() => { console.error(`land-transfer.js did not finish within ${SCRIPT_MS} ms`); process.exit(3); }, SCRIPT_MS);
main().then((result) => {
  clearTimeout(watchdog);
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
}, (error) => {
  console.error(error && error.stack || String(error));
  process.exit(1);
});
