#!/usr/bin/env node
// osscli.js: a tiny OSS command-line client for shell tests, built on the official ali-oss SDK
// (installed in tests/conformance/node_modules), so tests can check ossemu and osspermfs against
// a client that shares no code with this project.
//
// Usage:
//   node tests/tools/osscli.js --endpoint http://127.0.0.1:PORT --akid ID --secret S
//        [--v4] [--region cn-hangzhou] [--timeout MS] [--delimiter D] <cmd> args...
// Credentials may also come from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET.
// Commands (result on stdout, exit 0):
//   list-buckets                 bucket names, one per line (all pages)
//   put-bucket B [ACL]           prints B
//   get-bucket-acl B             prints private|public-read|public-read-write
//   put-bucket-acl B ACL         prints ACL
//   get-object-acl B K [VID]     prints default|private|public-read|public-read-write
//   put-object-acl B K ACL       prints ACL
//   get-access-monitor B         prints Enabled|Disabled
//   put-access-monitor B S       S is Enabled|Disabled; prints S
//   put-object B K FILE|-        body from FILE or stdin; prints the ETag (quoted, as sent)
//   get-object B K               raw object bytes
//   get-object-tagging B K       the tags, "key=value" one a line, sorted
//   put-object takes --meta NAME=VALUE (repeatable: x-oss-meta-NAME) and --tagging K=V&K2=V2
//   head-object B K              JSON object of the response headers (lower-case names)
//   list B [PREFIX]              keys one per line, all pages (ListObjectsV2); with --delimiter D
//                                the common prefixes are printed too, each on its own line
//   delete-object B K            prints nothing
//   get-sub B NAME               GET /?NAME (a bucket sub-resource: cors, policy, lifecycle,
//                                bucketInfo, ...); prints the body as received
//   put-sub B NAME FILE|-        PUT /?NAME with the body from FILE or stdin (Content-Type
//                                application/json for policy, else application/xml); prints
//                                nothing
//   del-sub B NAME               DELETE /?NAME; prints nothing
// An OSS error answer prints `ERROR <Code> <HTTP status> <RequestId>` on stderr and exits 2.
// Usage errors exit 64; transport errors (connection refused, timeout) print
// `ERROR <name> <status> -` and exit 1. Secrets are never printed.
//
// Addressing: ali-oss defaults (no sldEnable, no cname). With an IP endpoint ali-oss connects to
// the IP, sends the path /<key> and `Host: <bucket>.oss-<region>.aliyuncs.com`; ossemu takes the
// bucket from that Host. ListBuckets therefore goes out with `Host: .oss-<region>.aliyuncs.com`
// (empty first label), which ossemu must read as "no bucket".
'use strict';

const fs = require('fs');
const path = require('path');

const CONF_DIR = path.join(__dirname, '..', 'conformance');

function loadOSS() {
  let p;
  try {
    p = require.resolve('ali-oss', { paths: [CONF_DIR] });
  } catch (e) {
    process.stderr.write(
      `osscli: ali-oss not installed; run \`npm ci --no-audit --no-fund\` in ${CONF_DIR}\n`
    );
    process.exit(1);
  }
  return require(p);
}

const USAGE =
  'usage: osscli.js --endpoint URL [--akid ID --secret S] [--v4] [--region R] ' +
  '[--timeout MS] [--delimiter D] [--meta NAME=VALUE]... [--tagging K=V&K2=V2] <cmd> args...\n' +
  'cmds: list-buckets | put-bucket B [ACL] | get-bucket-acl B | put-bucket-acl B ACL |\n' +
  '      get-object-acl B K [VID] | put-object-acl B K ACL | get-access-monitor B |\n' +
  '      put-access-monitor B Enabled|Disabled | put-object B K FILE|- | get-object B K |\n' +
  '      head-object B K | get-object-tagging B K | list B [PREFIX] | delete-object B K | get-sub B NAME |\n' +
  '      put-sub B NAME FILE|- | del-sub B NAME\n';

function usage(msg) {
  if (msg) process.stderr.write(`osscli: ${msg}\n`);
  process.stderr.write(USAGE);
  process.exit(64);
}

// parseArgs splits argv into options and positional words; unknown options are usage errors.
function parseArgs(argv) {
  const opts = {
    endpoint: null,
    akid: process.env.OSS_ACCESS_KEY_ID || null,
    secret: process.env.OSS_ACCESS_KEY_SECRET || null,
    v4: false,
    region: 'cn-hangzhou',
    timeout: 30000,
    delimiter: null,
  };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--endpoint') opts.endpoint = val();
    else if (a === '--akid') opts.akid = val();
    else if (a === '--secret') opts.secret = val();
    else if (a === '--v4') opts.v4 = true;
    else if (a === '--region') opts.region = val();
    else if (a === '--timeout') opts.timeout = Number(val());
    else if (a === '--delimiter') opts.delimiter = val();
    else if (a === '--meta') {
      const kv = val();
      const eq = kv.indexOf('=');
      if (eq <= 0) usage('--meta needs NAME=VALUE');
      (opts.meta = opts.meta || {})[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a === '--tagging') opts.tagging = val();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else pos.push(a);
  }
  if (!opts.endpoint) usage('--endpoint is required');
  if (!opts.akid || !opts.secret) usage('credentials missing (--akid/--secret or OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET)');
  if (pos.length === 0) usage('no command');
  return { opts, pos };
}

