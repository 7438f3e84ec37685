// load.js: a mixed load of concurrent ali-oss clients against one bucket of a running ossemu,
// and the check of what is left afterwards. Each client owns the keys under `c<N>/`, so what it
// was told (every answer it got) says exactly which objects must exist and what bytes they
// hold; the clients run concurrently, and inside one client a multipart upload re-uploads a part
// in parallel and races CompleteMultipartUpload against AbortMultipartUpload. Used by
// concurrency.test.js (a few seconds in ctest) and bench/emu-concurrency.sh (the long run).
'use strict';

const crypto = require('node:crypto');

const PART = 100 * 1024; // the smallest non-last part OSS takes

const md5 = buf => crypto.createHash('md5').update(buf).digest('hex');

// A deterministic pseudo-random source per client, so a failing run can be repeated.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

class Tally {
  constructor() {
    this.ops = {};
    this.serverErrors = [];
    this.problems = [];
  }

  count(op) {
    this.ops[op] = (this.ops[op] || 0) + 1;
  }

  // note records an unexpected answer: a 5xx (or no HTTP answer) is a server error, anything
  // else a problem of its own.
  note(op, key, e) {
    const what = `${op} ${key}: ${e.status} ${e.code || ''} ${e.message}`;
    if (!(e.status >= 400 && e.status < 500)) this.serverErrors.push(what);
    else this.problems.push(what);
  }
}

// One client's work: `model` maps each of its keys to the MD5 of the bytes it was last told
// are there (absent: the object must not exist).
class Worker {
  constructor(id, oss, tally, seed) {
    this.id = id;
    this.oss = oss;
    this.tally = tally;
    this.rand = rng(seed);
    this.model = new Map();
    this.serial = 0;
  }

  pick() {
    const keys = [...this.model.keys()];
    return keys.length ? keys[Math.floor(this.rand() * keys.length)] : null;
  }

  newKey() {
    return `c${this.id}/k${this.serial++ % 24}`;
  }

  bytes(n) {
    return crypto.randomBytes(n);
  }

  async step() {
    const r = this.rand();
    if (r < 0.25) return this.put();
    if (r < 0.45) return this.get();
    if (r < 0.55) return this.list();
    if (r < 0.65) return this.del();
    if (r < 0.75) return this.copy();
    if (r < 0.85) return this.acl();
    return this.multipart();
  }

