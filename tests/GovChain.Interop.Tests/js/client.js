'use strict';
// A grpc-js client that runs one scenario against a server on 127.0.0.1:<port> and prints
// what it observed as one JSON line. Usage: node client.js <port> <scenario> [<pemDir>]
const { grpc, loadInterop, loadHealth } = require('./common');

const [port, scenario, pemDir] = process.argv.slice(2);
const address = '127.0.0.1:' + port;
const { definition, proto } = loadInterop();
const insecure = grpc.credentials.createInsecure();

function client(options) {
  return new proto.Interop(address, insecure, Object.assign({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 }, options || {}));
}

function deadlineIn(ms) { return new Date(Date.now() + ms); }

function unary(c, request, metadata, options) {
  return new Promise((resolve) => {
    const observed = {};
    const call = c.Unary(request, metadata || new grpc.Metadata(), options || {}, (error, reply) => {
      observed.error = error ? { code: error.code, details: error.details } : null;
      observed.reply = reply || null;
    });
    call.on('metadata', (m) => { observed.headers = m; });
    call.on('status', (s) => { observed.status = s; resolve(observed); });
  });
}

function readAll(call) {
  return new Promise((resolve) => {
    const replies = [];
    let error = null;
    call.on('data', (r) => replies.push(r));
    call.on('error', (e) => { error = { code: e.code, details: e.details }; });
    call.on('status', (s) => resolve({ replies, error, status: s }));
  });
}

const scenarios = {
  async unary() {
    const md = new grpc.Metadata();
    md.set('x-agency', 'land-registry');
    md.set('x-blob-bin', Buffer.from([0, 1, 2, 254, 255]));
    const o = await unary(client(), { text: 'hello from grpc-js', body: Buffer.from('deed') }, md);
    return {
      code: o.status.code,
      text: o.reply.text,
      body: Buffer.from(o.reply.body).toString(),
      echoHeader: String(o.headers.get('echo-x-agency')[0]),
      echoBin: Buffer.from(o.headers.get('echo-x-blob-bin')[0]).toString('base64'),
      trailer: String(o.status.metadata.get('trailer-x-agency')[0]),
      trailerBin: Buffer.from(o.status.metadata.get('trailer-x-blob-bin')[0]).toString('base64'),
    };
  },
  async serverStream() {
    const r = await readAll(client().ServerStream({ text: 's', count: 25 }));
    return { code: r.status.code, indexes: r.replies.map((x) => x.index) };
  },
  async clientStream() {
    return new Promise((resolve) => {
      const call = client().ClientStream((error, reply) => {
        resolve({ code: error ? error.code : 0, text: reply ? reply.text : null, index: reply ? reply.index : -1 });
      });
      for (let i = 0; i < 10; i++) call.write({ text: String(i) });
      call.end();
    });
  },
  async duplex() {
    const call = client().Duplex();
    const texts = [];
    for (let i = 0; i < 5; i++) {
      const reply = await new Promise((resolve) => {
        call.once('data', resolve);
        call.write({ text: 'ping' + i });
      });
      texts.push(reply.text);
    }
    const done = new Promise((resolve) => call.on('status', resolve));
    call.end();
    const status = await done;
    return { code: status.code, texts };
  },
  async error() {
    const o = await unary(client(), { failCode: 5, failMessage: 'no parcel 12% été' });
    return { code: o.error.code, details: o.error.details };
  },
  async deadline() {
    const c = client();
    await unary(c, { text: 'warm-up' });
    // Long enough for the request to reach the handler on a loaded machine, far shorter than its delay.
    const o = await unary(c, { text: 'slow-js', delayMs: 10000 }, null, { deadline: deadlineIn(1500) });
    return { code: o.error.code };
  },
  async unimplemented() {
    const c = client();
    const m = definition['govchain.interop.Interop'].Unary;
    return new Promise((resolve) => {
      c.makeUnaryRequest('/govchain.interop.Interop/Missing', m.requestSerialize, m.responseDeserialize, {}, (error) => {
        resolve({ code: error ? error.code : 0, details: error ? error.details : '' });
      });
    });
  },
  async gzip() {
    const text = 'z'.repeat(20000);
    const o = await unary(client({ 'grpc.default_compression_algorithm': 2 }), { text });
    return { code: o.status.code, same: o.reply !== null && o.reply.text === text };
  },
  async large() {
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const o = await unary(client(), { body });
    return { code: o.status.code, length: o.reply ? Buffer.from(o.reply.body).length : -1 };
  },
  async cancel() {
    const call = client().ServerStream({ text: 'cancel-js', count: 1000, delayMs: 50 });
    const first = await new Promise((resolve) => call.once('data', resolve));
    const status = new Promise((resolve) => call.on('status', resolve));
    call.on('error', () => {});
    call.cancel();
    return { first: first.index, code: (await status).code };
  },
  async concurrent() {
    const c = client();
    const calls = [];
    for (let i = 0; i < 64; i++) calls.push(unary(c, { text: 'c' + i }));
    const results = await Promise.all(calls);
    return { ok: results.filter((o, i) => o.status.code === 0 && o.reply.text === 'c' + i).length };
  },
  async tls() {
    return tlsUnary(true);
  },
  async tlsWithoutClientCertificate() {
    return tlsUnary(false);
  },
  async health() {
    const health = loadHealth();
    const c = new health.Health(address, insecure);
    const check = (service) => new Promise((resolve) => c.Check({ service }, (error, reply) => {
      resolve(error ? { code: error.code } : { code: 0, status: reply.status });
    }));
    return { overall: await check(''), unknown: await check('govchain.v1.Nope') };
  },
};

// Mutual TLS with PEM files written by the test: the server's certificate as the only root,
// and (when asked) the client's certificate and key.
function tlsUnary(withClientCertificate) {
  const fs = require('fs');
  const path = require('path');
  const read = (name) => fs.readFileSync(path.join(pemDir, name));
  const credentials = withClientCertificate
    ? grpc.credentials.createSsl(read('server.crt'), read('client.key'), read('client.crt'))
    : grpc.credentials.createSsl(read('server.crt'));
  const c = new proto.Interop(address, credentials);
  return new Promise((resolve) => {
    c.Unary({ text: 'over mtls' }, { deadline: deadlineIn(10000) }, (error, reply) => {
      resolve(error ? { code: error.code, details: error.details } : { code: 0, text: reply.text });
    });
  });
}

const run = scenarios[scenario];
if (!run) {
  console.error('unknown scenario ' + scenario);
  process.exit(2);
}
const watchdog = setTimeout(() => { console.error('scenario timed out'); process.exit(3); }, 20000);
run().then((result) => {
  clearTimeout(watchdog);
  console.log(JSON.stringify(result));
  process.exit(0);
}, (error) => {
  console.error(error && error.stack || String(error));
  process.exit(1);
});
