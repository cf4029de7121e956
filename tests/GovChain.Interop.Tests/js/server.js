'use strict';
// A grpc-js server of the interop service on 127.0.0.1 (free port), for our client to call.
// Prints "PORT <n>" when ready; exits when its standard input closes, so it never outlives the test.
const { grpc, loadInterop } = require('./common');
const { proto } = loadInterop();

function echoMetadata(call) {
  const headers = new grpc.Metadata();
  const trailers = new grpc.Metadata();
  const incoming = call.metadata.getMap();
  for (const key of Object.keys(incoming)) {
    if (!key.startsWith('x-')) continue;
    headers.set('echo-' + key, incoming[key]);
    trailers.set('trailer-' + key, incoming[key]);
  }
  call.sendMetadata(headers);
  return trailers;
}

function failure(request, trailers) {
  if (!request.failCode) return null;
  return { code: request.failCode, details: request.failMessage, metadata: trailers };
}

function later(call, ms, fn) {
  if (!ms) return fn();
  const timer = setTimeout(fn, ms);
  call.on('cancelled', () => clearTimeout(timer));
}

const handlers = {
  Unary(call, callback) {
    const trailers = echoMetadata(call);
    later(call, call.request.delayMs, () => {
      const error = failure(call.request, trailers);
      if (error) return callback(error);
      callback(null, { text: call.request.text, index: 0, body: call.request.body }, trailers);
    });
  },
  ServerStream(call) {
    const trailers = echoMetadata(call);
    let i = 0;
    const next = () => {
      if (call.cancelled) return;
      if (i >= call.request.count) {
        const error = failure(call.request, trailers);
        if (error) return call.emit('error', error);
        return call.end(trailers);
      }
      call.write({ text: call.request.text, index: i++ });
      later(call, call.request.delayMs, next);
    };
    next();
  },
  ClientStream(call, callback) {
    const trailers = echoMetadata(call);
    let text = '';
    let count = 0;
    let failed = false;
    call.on('data', (request) => {
      text += request.text;
      count++;
      const error = failure(request, trailers);
      if (error && !failed) { failed = true; callback(error); }
    });
    call.on('end', () => { if (!failed) callback(null, { text, index: count }, trailers); });
  },
  Duplex(call) {
    const trailers = echoMetadata(call);
    let index = 0;
    call.on('data', (request) => {
      const error = failure(request, trailers);
      if (error) return call.emit('error', error);
      call.write({ text: request.text, index: index++, body: request.body });
    });
    call.on('end', () => call.end(trailers));
  },
};

const server = new grpc.Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
server.addService(proto.Interop.service, handlers);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error('bind failed: ' + error.message);
    process.exit(1);
  }
  console.log('PORT ' + port);
});

process.stdin.on('end', () => server.tryShutdown(() => process.exit(0)));
process.stdin.resume();
