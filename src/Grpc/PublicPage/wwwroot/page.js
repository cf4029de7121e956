// The public page: finds records through the node's read-only JSON API (when served by a node),
// shows them decoded from the proven bytes, and verifies every one in this browser with
// GovChainVerify against the genesis the citizen trusts. Opened from file:// it needs no network:
// a genesis file and a proof file dropped onto it are all it checks.
(function () {
  'use strict';
  const P = window.GovChainProto;
  const V = window.GovChainVerify;
  const R = window.GovChainRecords;
  const online = location.protocol === 'http:' || location.protocol === 'https:';
  const MAX_FILE_BYTES = 8 * 1024 * 1024;
  const MAX_HISTORY = 50;
  const MAX_BIDS = 50;

  let trusted = null; // { genesis (readGenesis), source }
  const $ = (id) => document.getElementById(id);

  // ---- small DOM helpers (text only: nothing from a node or a file is ever parsed as HTML) ----
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  function dl(pairs) {
    return el('dl', {}, pairs.filter((p) => p).map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }
  const hash = (b) => el('span', { class: 'hash' }, typeof b === 'string' ? b : P.hex(b));
  function when(ms) {
    const d = new Date(Number(ms));
    return isNaN(d) ? 'unknown time' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }
  function names(list) {
    if (list.length <= 1) return list.join('');
    return list.slice(0, -1).join(', ') + ' and ' + list[list.length - 1];
  }
  function show(...nodes) {
    const results = $('results');
    results.replaceChildren(...nodes);
    $('results-title').focus();
  }

  // ---- the genesis the checks trust ----
  async function trust(json, source) {
    try {
      const genesis = await V.readGenesis(json);
      trusted = { genesis, source };
      const depts = names([...genesis.names.values()]);
      $('genesis-status').textContent = `Checking against the genesis of chain “${genesis.chainId}” ${source}: departments ${depts}.`;
    } catch (e) {
      $('genesis-status').textContent = `That genesis file cannot be used: ${e.message}.`;
    }
  }

  $('genesis-file').addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) { $('genesis-status').textContent = 'That file is too large to be a genesis file.'; return; }
    try {
      await trust(JSON.parse(await file.text()), `from your file ${file.name}`);
    } catch (e) {
      $('genesis-status').textContent = 'That file is not a genesis file (it is not JSON).';
    }
  });

  // ---- verdicts ----
  function verdict(result, extra) {
    if (!result.proven) {
      return el('div', { class: 'verdict not-proven', role: 'alert' }, el('strong', {}, 'NOT PROVEN'), result.reason,
        result.detail ? el('div', { class: 'muted' }, 'Technical detail: ' + result.detail) : null);
    }
    const who = names(result.certifiers.map((c) => c.name));
    return el('div', { class: 'verdict proven' }, el('strong', {}, 'PROVEN'),
      `${extra || 'This is exactly what was recorded'} at block ${result.height} (${when(result.timeUnixMs)}), certified by ${who} ` +
      `(${result.signedPower} of ${result.totalPower} votes).` + (trusted && trusted.source.includes('this node') ? ' Load your own genesis file to make the check independent of this website.' : ''));
  }

  async function check(doc, expected) {
    if (!trusted) return { proven: false, reason: 'Load a genesis file first (step 1): without it there is nothing to check against.' };
    return V.verifyDocument(doc, trusted.genesis, expected);
  }

  // A "Check this record" button and the place its verdict appears.
  function verifyButton(label, run) {
    const out = el('div', { 'aria-live': 'polite' });
    const button = el('button', { type: 'button', class: 'verify', onclick: async () => {
      button.disabled = true;
      out.replaceChildren(el('p', { class: 'muted' }, 'Checking…'));
      try { out.replaceChildren(...[].concat(await run())); } finally { button.disabled = false; }
    } }, label);
    return el('div', { class: 'verify-box' }, button, out);
  }

  function qrFor(fragment) {
    if (!online) return null;
    const link = location.origin + location.pathname + '#' + fragment;
    const img = el('img', { class: 'qr', alt: 'QR code that opens this record’s check on a phone', src: 'qr.svg?text=' + encodeURIComponent(link) });
    img.addEventListener('error', () => img.remove());
    return img;
  }

  // ---- fetching (online only) ----
  async function api(path) {
    if (!online) throw new Error('This page is opened from a file, so it cannot search. Drop a saved proof file instead.');
    let response;
    try {
      response = await fetch('api/' + path, { headers: { accept: 'application/json' } });
    } catch (e) {
      throw new Error('The node cannot be reached.');
    }
    const text = await response.text();
    let body;
    try { body = JSON.parse(text); } catch (e) { throw new Error(`The node answered something that is not JSON (HTTP ${response.status}).`); }
    if (!response.ok) throw Object.assign(new Error(body.error || `The node refused (HTTP ${response.status}).`), { status: response.status });
    return body;
  }
  const stateDoc = (key) => api('state?key=' + encodeURIComponent(key));

  // A proven record's value (decoded), for display, read from the document's own bytes.
  function valueOf(doc) {
    const p = doc && doc.proof && doc.proof.proof;
    return p && p.exists === true ? P.jsonBytes(p.value, 'value') : null;
  }

  // ---- searches ----
  async function search(kind, text) {
    text = text.trim();
    history.replaceState(null, '', '#' + kind + '=' + encodeURIComponent(text));
    show(el('p', { class: 'muted' }, 'Searching…'));
    try {
      if (kind === 'block') {
        if (!/^[0-9]{1,20}$/.test(text) || text === '0') throw new Error('A block height is a whole number from 1.');
        return show(await blockView(text));
      }
      if (kind === 'tx') {
        if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error('A transaction id is 64 characters of 0-9 and a-f.');
        return show(await txView(text.toLowerCase()));
      }
      if (!R.ID.test(text)) throw new Error('An identifier is 1 to 64 letters, digits or . _ : - (no spaces).');
      if (kind === 'parcel') return show(await parcelView(text));
      if (kind === 'credential') return show(await credentialView(text));
      if (kind === 'tender') return show(await tenderView(text));
    } catch (e) {
      show(el('p', { role: 'alert' }, e.status === 404 ? 'Not found: ' + e.message : e.message));
    }
  }

  function absent(doc, what, id) {
    return el('div', { class: 'record' }, el('h3', {}, `No ${what} “${id}” is registered`),
      el('p', {}, 'The node says the register holds no such record. Check that too:'),
      verifyButton('Check that it is absent', async () => {
        const r = await check(doc, { key: doc.proof.proof && P.fromUtf8(P.jsonBytes(doc.proof.proof.key, 'key')) });
        return verdict(r, r.proven && !r.exists ? 'It is certain that no such record existed' : undefined);
      }));
  }

  async function parcelView(id) {
    const key = R.keys.parcel(id);
    const doc = await stateDoc(key);
    const value = valueOf(doc);
    if (!value) return absent(doc, 'parcel', id);
    const p = P.decode('Parcel', value);
    const n = Number(p.history_length);
    const first = Math.max(0, n - MAX_HISTORY);
    const entries = await Promise.all(Array.from({ length: n - first }, (_, i) => stateDoc(R.keys.history(id, first + i))));
    const rows = entries.map((d) => {
      const v = valueOf(d);
      const e = v ? P.decode('ParcelHistoryEntry', v) : null;
      return { d, e };
    });
    const liens = p.liens.length === 0 ? el('p', {}, 'No liens: nothing blocks a sale.')
      : el('table', {}, el('caption', {}, 'Liens'), el('tr', {}, el('th', { scope: 'col' }, 'Lien'), el('th', { scope: 'col' }, 'Held by'), el('th', { scope: 'col' }, 'Amount'), el('th', { scope: 'col' }, 'Since block')),
        p.liens.map((l) => el('tr', {}, el('td', {}, l.id), el('td', {}, l.department_id), el('td', {}, String(l.amount)), el('td', {}, String(l.registered_height)))));
    const historyTable = el('table', {}, el('caption', {}, n > MAX_HISTORY ? `Latest ${MAX_HISTORY} of ${n} events` : `History (${n} events)`),
      el('tr', {}, el('th', { scope: 'col' }, '#'), el('th', { scope: 'col' }, 'When'), el('th', { scope: 'col' }, 'What'), el('th', { scope: 'col' }, 'Owner after'), el('th', { scope: 'col' }, 'Transaction')),
      rows.map(({ e }, i) => e
        ? el('tr', {}, el('td', {}, String(e.sequence)), el('td', {}, `block ${e.height}, ${when(e.time_unix_ms)}`),
          el('td', {}, R.HISTORY_KINDS[e.kind] || 'unknown', e.detail ? ` (${/^[0-9a-f]{64}$/.test(e.detail) ? 'buyer ' + e.detail.slice(0, 16) + '…' : e.detail})` : ''), el('td', {}, hash(R.short(e.to_owner))),
          el('td', {}, el('a', { href: '#tx=' + P.hex(e.tx_id) }, R.short(e.tx_id))))
        : el('tr', {}, el('td', {}, String(first + i)), el('td', { colspan: 4 }, 'missing from the register'))));
    return el('div', { class: 'record' }, qrFor('parcel=' + encodeURIComponent(id)),
      el('h3', {}, `Land parcel ${p.id}`),
      dl([
        ['Owner (public key)', hash(p.owner)],
        ['Area', `${p.area_m2} m²`],
        ['Location', p.location || '—'],
        ['Registered', `at block ${p.registered_height}`],
        ['Survey documents (fingerprint)', hash(p.description_hash)],
        p.offer ? ['Sale in progress', `to ${R.short(p.offer.buyer)} for ${p.offer.price}` + (p.offer.accepted ? ', accepted by the buyer, awaiting the registrar' : ', not yet accepted')] : null,
      ]),
      liens, historyTable,
      verifyButton('Check this record', async () => {
        const main = await check(doc, { key });
        if (!main.proven) return verdict(main);
        const checks = await Promise.all(rows.map(({ d }, i) => check(d, { key: R.keys.history(id, first + i) })));
        const bad = checks.findIndex((c) => !c.proven || !c.exists);
        if (bad >= 0) return [verdict(main, 'The owner and liens are exactly as recorded'), verdict(checks[bad].proven ? { proven: false, reason: `History event ${first + bad} is missing.` } : checks[bad])];
        return verdict(main, `The owner, the liens and all ${checks.length} history events shown are exactly as recorded`);
      }));
  }

  async function credentialView(id) {
    const key = R.keys.credential(id);
    const doc = await stateDoc(key);
    const value = valueOf(doc);
    if (!value) return absent(doc, 'credential', id);
    const c = P.decode('CredentialRecord', value);
    const height = P.jsonInt(doc.proof.proof.height, 'height');
    const status = R.credentialStatus(c, height);
    return el('div', { class: 'record' }, qrFor('credential=' + encodeURIComponent(id)),
      el('h3', {}, `Credential ${c.id} (${c.kind})`),
      el('p', {}, 'Status: ', el('span', { class: 'status-word ' + (status.valid ? 'good' : 'bad') }, status.word), ` — ${status.text}, as of block ${height}.`),
      dl([
        ['Issued by', c.issuer_department],
        ['Issuer key', hash(c.issuer)],
        ['Holder (public key)', hash(c.subject)],
        ['Issued', `at block ${c.issued_height}`],
        ['Valid', `from block ${c.valid_from_height}` + (c.valid_until_height === 0n ? ', no end date' : ` until block ${c.valid_until_height}`)],
        ['Revoked', c.revoked_height === 0n ? 'no' : `yes, at block ${c.revoked_height}: ${c.revocation_reason || 'no reason given'}`],
        ['Claims (fingerprint)', hash(c.claims_hash)],
      ]),
      verifyButton('Check this record', async () => {
        const r = await check(doc, { key });
        if (!r.proven) return verdict(r);
        const s = R.credentialStatus(P.decode('CredentialRecord', r.value), r.height);
        return verdict(r, `This ${c.kind} is ${s.valid ? 'VALID' : s.word} (${s.text}); its record is exactly as recorded`);
      }));
  }

  async function tenderView(id) {
    const key = R.keys.tender(id);
    const doc = await stateDoc(key);
    const value = valueOf(doc);
    if (!value) return absent(doc, 'tender', id);
    const t = P.decode('Tender', value);
    const bidders = t.bidders.slice(0, MAX_BIDS);
    const bidDocs = await Promise.all(bidders.map((b) => stateDoc(R.keys.bid(id, P.hex(b)))));
    const bids = bidDocs.map(valueOf).filter((v) => v).map((v) => P.decode('SealedBid', v));
    const steps = R.tenderTimeline(t, bids);
    return el('div', { class: 'record' }, qrFor('tender=' + encodeURIComponent(id)),
      el('h3', {}, `Tender ${t.id}: ${t.title}`),
      dl([
        ['Published by', t.department_id],
        ['Status', R.TENDER_STATUS[t.status] || 'unknown'],
        ['Bids', `${t.bidders.length} sealed bid(s)`],
        ['Documents (fingerprint)', hash(t.document_hash)],
      ]),
      el('h3', {}, 'Timeline'),
      el('ol', { class: 'timeline', 'aria-label': 'Timeline of the tender' }, steps.map((s) => el('li', {}, s.height === null ? '' : `Block ${s.height}: `, s.what))),
      t.milestones.length ? el('table', {}, el('caption', {}, 'Milestones'),
        el('tr', {}, el('th', { scope: 'col' }, '#'), el('th', { scope: 'col' }, 'Work'), el('th', { scope: 'col' }, 'Share'), el('th', { scope: 'col' }, 'Approved'), el('th', { scope: 'col' }, 'Paid')),
        t.milestones.map((m, i) => el('tr', {}, el('td', {}, String(i + 1)), el('td', {}, m.description), el('td', {}, `${m.share_basis_points / 100} %`),
          el('td', {}, m.approved ? `yes, block ${m.approved_height}` : 'not yet'), el('td', {}, m.approved ? String(m.payment_amount) : '—')))) : null,
      verifyButton('Check this record', async () => {
        const main = await check(doc, { key });
        if (!main.proven) return verdict(main);
        const checks = await Promise.all(bidDocs.map((d, i) => check(d, { key: R.keys.bid(id, P.hex(bidders[i])) })));
        const bad = checks.find((c) => !c.proven);
        if (bad) return [verdict(main, 'The tender is exactly as recorded'), verdict(bad)];
        return verdict(main, `The tender, its timeline and its ${checks.length} bid(s) are exactly as recorded`);
      }));
  }

  async function txView(id) {
    const doc = await api('tx?id=' + id);
    const tx = doc.proof || {};
    const receipt = tx.receipt || {};
    const body = P.decode('TransactionBody', P.jsonBytes(tx.transaction && tx.transaction.body, 'body'));
    return el('div', { class: 'record' },
      el('h3', {}, `Transaction ${R.short(P.fromHex(id))}`),
      dl([
        ['Transaction id', hash(id)],
        ['What it did', `${body.contract}.${body.method}`],
        ['Signed by', hash(body.sender)],
        ['Outcome', receipt.code ? `refused (error ${receipt.code}: ${receipt.message || ''}); it changed nothing` : 'succeeded'],
        ['Block', el('a', { href: '#block=' + (tx.header && tx.header.height) }, `block ${tx.header && tx.header.height}`)],
        body.memo ? ['Note', body.memo] : null,
      ]),
      verifyButton('Check this transaction', async () => verdict(await check(doc, { txId: id }),
        'This transaction and its outcome are exactly as recorded')),
      savedLink(doc, `transaction-${id.slice(0, 12)}.json`));
  }

  function savedLink(doc, name) {
    const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
    return el('p', {}, el('a', { href: URL.createObjectURL(blob), download: name }, 'Save this proof file'), ' (to check it later, offline).');
  }

  async function blockView(height) {
    const b = await api('block?height=' + height);
    return el('div', { class: 'record' }, el('h3', {}, `Block ${b.height}`),
      dl([
        ['Time', when(b.time_unix_ms)],
        ['Fingerprint', hash(b.hash)],
        ['Proposed by', b.proposer ? b.proposer.name : 'unknown'],
        ['Certified by (says the node)', names(b.certified_by.map((c) => c.name))],
        ['Transactions', String(b.tx_count)],
      ]),
      b.transactions && b.transactions.length ? el('table', {}, el('caption', {}, 'Transactions'),
        el('tr', {}, el('th', { scope: 'col' }, 'Id'), el('th', { scope: 'col' }, 'What'), el('th', { scope: 'col' }, 'Outcome')),
        b.transactions.map((t) => el('tr', {}, el('td', {}, el('a', { href: '#tx=' + t.id }, t.id.slice(0, 16) + '…')),
          el('td', {}, `${t.contract || '?'}.${t.method || '?'}`), el('td', {}, t.code ? `error ${t.code}` : 'succeeded')))) : null,
      verifyButton('Check this block', async () => {
        if (!trusted) return verdict({ proven: false, reason: 'Load a genesis file first (step 1): without it there is nothing to check against.' });
        return verdict(await V.verifyBlock(b.certified_header, trusted.genesis), 'This block is exactly as certified');
      }));
  }

  // ---- recent blocks ----
  async function recentBlocks() {
    try {
      const list = await api('blocks?count=10');
      $('blocks').replaceChildren(el('table', {},
        el('caption', {}, `The ${list.blocks.length} latest of ${list.last_height} blocks`),
        el('tr', {}, el('th', { scope: 'col' }, 'Block'), el('th', { scope: 'col' }, 'Time'), el('th', { scope: 'col' }, 'Transactions'), el('th', { scope: 'col' }, 'Proposed by'), el('th', { scope: 'col' }, 'Certified by')),
        list.blocks.map((b) => el('tr', {}, el('td', {}, el('a', { href: '#block=' + b.height }, String(b.height))), el('td', {}, when(b.time_unix_ms)),
          el('td', {}, String(b.tx_count)), el('td', {}, b.proposer ? b.proposer.name : '?'), el('td', {}, names(b.certified_by.map((c) => c.name)))))));
    } catch (e) {
      $('blocks').replaceChildren(el('p', {}, e.message));
    }
  }

  // ---- dropped or chosen proof files ----
  async function proofFile(file) {
    if (file.size > MAX_FILE_BYTES) return show(el('p', { role: 'alert' }, 'That file is too large to be a proof file.'));
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (P.fromUtf8(bytes.subarray(0, 8)) === 'GOVPROOF') {
      return show(el('p', { role: 'alert' }, 'This proof file is in the binary format. Save it as JSON to check it here: govchain proof get … --out proof.json'));
    }
    let doc;
    try { doc = JSON.parse(P.fromUtf8(bytes)); } catch (e) { return show(verdict({ proven: false, reason: 'This file is not a proof file (it is not JSON).' })); }
    const r = await check(doc);
    const about = [];
    if (r.proven && r.kind === 'state') {
      about.push(el('p', {}, `Record “${r.key}”` + (r.exists ? ':' : ' does not exist.')));
      const decoded = r.exists ? R.decodeRecord(r.key, r.value) : null;
      if (decoded && decoded.type === 'CredentialRecord') {
        const s = R.credentialStatus(decoded.record, r.height);
        about.push(el('p', {}, 'Status: ', el('span', { class: 'status-word ' + (s.valid ? 'good' : 'bad') }, s.word), ` — ${s.text}.`));
      }
      if (decoded) about.push(recordTable(decoded.record));
    } else if (r.proven) {
      about.push(dl([['Transaction id', hash(r.txId)], ['What it did', `${r.contract}.${r.method}`], ['Outcome', r.code ? `refused (error ${r.code}: ${r.message})` : 'succeeded']]));
    }
    show(el('div', { class: 'record' }, el('h3', {}, `Proof file ${file.name}`), verdict(r), ...about));
  }

  function recordTable(record) {
    const text = (v) => (v instanceof Uint8Array ? P.hex(v) : typeof v === 'bigint' ? v.toString() : v === null ? '—' : typeof v === 'object' ? JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? P.hex(x) : x)) : String(v));
    return dl(Object.entries(record).map(([k, v]) => [k.replace(/_/g, ' '), text(v)]));
  }

  $('proof-file').addEventListener('change', (ev) => { if (ev.target.files[0]) proofFile(ev.target.files[0]); });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (ev) => { ev.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    const file = ev.dataTransfer && ev.dataTransfer.files[0];
    if (file) proofFile(file);
  });

  $('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    search($('search-kind').value, $('search-text').value);
  });

  function fromFragment() {
    const m = /^#(parcel|credential|tender|tx|block)=(.{1,128})$/.exec(location.hash);
    if (!m) return;
    const text = decodeURIComponent(m[2]);
    $('search-kind').value = m[1];
    $('search-text').value = text;
    search(m[1], text);
  }
  window.addEventListener('hashchange', fromFragment);

  (async function start() {
    if (window.GOVCHAIN_NODE_GENESIS) await trust(window.GOVCHAIN_NODE_GENESIS, 'served by this node');
    if (!online) {
      $('search-form').replaceChildren(el('p', {}, 'Searching needs this page opened from a node’s address. Offline, check a saved proof file below.'));
    } else {
      $('blocks-section').hidden = false;
      $('blocks-refresh').addEventListener('click', recentBlocks);
      try {
        const s = await api('status');
        $('node-line').textContent = `Answering: the node of ${s.department_name || s.department_id}, at block ${s.height}.`;
      } catch (e) {
        $('node-line').textContent = e.message;
      }
      await recentBlocks();
      fromFragment();
    }
    document.body.dataset.ready = '1';
  })();
})();
