#!/usr/bin/env node
// seed.js: creates many small objects in ossemu with the official ali-oss SDK (independent of
// the code under test), 32 requests at a time, for tests and benchmarks.
//
// Usage: EMU_URL=http://127.0.0.1:PORT AK=id SK=secret BUCKET=b \
//          node tests/tools/seed.js [--public-every K] SPEC...
// SPEC is PREFIX:COUNT, e.g. "d/:2500" or ":100" (bucket root); it creates
// PREFIX + "obj-NNNNN.dat" for NNNNN = 00000 .. COUNT-1, of (i % 97) bytes of 'x'. With
// --public-every K, every K-th object (i % K == 0) gets the ACL public-read at creation.
// Exit 0 when every object was created; on the first error prints its code and exits 1.
'use strict';
const path = require('path');
const OSS = require(require.resolve('ali-oss', {
  paths: [path.join(__dirname, '..', 'conformance')] }));

const args = process.argv.slice(2);
let every = 0;
if (args[0] === '--public-every') {
  every = Number(args[1]);
  args.splice(0, 2);
}
const jobs = [];
for (const spec of args) {
  const at = spec.lastIndexOf(':');
  const prefix = spec.slice(0, at);
  const n = Number(spec.slice(at + 1));
  for (let i = 0; i < n; i++) jobs.push([prefix + 'obj-' + String(i).padStart(5, '0') + '.dat', i]);
}
const c = new OSS({ endpoint: process.env.EMU_URL, accessKeyId: process.env.AK,
  accessKeySecret: process.env.SK, region: 'oss-cn-hangzhou', bucket: process.env.BUCKET });
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const [name, i] = jobs[next++];
    const headers = every && i % every === 0 ? { 'x-oss-object-acl': 'public-read' } : {};
    await c.put(name, Buffer.alloc(i % 97, 'x'), { headers });
  }
}
Promise.all(Array.from({ length: 32 }, worker)).then(() => process.exit(0),
  (e) => { console.error(e.code || e.message); process.exit(1); });
