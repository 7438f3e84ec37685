// helpers.js: support code for the ali-oss conformance suite: starting and stopping ossemu,
// plain HTTP requests without ali-oss, CRC-64/ECMA, and the ledger of expected request-log lines.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const OSSEMU = process.env.OSSEMU || path.join(REPO, 'build', 'bin', 'ossemu');

// The region ossemu runs in (--region) and the clients name.
const REGION = 'cn-hangzhou';

// CONFORMANCE_TLS_DIR (run-tls.sh sets it, with NODE_EXTRA_CA_CERTS naming the test CA) holds
// server.pem and server.key of tests/tools/make-test-ca.sh: every client then speaks HTTPS to
// ossemu's --tls-listen port, and the certificate is verified.
const TLS_DIR = process.env.CONFORMANCE_TLS_DIR || '';
const SCHEME = TLS_DIR ? 'https' : 'http';

const ALICE = { akid: 'LTAIalice0001', secret: 'alice-secret', id: '1000000000000001' };
const BOB = { akid: 'LTAIbob000001', secret: 'bob-secret', id: '1000000000000002' };
const AUDITOR = { akid: 'LTAIauditor01', secret: 'auditor-secret', id: '2000000000000001' };

// accountsDoc is the --accounts file: alice with a read-only RAM user (no oss:PutBucketAcl), bob.
function accountsDoc() {
  return {
    accounts: [
      {
        id: ALICE.id,
        name: 'alice',
        keys: [{ id: ALICE.akid, secret: ALICE.secret }],
        users: [
          {
            id: AUDITOR.id,
            name: 'auditor',
            keys: [{ id: AUDITOR.akid, secret: AUDITOR.secret }],
            policy: {
              Version: '1',
              Statement: [{ Effect: 'Allow', Action: ['oss:Get*', 'oss:List*'], Resource: ['acs:oss:*:*:*'] }],
            },
          },
        ],
      },
      { id: BOB.id, name: 'bob', keys: [{ id: BOB.akid, secret: BOB.secret }], users: [] },
    ],
  };
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

// Emu owns one ossemu child process in a private temp directory. start() resolves once the
// ready file names the port; stop() kills the child by PID and is safe to call twice. A
// process 'exit' hook also kills it, so a crashed test run leaves nothing behind.
class Emu {
  constructor() {
    this.proc = null;
    this.port = 0;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossemu-conf-'));
    this.logFile = path.join(this.dir, 'requests.jsonl');
    this.stderrFile = path.join(this.dir, 'ossemu.stderr');
    this._onExit = () => this.kill();
    process.on('exit', this._onExit);
    // A signal ends node without 'exit' hooks: kill the child first, then die of the signal.
    this._onSignal = sig => {
      this.kill();
      process.removeListener(sig, this._onSignal);
      process.kill(process.pid, sig);
    };
    process.on('SIGINT', this._onSignal);
    process.on('SIGTERM', this._onSignal);
  }

  // started makes an ossemu of this class for the calling test file: started before its tests
  // and stopped after them (node:test hooks).
  static started() {
    const { before, after } = require('node:test');
    const emu = new this();
    before(() => emu.start());
    after(() => emu.stop());
    return emu;
  }

  // accountsDoc is the --accounts document start() writes; a suite that needs more accounts or
  // keys subclasses Emu and overrides it.
  accountsDoc() {
    return accountsDoc();
  }

  async start() {
    if (!fs.existsSync(OSSEMU)) {
      throw new Error(`ossemu binary not found at ${OSSEMU} (build it, or set OSSEMU)`);
    }
    fs.mkdirSync(path.join(this.dir, 'data'));
    const accounts = path.join(this.dir, 'accounts.json');
    fs.writeFileSync(accounts, JSON.stringify(this.accountsDoc(), null, 2), { mode: 0o600 });
    await this.launch('w');
  }

  // restart stops ossemu and starts a new one on the same data directory, accounts and
  // request log (its stderr is appended to the first one's).
  async restart() {
    await this.halt();
    await this.launch('a');
  }

  // halt kills ossemu and waits for it to exit, keeping its directory.
  async halt() {
    const p = this.proc;
    if (!p) return;
    const gone = new Promise(r => p.once('exit', r));
    this.kill();
    await gone;
  }

  // launch spawns ossemu on the directory start() prepared and resolves once the ready file
  // names its port; stderrMode is the fs.openSync flag of the stderr file ('w' or 'a').
  async launch(stderrMode) {
    const ready = path.join(this.dir, 'ready');
    const tlsReady = path.join(this.dir, 'tls-ready');
    fs.rmSync(ready, { force: true });
    fs.rmSync(tlsReady, { force: true });
    const errFd = fs.openSync(this.stderrFile, stderrMode);
    const args = ['--data', path.join(this.dir, 'data'), '--listen', '127.0.0.1:0', '--accounts',
      path.join(this.dir, 'accounts.json'), '--request-log', this.logFile, '--ready-file', ready,
      '--region', REGION];
    if (TLS_DIR) {
      args.push('--tls-cert', path.join(TLS_DIR, 'server.pem'), '--tls-key', path.join(TLS_DIR, 'server.key'),
        '--tls-listen', '127.0.0.1:0', '--tls-ready-file', tlsReady);
    }
    const child = spawn(OSSEMU, args, { stdio: ['ignore', errFd, errFd] });
    this.proc = child;
    fs.closeSync(errFd);
    let exited = null;
    child.on('exit', (code, sig) => {
      exited = `exit code ${code} signal ${sig}`;
      if (this.proc === child) this.proc = null;
    });
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`ossemu exited before ready (${exited}): ${this.stderrTail()}`);
      let txt = '';
      try {
        txt = fs.readFileSync(TLS_DIR ? tlsReady : ready, 'utf8');
      } catch (e) {
        /* not yet */
      }
      const m = /^127\.0\.0\.1:(\d+)\n/.exec(txt);
      if (m) {
        this.port = Number(m[1]);
        return;
      }
      await sleep(50);
    }
    this.kill();
    throw new Error(`ossemu not ready within 15 s: ${this.stderrTail()}`);
  }

  // url is the endpoint ossemu serves the suite on: http://127.0.0.1:PORT, or https:// under
  // CONFORMANCE_TLS_DIR.
  get url() {
    return `${SCHEME}://127.0.0.1:${this.port}`;
  }

  // client is an ali-oss client of who on this ossemu (V4 signatures when v4), optionally bound
  // to bucket; extra overrides any option.
  client(who, v4, bucket, extra = {}) {
    const OSS = require('ali-oss');
    const conf = {
      endpoint: this.url,
      secure: SCHEME === 'https',
      accessKeyId: who.akid,
      accessKeySecret: who.secret,
      region: `oss-${REGION}`,
      authorizationV4: v4,
      timeout: 15000,
      ...extra,
    };
    if (bucket) conf.bucket = bucket;
    return new OSS(conf);
  }

  stderrTail() {
    try {
      return fs.readFileSync(this.stderrFile, 'utf8').slice(-2000);
    } catch (e) {
      return '(no stderr)';
    }
  }

  kill() {
    if (this.proc && this.proc.pid) {
      try {
        process.kill(this.proc.pid, 'SIGTERM');
      } catch (e) {
        /* already gone */
      }
    }
  }

  // stop kills ossemu, waits for it to exit (SIGKILL after 5 s) and removes the temp dir
  // unless KEEP_CONFORMANCE_TMP is set.
  async stop() {
    const p = this.proc;
    if (p) {
      const gone = new Promise(r => p.once('exit', r));
      this.kill();
      const t = setTimeout(() => {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch (e) {
          /* gone */
        }
      }, 5000);
      await gone;
      clearTimeout(t);
    }
    process.removeListener('exit', this._onExit);
    process.removeListener('SIGINT', this._onSignal);
    process.removeListener('SIGTERM', this._onSignal);
    if (!process.env.KEEP_CONFORMANCE_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // readLog returns the parsed request-log lines (throws on a line that is not JSON).
  readLog() {
    let txt = '';
    try {
      txt = fs.readFileSync(this.logFile, 'utf8');
    } catch (e) {
      return [];
    }
    return txt
      .split('\n')
      .filter(l => l.length > 0)
      .map((l, i) => {
        try {
          return JSON.parse(l);
        } catch (e) {
          throw new Error(`request log line ${i + 1} is not JSON: ${l.slice(0, 200)}`);
        }
      });
  }

  // readLogAtLeast returns the request-log lines once there are n of them, or whatever is there
  // after 2 s (ossemu writes a line after its answer, so the last ones may lag the client).
  async readLogAtLeast(n) {
    let entries = this.readLog();
    for (let i = 0; i < 40 && entries.length < n; i++) {
      await sleep(50);
      entries = this.readLog();
    }
    return entries;
  }
}

// rawRequest sends one request without ali-oss (no signature unless the caller adds one). Over
// HTTPS the certificate is checked for 127.0.0.1, whatever Host header the request carries.
function rawRequest(port, { method = 'GET', path: p, headers = {}, body = null }) {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, method, path: p, headers, agent: false };
    if (TLS_DIR) {
      opts.servername = '';
      opts.checkServerIdentity = (host, cert) => require('node:tls').checkServerIdentity('127.0.0.1', cert);
    }
    const req = (TLS_DIR ? https : http).request(opts, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    if (body) req.write(body);
    req.end();
  });
}

