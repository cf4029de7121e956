// Verifies a GovChain-exported W3C Verifiable Credential with Digital Bazaar's libraries
// (@digitalbazaar/vc, data-integrity with the eddsa-jcs-2022 cryptosuite, did:key, and the
// Bitstring Status List check), none of them written here. Contexts come from their npm
// packages; the only document fetched is the status list credential, from the node that the
// credential names, over TLS pinned to the certificate given.
// usage: node verify-vc.mjs CREDENTIAL.json NODE-CERT.pem
// prints one JSON line: {verified, signatureVerified, statusVerified, revoked, errors}
import fs from 'node:fs';
import https from 'node:https';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import didContext from 'did-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const [credentialFile, certFile] = process.argv.slice(2);
if (!credentialFile || !certFile) {
  console.error('usage: node verify-vc.mjs CREDENTIAL.json NODE-CERT.pem');
  process.exit(2);
}

const credential = JSON.parse(fs.readFileSync(credentialFile, 'utf8'));
const ca = fs.readFileSync(certFile);

const contexts = new Map(credentialContexts);
for (const [url, context] of didContext.contexts) contexts.set(url, context);
contexts.set(multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT);

const dids = didKeyDriver();
dids.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

const MAX_BYTES = 1 << 20;
function fetchJson(url) {
  return new Promise((resolve, reject) => {
    const request = https.get(url, {ca, timeout: 15000}, response => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
        return;
      }
      const chunks = [];
      let size = 0;
      response.on('data', chunk => {
        size += chunk.length;
        if (size > MAX_BYTES) request.destroy(new Error(`GET ${url}: more than ${MAX_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e); }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: timed out`)));
    request.on('error', reject);
  });
}

// Only the status list is fetched, and only from the node the credential itself names.
const statusUrl = credential.credentialStatus?.statusListCredential;
async function documentLoader(url) {
  if (contexts.has(url)) return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  if (url.startsWith('did:key:')) return {contextUrl: null, documentUrl: url, document: await dids.get({url})};
  if (url === statusUrl) return {contextUrl: null, documentUrl: url, document: await fetchJson(url)};
  throw new Error(`no document for ${url}: this verifier works offline`);
}

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
const errors = [];
let statusResult = null;
const result = await vc.verifyCredential({
  credential,
  suite,
  documentLoader,
  // The status list is signed by the serving node's department key, not by the credential's
  // issuer (a node holds no issuer's key), hence verifyMatchingIssuers: false.
  checkStatus: async options => {
    statusResult = await checkStatus({...options, verifyStatusListCredential: true, verifyMatchingIssuers: false});
    return statusResult;
  },
});
for (const r of result.results ?? []) if (r.error) errors.push(String(r.error.message ?? r.error));
if (result.error) errors.push(String(result.error.message ?? result.error));
if (statusResult?.error) errors.push(String(statusResult.error.message ?? statusResult.error));

const signatureVerified = (result.results ?? []).some(r => r.verified === true) || result.verified === true;
const statusVerified = statusResult?.verified === true;
console.log(JSON.stringify({
  verified: result.verified === true,
  signatureVerified,
  statusVerified,
  revoked: statusVerified ? statusResult.results?.[0]?.status === true : null,
  errors,
}));