  async attempt(op, key, fn) {
    this.tally.count(op);
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      return { ok: false, error: e };
    }
  }

  async put() {
    const key = this.newKey();
    const body = this.bytes(Math.floor(this.rand() * 64 * 1024));
    const a = await this.attempt('PutObject', key, () => this.oss.put(key, body));
    if (a.ok) this.model.set(key, md5(body));
    else this.tally.note('PutObject', key, a.error);
  }

  async get() {
    const key = this.pick() || this.newKey();
    const want = this.model.get(key);
    const a = await this.attempt('GetObject', key, () => this.oss.get(key));
    if (a.ok && want === undefined) this.tally.problems.push(`GetObject ${key}: found, was told it is gone`);
    else if (a.ok && md5(a.value.content) !== want) this.tally.problems.push(`GetObject ${key}: bytes differ from the last write`);
    else if (!a.ok && !(want === undefined && a.error.status === 404)) this.tally.note('GetObject', key, a.error);
  }

  async list() {
    const prefix = `c${this.id}/`;
    const a = await this.attempt('ListObjects', prefix, () => this.oss.list({ prefix, 'max-keys': 1000 }));
    if (!a.ok) return this.tally.note('ListObjects', prefix, a.error);
    const got = (a.value.objects || []).map(o => o.name).sort();
    const want = [...this.model.keys()].sort();
    if (got.join() !== want.join()) this.tally.problems.push(`ListObjects ${prefix}: [${got}] but told [${want}]`);
  }

  async del() {
    const key = this.pick();
    if (!key) return this.put();
    const a = await this.attempt('DeleteObject', key, () => this.oss.delete(key));
    if (a.ok) this.model.delete(key);
    else this.tally.note('DeleteObject', key, a.error);
  }

  async copy() {
    const src = this.pick();
    if (!src) return this.put();
    const dst = this.newKey();
    const a = await this.attempt('CopyObject', dst, () => this.oss.copy(dst, src));
    if (a.ok) this.model.set(dst, this.model.get(src));
    else this.tally.note('CopyObject', dst, a.error);
  }

  async acl() {
    const key = this.pick();
    if (!key) return this.put();
    const acl = this.rand() < 0.5 ? 'public-read' : 'private';
    const a = await this.attempt('PutObjectACL', key, () => this.oss.putACL(key, acl));
    if (!a.ok) return this.tally.note('PutObjectACL', key, a.error);
    const g = await this.attempt('GetObjectACL', key, () => this.oss.getACL(key));
    if (!g.ok) this.tally.note('GetObjectACL', key, g.error);
    else if (g.value.acl !== acl) this.tally.problems.push(`GetObjectACL ${key}: ${g.value.acl}, set ${acl}`);
  }

  // Initiate, part 1 uploaded twice at once with different bytes, part 2, then either
  // Complete alone or Complete racing Abort. The ETag ListParts reports says which part 1
  // won; the outcome of Complete says whether the object now holds the parts.
  async multipart() {
    const key = this.newKey();
    const init = await this.attempt('InitiateMultipartUpload', key, () => this.oss.initMultipartUpload(key));
    if (!init.ok) return this.tally.note('InitiateMultipartUpload', key, init.error);
    const id = init.value.uploadId;
    const a1 = this.bytes(PART);
    const b1 = this.bytes(PART);
    const p2 = this.bytes(Math.floor(this.rand() * 4096) + 1);
    const ups = await Promise.all([
      this.attempt('UploadPart', key, () => this.oss.uploadPart(key, id, 1, a1, 0, a1.length)),
      this.attempt('UploadPart', key, () => this.oss.uploadPart(key, id, 1, b1, 0, b1.length)),
      this.attempt('UploadPart', key, () => this.oss.uploadPart(key, id, 2, p2, 0, p2.length)),
    ]);
    for (const u of ups) if (!u.ok) return this.tally.note('UploadPart', key, u.error);
    const lp = await this.attempt('ListParts', key, () => this.oss.listParts(key, id));
    if (!lp.ok) return this.tally.note('ListParts', key, lp.error);
    const parts = lp.value.parts.map(p => ({ number: Number(p.PartNumber), etag: p.ETag }));
    const first = parts.find(p => p.number === 1);
    const winner = first && first.etag.replace(/"/g, '').toLowerCase() === md5(a1) ? a1 : b1;
    const whole = md5(Buffer.concat([winner, p2]));
    const race = this.rand() < 0.4;
    const [c, ab] = await Promise.all([
      this.attempt('CompleteMultipartUpload', key, () => this.oss.completeMultipartUpload(key, id, parts)),
      race ? this.attempt('AbortMultipartUpload', key, () => this.oss.abortMultipartUpload(key, id)) : null,
    ]);
    if (c.ok) this.model.set(key, whole);
    else if (!(race && c.error.status === 404)) this.tally.note('CompleteMultipartUpload', key, c.error);
    if (ab && !ab.ok && !(c.ok && ab.error.status === 404)) this.tally.note('AbortMultipartUpload', key, ab.error);
    if (ab && c.ok === ab.ok) this.tally.problems.push(`upload ${id}: Complete and Abort both ${c.ok ? 'succeeded' : 'failed'}`);
  }
}

// checkFinal lists the whole bucket and reads every object: the keys must be those the workers
// were told exist, with the bytes they were told.
async function checkFinal(oss, workers, tally) {
  const listed = new Set();
  let marker = null;
  do {
    const page = await oss.list({ 'max-keys': 1000, marker });
    for (const o of page.objects || []) listed.add(o.name);
    marker = page.isTruncated ? page.nextMarker : null;
  } while (marker);
  const told = new Map();
  for (const w of workers) for (const [k, v] of w.model) told.set(k, v);
  for (const k of listed) if (!told.has(k)) tally.problems.push(`final listing has ${k}, which no client was told exists`);
  for (const [k, v] of told) {
    if (!listed.has(k)) {
      tally.problems.push(`final listing lacks ${k}`);
      continue;
    }
    const g = await oss.get(k);
    if (md5(g.content) !== v) tally.problems.push(`final ${k}: bytes differ from the last write`);
  }
  return { objects: told.size };
}