// xmlField extracts the text of the first <name> element (enough for OSS error bodies).
function xmlField(body, name) {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(body));
  return m ? m[1] : null;
}

// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): OSS's crc64ecma.
const CRC_POLY = 0xc96c5795d7870f42n;
const MASK64 = 0xffffffffffffffffn;
const CRC_TABLE = (() => {
  const t = new Array(256);
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ CRC_POLY : c >> 1n;
    t[i] = c;
  }
  return t;
})();

function crc64(buf) {
  let crc = MASK64;
  for (const b of buf) crc = CRC_TABLE[Number((crc ^ BigInt(b)) & 0xffn)] ^ (crc >> 8n);
  return ((crc ^ MASK64) & MASK64).toString(10);
}

// send makes one signed request through ali-oss's request() (V1 or V4 as the client is) and
// resolves with its result when the status is one of `statuses`; body is sent as XML.
function send(c, { method, bucket, key = '', subres, body, statuses = [200], xml = false, headers }) {
  const params = key
    ? c._objectRequestParams(method, key, { subres, headers })
    : { method, bucket, subres, headers };
  params.bucket = bucket;
  if (body !== undefined) {
    params.content = Buffer.from(body);
    params.mime = 'xml';
  }
  params.successStatuses = statuses;
  params.xmlResponse = xml;
  return c.request(params);
}


