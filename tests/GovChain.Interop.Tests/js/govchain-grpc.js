'use strict';
// A GovChain client-API client built from the repository's .proto files alone: proto-loader
// reads them at run time, grpc-js carries the calls, ProtoCodec does the wire format. Nothing
// here comes from the C# code or the SDK.
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { ProtoCodec } = require('./proto-codec');

const PROTO_FILES = ['govchain/v1/client.proto', 'govchain/v1/land.proto'];
const SERVICE = 'govchain.v1.Client';
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The folder holding govchain/v1/*.proto: the one given, else the first `proto` folder above this script. */
function findProtoRoot(given) {
  if (given) {
    if (!fs.existsSync(path.join(given, 'govchain', 'v1', 'client.proto'))) throw new Error(`${given} holds no govchain/v1/client.proto`);
    return given;
  }
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(candidate, 'govchain', 'v1', 'client.proto'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('no proto/govchain/v1 above ' + __dirname);
  }
}

function loadProtocol(protoRoot) {
  // keepCase: field names as the .proto spells them (chain_id), not camelCased.
  const definition = protoLoader.loadSync(PROTO_FILES, { includeDirs: [protoRoot], keepCase: true });
  const codec = new ProtoCodec(definition);
  const service = definition[SERVICE];
  if (!service) throw new Error(`${SERVICE} is not in ${PROTO_FILES.join(', ')}`);
  const pkg = SERVICE.slice(0, SERVICE.lastIndexOf('.'));
  // Same paths and streaming shape as proto-loader read them; our codec on the wire, so every
  // decoded message keeps the exact bytes the node sent.
  const methods = {};
  for (const [name, m] of Object.entries(service)) {
    const requestType = codec.resolve(pkg, m.requestType.type.name);
    const responseType = codec.resolve(pkg, m.responseType.type.name);
    methods[name] = {
      path: m.path,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: (value) => codec.encode(requestType, value),
      requestDeserialize: (bytes) => codec.decode(requestType, bytes),
      responseSerialize: (value) => codec.encode(responseType, value),
      responseDeserialize: (bytes) => codec.decode(responseType, bytes),
      protoLoaderSerialize: m.requestSerialize,
      requestType,
      responseType,
    };
  }
  return { codec, methods, Client: grpc.makeGenericClientConstructor(methods, 'Client') };
}

/** Connects over TLS to `address` (127.0.0.1:port), trusting only the PEM certificate in `caFile`. */
function connect(protocol, address, caFile) {
  const credentials = grpc.credentials.createSsl(fs.readFileSync(caFile));
  return new protocol.Client(address, credentials, {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
}

/**
 * One unary call with a deadline. Resolves (never rejects) with { ok, value } or
 * { ok: false, code, details, trailers } so a caller can assert on refusals.
 */
function call(client, method, request, timeoutMs) {
  return new Promise((resolve) => {
    const deadline = new Date(Date.now() + timeoutMs);
    client[method](request, new grpc.Metadata(), { deadline }, (error, value) => {
      if (error) {
        const trailers = {};
        if (error.metadata) {
          for (const [k, v] of Object.entries(error.metadata.getMap())) trailers[k] = String(v);
        }
        resolve({ ok: false, code: error.code, details: error.details, trailers });
      } else {
        resolve({ ok: true, value });
      }
    });
  });
}

/** Like `call`, but a refusal is an Error naming the method, status and reason. */
async function expect(client, method, request, timeoutMs) {
  const r = await call(client, method, request, timeoutMs);
  if (!r.ok) throw new Error(`${method} failed: ${grpc.status[r.code] || r.code}: ${r.details}`);
  return r.value;
}

module.exports = { grpc, findProtoRoot, loadProtocol, connect, call, expect };
