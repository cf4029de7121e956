'use strict';
// grpc-js load against our server, for the reference figures of the Rpc benchmarks.
// Usage: node load.js <port>. Reads commands from standard input, one a line:
//   unary <callers> <total>   total unary calls spread over <callers> concurrent loops
//   stream <callers> <total>  total streamed messages spread over <callers> concurrent calls
// and answers "done <milliseconds>" to each. Exits when standard input closes.
const path = require('path');
const readline = require('readline');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const definition = protoLoader.loadSync(path.join(__dirname, 'bench.proto'), { defaults: true });
const Bench = grpc.loadPackageDefinition(definition).govchain.bench.Bench;
const client = new Bench('127.0.0.1:' + process.argv[2], grpc.credentials.createInsecure());
const payload = { value: Buffer.alloc(64, 1) };

function unaryLoop(count) {
  return new Promise((resolve, reject) => {
    let left = count;
    const next = () => {
      if (left-- === 0) return resolve();
      client.Unary(payload, (error) => (error ? reject(error) : next()));
    };
    next();
  });
}

function streamOne(count) {
  return new Promise((resolve, reject) => {
    const call = client.Stream({ value: count });
    call.on('data', () => {});
    call.on('error', reject);
    call.on('end', resolve);
  });
}

async function run(kind, callers, total) {
  const per = Math.floor(total / callers);
  const work = [];
  for (let i = 0; i < callers; i++) work.push(kind === 'unary' ? unaryLoop(per) : streamOne(per));
  await Promise.all(work);
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  const [kind, callers, total] = line.trim().split(/\s+/);
  queue = queue.then(async () => {
    const start = process.hrtime.bigint();
    await run(kind, Number(callers), Number(total));
    console.log('done ' + Number(process.hrtime.bigint() - start) / 1e6);
  }).catch((error) => { console.log('error ' + error.message); });
});
lines.on('close', () => queue.then(() => process.exit(0)));
