'use strict';
// Drives a node's public page in the system's Chromium (headless, through playwright-core, no
// browser download) the way a citizen would, by keyboard: loads a genesis file, searches records,
// presses "Check", reads the verdicts; then a lying node (a proof altered on its way to the
// page) and, from file:// with the network off, a dropped proof file. Prints one JSON object;
// the C# test decides what passes. Screenshots go to SHOTS_DIR.
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const PAGE_URL = env('PAGE_URL');
const OFFLINE_PAGE = env('OFFLINE_PAGE');
const GENESIS_FILE = env('GENESIS_FILE');
const PROOF_FILE = env('PROOF_FILE');
const SHOTS = env('SHOTS_DIR');
const STEP_MS = 30000;

const out = { steps: {}, screenshots: [] };

async function shot(page, name) {
  const file = path.join(SHOTS, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  out.screenshots.push(file);
}

async function loadGenesis(page) {
  await page.setInputFiles('#genesis-file', GENESIS_FILE);
  await page.waitForFunction(() => document.getElementById('genesis-status').textContent.includes('from your file'), null, { timeout: STEP_MS });
}

// Types the id into the search by keyboard, presses Enter, then presses the record's check button.
async function searchAndCheck(page, kind, id) {
  await page.selectOption('#search-kind', kind);
  await page.fill('#search-text', '');
  await page.focus('#search-text');
  await page.keyboard.type(id);
  await page.keyboard.press('Enter');
  const button = page.locator('#results button.verify').first();
  await button.waitFor({ timeout: STEP_MS });
  const record = await page.locator('#results .record').first().innerText();
  await button.focus();
  await page.keyboard.press('Enter');
  const verdict = page.locator('#results .verdict').first();
  await verdict.waitFor({ timeout: STEP_MS });
  return { record, verdict: (await page.locator('#results .verify-box').first().innerText()).trim() };
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const watchdog = setTimeout(() => { console.error('page test timed out'); process.exit(3); }, Number(process.env.SCRIPT_TIMEOUT_MS || 150000));
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    const started = Date.now();
    await page.goto(PAGE_URL, { waitUntil: 'load', timeout: STEP_MS });
    const loadedMs = Date.now() - started;
    await page.waitForSelector('body[data-ready="1"]', { timeout: STEP_MS });
    out.loadMs = loadedMs;
    out.readyMs = Date.now() - started;
    out.navigation = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return n ? { domContentLoadedMs: Math.round(n.domContentLoadedEventEnd), loadMs: Math.round(n.loadEventEnd) } : null;
    });
    out.steps.home = { nodeLine: await page.innerText('#node-line'), blocks: await page.innerText('#blocks') };
    await loadGenesis(page);
    await shot(page, '01-home');

    out.steps.parcel = await searchAndCheck(page, 'parcel', env('PARCEL_ID'));
    await shot(page, '02-parcel-proven');

    // A lying node: the parcel's owner is changed in the proof on its way to the page.
    const parcelProof = (url) => url.pathname.endsWith('/api/state') && (url.searchParams.get('key') || '').startsWith('land/parcel/');
    await page.route(parcelProof, async (route) => {
      const response = await route.fetch();
      const doc = await response.json();
      const value = Buffer.from(doc.proof.proof.value, 'base64');
      const idLength = value[1];
      value[2 + idLength + 2] ^= 0x01; // first byte of the owner key (field 2, after the id)
      doc.proof.proof.value = value.toString('base64');
      await route.fulfill({ response, body: JSON.stringify(doc) });
    });
    out.steps.tampered = await searchAndCheck(page, 'parcel', env('PARCEL_ID'));
    await shot(page, '03-parcel-tampered');
    await page.unrouteAll();

    out.steps.diploma = await searchAndCheck(page, 'credential', env('DIPLOMA_ID'));
    await shot(page, '04-diploma');
    out.steps.revoked = await searchAndCheck(page, 'credential', env('REVOKED_ID'));
    await shot(page, '05-diploma-revoked');
    out.steps.tender = await searchAndCheck(page, 'tender', env('TENDER_ID'));
    out.steps.tender.timeline = await page.locator('#results ol.timeline li').allInnerTexts();
    await shot(page, '06-tender');
    out.steps.block = await searchAndCheck(page, 'block', env('BLOCK_HEIGHT'));
    await shot(page, '07-block');
    // Hostile or mistaken queries get a plain refusal, not an exception.
    out.steps.refusals = await page.evaluate(async () => {
      const ask = async (q) => { const r = await fetch(q.endsWith('.js') ? q : 'api/' + q); return { query: q, status: r.status, body: await r.json() }; };
      return Promise.all(['state', 'state?key=' + 'k'.repeat(1100), 'state?key=a&key=b', 'state?key=land%2Fparcel%2FP&height=x', 'tx?id=zz',
        'blocks?count=1000', 'block?height=99999999', 'nothing.js'].map(ask));
    });
    out.errors = errors;
    await context.close();

    // Offline: the page from file:// with the network off, a genesis file and a dropped proof file.
    const offline = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
    const local = await offline.newPage();
    const localErrors = [];
    local.on('pageerror', (e) => localErrors.push(String(e)));
    await local.goto('file://' + OFFLINE_PAGE, { waitUntil: 'load', timeout: STEP_MS });
    await local.waitForSelector('body[data-ready="1"]', { timeout: STEP_MS });
    await loadGenesis(local);
    const text = fs.readFileSync(PROOF_FILE, 'utf8');
    const transfer = await local.evaluateHandle((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'diploma-proof.json', { type: 'application/json' }));
      return dt;
    }, text);
    await local.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
    await local.locator('#results .verdict').first().waitFor({ timeout: STEP_MS });
    out.steps.offlineDrop = { verdict: (await local.innerText('#results')).trim() };
    await shot(local, '08-offline-dropped-proof');

    // The same file, altered by hand, chosen with the file input.
    const doc = JSON.parse(text);
    doc.proof.header.time_unix_ms = String(BigInt(doc.proof.header.time_unix_ms) + 1n);
    const altered = path.join(SHOTS, 'altered-proof.json');
    fs.writeFileSync(altered, JSON.stringify(doc, null, 2));
    await local.setInputFiles('#proof-file', altered);
    await local.waitForFunction(() => document.querySelector('#results .verdict.not-proven'), null, { timeout: STEP_MS });
    out.steps.offlineAltered = { verdict: (await local.innerText('#results')).trim() };
    await shot(local, '09-offline-altered-proof');
    out.offlineErrors = localErrors;
    await offline.close();
  } finally {
    clearTimeout(watchdog);
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