// Ledger is the record of expected request-log lines for a suite: ok() and refused() run one
// ali-oss call, assert its outcome and note what ossemu's request log must say about it;
// check() compares the log with the notes. meta is { op, method, bucket, key, akid }.
class Ledger {
  constructor() {
    this.entries = [];
  }

  note(meta, status, code, rid) {
    this.entries.push({ ...meta, status, code, rid });
  }

  async ok(meta, fn) {
    let r;
    try {
      r = await fn();
    } catch (e) {
      if (typeof e.status === 'number' && e.status > 0) this.note(meta, e.status, e.code || '', e.requestId);
      e.message = `${meta.op} ${meta.bucket}/${meta.key}: expected success, got ${e.status} ${e.code}: ${e.message}`;
      throw e;
    }
    const res = r.res || r;
    this.note(meta, res.status, '', res.headers && res.headers['x-oss-request-id']);
    return r;
  }

  async refused(meta, status, code, fn) {
    const assert = require('node:assert/strict');
    let err = null;
    let r;
    try {
      r = await fn();
    } catch (e) {
      err = e;
    }
    if (!err) {
      const res = r.res || r;
      this.note(meta, res.status, '', res.headers && res.headers['x-oss-request-id']);
      assert.fail(`${meta.op} ${meta.bucket}/${meta.key}: expected ${status} ${code}, got ${res.status} success`);
    }
    if (typeof err.status === 'number' && err.status > 0) this.note(meta, err.status, err.code || '', err.requestId);
    assert.equal(err.status, status, `${meta.op}: HTTP status (${err.message})`);
    assert.equal(err.code, code, `${meta.op}: OSS error code (${err.message})`);
    return err;
  }

  // check lists every noted request whose log line is missing or says something else.
  async check(emu) {
    const entries = await emu.readLogAtLeast(this.entries.length);
    const byRid = new Map(entries.map(e => [e.request_id, e]));
    const problems = [];
    for (const x of this.entries) {
      const what = `${x.op} ${x.method} ${x.bucket}/${x.key} -> ${x.status} ${x.code}`;
      const e = x.rid && byRid.get(x.rid);
      if (!e) {
        problems.push(`${what}: no log line for request id ${x.rid}`);
        continue;
      }
      for (const k of ['op', 'method', 'bucket', 'key', 'status', 'code', 'akid']) {
        if (e[k] !== x[k]) problems.push(`${what}: log ${k}=${JSON.stringify(e[k])}, want ${JSON.stringify(x[k])}`);
      }
    }
    return problems;
  }
}

module.exports = {
  OSSEMU, REGION, ALICE, BOB, AUDITOR, accountsDoc, Emu, Ledger, rawRequest, xmlField, crc64, sleep, send,
};