// runLoad drives `clients` workers (each an ali-oss client from makeClient(i)) for `seconds`
// and then checks the bucket with checker (an ali-oss client). Returns the tally and totals.
async function runLoad({ makeClient, checker, clients = 16, seconds = 4, seed = 1 }) {
  const tally = new Tally();
  const workers = Array.from({ length: clients }, (_, i) => new Worker(i, makeClient(i), tally, seed * 7919 + i));
  const end = Date.now() + seconds * 1000;
  const t0 = Date.now();
  await Promise.all(
    workers.map(async w => {
      while (Date.now() < end) await w.step();
    })
  );
  const elapsed = (Date.now() - t0) / 1000;
  const final = await checkFinal(checker, workers, tally);
  const total = Object.values(tally.ops).reduce((a, b) => a + b, 0);
  return { tally, elapsed, total, objects: final.objects };
}

// main is bench/emu-concurrency.sh: runs the load against a fresh ossemu (OSSEMU, or
// --ossemu PATH) for --seconds (60) with --clients (16) and --seed (1), and prints a Markdown
// block for bench/RESULTS.md. Exit status 1 when anything disagreed or answered 5xx.
async function main(argv) {
  const os = require('node:os');
  const opt = { seconds: 60, clients: 16, seed: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'ossemu') process.env.OSSEMU = argv[i + 1];
    else if (name in opt && /^\d+$/.test(argv[i + 1] || '')) opt[name] = Number(argv[i + 1]);
    else {
      console.error('Usage: bench/emu-concurrency.sh [--ossemu PATH] [--seconds N] [--clients N] [--seed N]');
      return 2;
    }
  }
  const { ALICE, Emu } = require('./helpers');
  const emu = new Emu();
  const avg = () => os.loadavg().map(x => x.toFixed(2)).join(' ');
  try {
    await emu.start();
    await emu.client(ALICE, false).putBucket('load');
    const load0 = avg();
    const r = await runLoad({
      makeClient: i => emu.client(ALICE, i % 2 === 1, 'load'),
      checker: emu.client(ALICE, true, 'load'),
      ...opt,
    });
    const logged5xx = emu.readLog().filter(e => e.status >= 500).length;
    const t = r.tally;
    const out = [
      `## Concurrency run: ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`,
      '',
      `Command: bench/emu-concurrency.sh --seconds ${opt.seconds} --clients ${opt.clients} --seed ${opt.seed}`,
      `ossemu: ${process.env.OSSEMU}; cpus ${os.cpus().length}; load average at start ${load0}, at end ${avg()}`,
      '',
      '| operation | requests |',
      '|---|---|',
      ...Object.entries(t.ops).sort().map(([op, n]) => `| ${op} | ${n} |`),
      '',
      '| result | value |',
      '|---|---|',
      `| requests | ${r.total} in ${r.elapsed.toFixed(1)} s (${(r.total / r.elapsed).toFixed(0)} req/s) |`,
      `| objects at the end (all read back and compared) | ${r.objects} |`,
      `| 5xx or dropped answers seen by clients | ${t.serverErrors.length} |`,
      `| 5xx lines in the request log | ${logged5xx} |`,
      `| answers or final state disagreeing with what clients were told | ${t.problems.length} |`,
      ...[...t.serverErrors, ...t.problems].slice(0, 20).map(p => `- ${p}`),
    ];
    console.log(out.join('\n'));
    return t.serverErrors.length || t.problems.length || logged5xx ? 1 : 0;
  } finally {
    await emu.stop();
  }
}

module.exports = { runLoad };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
      console.error(e);
      process.exit(1);
    }
  );
}
