'use strict';
// Loads the interop and health service definitions the same way for the client and the server scripts.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const loaderOptions = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

function loadInterop() {
  const definition = protoLoader.loadSync(path.join(__dirname, 'interop.proto'), loaderOptions);
  return { definition, proto: grpc.loadPackageDefinition(definition).govchain.interop };
}

function loadHealth() {
  const definition = protoLoader.loadSync(path.join(__dirname, 'health.proto'), loaderOptions);
  return grpc.loadPackageDefinition(definition).grpc.health.v1;
}

module.exports = { grpc, loadInterop, loadHealth };
