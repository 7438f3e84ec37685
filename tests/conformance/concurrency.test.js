// concurrency.test.js: 16 concurrent ali-oss clients (V1 and V4 alternating) put, get, list,
// delete, copy, change ACLs and run multipart uploads with parallel part re-uploads and
// Complete/Abort races against one ossemu for a few seconds: no 5xx, every read sees the last
// write, and the final listing is exactly what the clients were told (load.js). The 60-second
// run of the same load is bench/emu-concurrency.sh. Run: `node --test concurrency.test.js`.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { ALICE, Emu } = require('./helpers');
const { runLoad } = require('./load');

const emu = Emu.started();

test('16 concurrent clients of mixed operations: no 5xx, nothing lost or half-written', async () => {
  const B = 'load';
  await emu.client(ALICE, false).putBucket(B);
  const seconds = Number(process.env.LOAD_SECONDS || 4);
  const r = await runLoad({
    makeClient: i => emu.client(ALICE, i % 2 === 1, B),
    checker: emu.client(ALICE, true, B),
    clients: 16,
    seconds,
  });
  const { tally } = r;
  assert.deepEqual(tally.serverErrors, [], 'no 5xx or dropped answers');
  assert.deepEqual(tally.problems, [], 'every answer and the final state agree');
  for (const op of ['PutObject', 'GetObject', 'ListObjects', 'DeleteObject', 'CopyObject', 'PutObjectACL', 'CompleteMultipartUpload']) {
    assert.ok(tally.ops[op] > 0, `${op} ran (${JSON.stringify(tally.ops)})`);
  }
  const logged = emu.readLog().filter(e => e.status >= 500);
  assert.deepEqual(logged, [], 'the request log has no 5xx');
});