// makeClient builds an ali-oss client for one bucket (or none, for list-buckets).
function makeClient(OSS, opts, bucket) {
  const region = opts.region.startsWith('oss-') ? opts.region : `oss-${opts.region}`;
  const conf = {
    endpoint: opts.endpoint,
    accessKeyId: opts.akid,
    accessKeySecret: opts.secret,
    region,
    authorizationV4: opts.v4,
    timeout: opts.timeout,
  };
  if (bucket) conf.bucket = bucket;
  return new OSS(conf);
}

// readInput reads a file, or stdin for '-'; an unreadable one ends osscli with status 1.
function readInput(src) {
  try {
    return fs.readFileSync(src === '-' ? 0 : src);
  } catch (e) {
    process.stderr.write(`osscli: cannot read ${src}: ${e.message}\n`);
    process.exit(1);
  }
}

// accessMonitor sends Get/PutBucketAccessMonitor through ali-oss's generic request(), since
// ali-oss 6.23 has no method for it. `accessmonitor` goes in `query` with a null value, not in
// `subres`: V1 must not sign it (it is no V1 sub-resource), V4 signs every query parameter and
// a null value makes ali-oss canonicalise it as a bare key.
async function accessMonitor(client, bucket, status) {
  const params = {
    method: status ? 'PUT' : 'GET',
    bucket,
    query: { accessmonitor: null },
    successStatuses: [200],
    xmlResponse: true,
  };
  if (status) {
    params.content = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<AccessMonitorConfiguration><Status>${status}</Status></AccessMonitorConfiguration>`
    );
    params.mime = 'application/xml';
  }
  const r = await client.request(params);
  if (status) return status;
  return r.data && r.data.Status;
}

// subResource sends GET/PUT/DELETE /?<name> on a bucket through ali-oss's generic request(),
// for the settings ali-oss has no (or a reshaping) method for. The name goes in `subres`, so
// V1 signs it as a sub-resource and V4 as a bare query key; the body is sent and returned
// verbatim.
async function subResource(client, bucket, method, name, body) {
  const statuses = { GET: [200], PUT: [200], DELETE: [200, 204] };
  const params = {
    method,
    bucket,
    subres: { [name]: '' },
    successStatuses: statuses[method],
    xmlResponse: false,
  };
  if (body !== undefined) {
    params.content = body;
    params.mime = name === 'policy' ? 'application/json' : 'application/xml';
  }
  const r = await client.request(params);
  const data = r.data === undefined || r.data === null ? Buffer.alloc(0) : r.data;
  return Buffer.isBuffer(data) ? data : Buffer.from(String(data));
}

// validSubName keeps sub-resource names to the plain words OSS uses.
function validSubName(name) {
  return /^[A-Za-z][A-Za-z-]{0,63}$/.test(name);
}

async function listAll(client, prefix, delimiter) {
  const out = [];
  let token = null;
  for (let page = 0; page < 100000; page++) {
    const q = { 'max-keys': 1000 };
    if (prefix) q.prefix = prefix; // an empty prefix= would be signed differently by ali-oss V4
    if (delimiter) q.delimiter = delimiter;
    if (token) q['continuation-token'] = token;
    const r = await client.listV2(q);
    for (const o of r.objects || []) out.push(o.name);
    for (const p of r.prefixes || []) out.push(p);
    if (!r.isTruncated) break;
    if (!r.nextContinuationToken) throw new Error('truncated listing without NextContinuationToken');
    token = r.nextContinuationToken;
  }
  return out;
}

async function run(OSS, opts, pos) {
  const [cmd, ...args] = pos;
  const need = (n, max) => {
    if (args.length < n || args.length > (max === undefined ? n : max)) usage(`wrong arguments for ${cmd}`);
  };
  const out = s => process.stdout.write(`${s}\n`);
  let c;
  switch (cmd) {
    case 'list-buckets': {
      need(0);
      c = makeClient(OSS, opts);
      let marker = null;
      for (;;) {
        const q = { 'max-keys': 1000 };
        if (marker) q.marker = marker;
        const r = await c.listBuckets(q);
        for (const b of r.buckets || []) out(b.name);
        if (!r.isTruncated || !r.nextMarker) break;
        marker = r.nextMarker;
      }
      return;
    }
    case 'put-bucket':
      need(1, 2);
      c = makeClient(OSS, opts);
      await c.putBucket(args[0], args[1] ? { acl: args[1] } : {});
      return out(args[0]);
    case 'get-bucket-acl':
      need(1);
      c = makeClient(OSS, opts);
      return out((await c.getBucketACL(args[0])).acl);
    case 'put-bucket-acl':
      need(2);
      c = makeClient(OSS, opts);
      await c.putBucketACL(args[0], args[1]);
      return out(args[1]);
    case 'get-object-acl': {
      need(2, 3);
      c = makeClient(OSS, opts, args[0]);
      const o = args[2] ? { versionId: args[2] } : {};
      return out((await c.getACL(args[1], o)).acl);
    }
    case 'put-object-acl':
      need(3);
      c = makeClient(OSS, opts, args[0]);
      await c.putACL(args[1], args[2]);
      return out(args[2]);
    case 'get-access-monitor':
      need(1);
      c = makeClient(OSS, opts, args[0]);
      return out(await accessMonitor(c, args[0], null));
    case 'put-access-monitor':
      need(2);
      if (args[1] !== 'Enabled' && args[1] !== 'Disabled') usage('status must be Enabled or Disabled');
      c = makeClient(OSS, opts, args[0]);
      return out(await accessMonitor(c, args[0], args[1]));
    case 'put-object': {
      need(3);
      const body = readInput(args[2]);
      c = makeClient(OSS, opts, args[0]);
      const popts = {};
      if (opts.meta) popts.meta = opts.meta;
      if (opts.tagging) popts.headers = { 'x-oss-tagging': opts.tagging };
      const r = await c.put(args[1], body, popts);
      return out(r.res.headers.etag || '');
    }
    case 'get-object': {
      need(2);
      c = makeClient(OSS, opts, args[0]);
      const r = await c.get(args[1]);
      const data = r.content || Buffer.alloc(0);
      await new Promise((resolve, reject) =>
        process.stdout.write(data, err => (err ? reject(err) : resolve()))
      );
      return;
    }
    case 'get-object-tagging': {
      need(2);
      c = makeClient(OSS, opts, args[0]);
      const r = await c.getObjectTagging(args[1]);
      const tag = r.tag || {};
      for (const k of Object.keys(tag).sort()) out(`${k}=${tag[k]}`);
      return;
    }
    case 'head-object': {
      need(2);
      c = makeClient(OSS, opts, args[0]);
      const r = await c.head(args[1]);
      const h = r.res.headers;
      const sorted = {};
      for (const k of Object.keys(h).sort()) sorted[k] = h[k];
      return out(JSON.stringify(sorted, null, 2));
    }
    case 'list':
      need(1, 2);
      c = makeClient(OSS, opts, args[0]);
      for (const k of await listAll(c, args[1], opts.delimiter)) out(k);
      return;
    case 'delete-object':
      need(2);
      c = makeClient(OSS, opts, args[0]);
      await c.delete(args[1]);
      return;
    case 'get-sub': {
      need(2);
      if (!validSubName(args[1])) usage(`bad sub-resource name ${args[1]}`);
      c = makeClient(OSS, opts, args[0]);
      const data = await subResource(c, args[0], 'GET', args[1]);
      await new Promise((resolve, reject) =>
        process.stdout.write(data, err => (err ? reject(err) : resolve()))
      );
      return;
    }
    case 'put-sub': {
      need(3);
      if (!validSubName(args[1])) usage(`bad sub-resource name ${args[1]}`);
      const body = readInput(args[2]);
      c = makeClient(OSS, opts, args[0]);
      await subResource(c, args[0], 'PUT', args[1], body);
      return;
    }
    case 'del-sub':
      need(2);
      if (!validSubName(args[1])) usage(`bad sub-resource name ${args[1]}`);
      c = makeClient(OSS, opts, args[0]);
      await subResource(c, args[0], 'DELETE', args[1]);
      return;
    default:
      usage(`unknown command ${cmd}`);
  }
}

async function main() {
  const { opts, pos } = parseArgs(process.argv.slice(2));
  const OSS = loadOSS();
  try {
    await run(OSS, opts, pos);
  } catch (err) {
    const status = err && err.status !== undefined ? err.status : '-';
    const rid = (err && err.requestId) || '-';
    if (err && err.code && typeof status === 'number' && status > 0) {
      process.stderr.write(`ERROR ${err.code} ${status} ${rid}\n`);
      process.exitCode = 2;
    } else if (err && typeof status === 'number' && status >= 400) {
      // An HTTP error without an OSS <Code> (e.g. a HEAD refusal without x-oss-err).
      process.stderr.write(`ERROR ${err.name || 'UnknownError'} ${status} ${rid}\n`);
      process.exitCode = 2;
    } else {
      const name = (err && (err.code || err.name)) || 'Error';
      process.stderr.write(`ERROR ${name} ${status} -\n`);
      if (err && err.message) process.stderr.write(`osscli: ${err.message.split('\n')[0].split(', ')[0]}\n`);
      process.exitCode = 1;
    }
  }
}

main();
