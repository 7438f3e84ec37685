// regions.test.js: one ossemu, two regions, as ali-oss meets them (V1 and V4). ali-oss with an
// IP endpoint sends `Host: <bucket>.oss-<region>.aliyuncs.com`, so its `region` option picks the
// region: a bucket created through cn-beijing lives there (ListBuckets from cn-hangzhou says so,
// GetBucketLocation and GetBucketInfo through cn-beijing too), a cn-hangzhou client is refused
// with OSS's AccessDenied naming the endpoint, and a V4 URL signed for cn-hangzhou but sent to
// cn-beijing is OSS's InvalidArgument "Invalid signing region".
// Run: `node --test regions.test.js` in tests/conformance; OSSEMU=path selects the binary.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const OSS = require('ali-oss');
const { ALICE, Emu, rawRequest, xmlField } = require('./helpers');

const emu = new Emu();
before(async () => {
  await emu.start();
});
after(async () => {
  await emu.stop();
});

const BEIJING = { region: 'oss-cn-beijing' };

// refusedHere asserts that p fails with OSS's refusal of a bucket reached through another
// region's endpoint.
async function refusedHere(p, what) {
  await assert.rejects(p, e => {
    assert.equal(e.status, 403, `${what}: status`);
    assert.equal(e.code, 'AccessDenied', `${what}: code`);
    assert.equal(e.ecCode, '0003-00001403', `${what}: EC`);
    assert.match(e.message, /must be addressed using the specified endpoint/, `${what}: message`);
    return true;
  });
}

for (const v4 of [false, true]) {
  describe(`regions (${v4 ? 'V4' : 'V1'})`, () => {
    const B = `conf-regions-${v4 ? 'v4' : 'v1'}`;
    const beijing = bucket => emu.client(ALICE, v4, bucket, BEIJING);
    const hangzhou = bucket => emu.client(ALICE, v4, bucket);

    test('a bucket created through cn-beijing lives in cn-beijing', async () => {
      await beijing().putBucket(B);
      const listed = (await hangzhou().listBuckets()).buckets.find(b => b.name === B);
      assert.ok(listed, 'ListBuckets through cn-hangzhou lists it');
      assert.equal(listed.region, 'oss-cn-beijing', 'its Location');
      const loc = await beijing(B).getBucketLocation(B);
      assert.equal(loc.location, 'oss-cn-beijing', 'GetBucketLocation through cn-beijing');
      const info = await beijing(B).getBucketInfo(B);
      assert.equal(info.bucket.Location, 'oss-cn-beijing', 'GetBucketInfo Location');
      assert.equal(info.bucket.ExtranetEndpoint, 'oss-cn-beijing.aliyuncs.com', 'GetBucketInfo endpoint');
      await beijing(B).put('k.txt', Buffer.from('in beijing'));
      assert.equal((await beijing(B).get('k.txt')).content.toString(), 'in beijing');
    });

    test('through cn-hangzhou it is refused with the endpoint to use', async () => {
      await refusedHere(hangzhou(B).get('k.txt'), 'GetObject');
      await refusedHere(hangzhou(B).put('k.txt', Buffer.from('x')), 'PutObject');
      await refusedHere(hangzhou(B).getBucketLocation(B), 'GetBucketLocation');
      // The body names the bucket and its endpoint (ali-oss keeps neither).
      const r = await rawRequest(emu.port, { path: '/k.txt', headers: { Host: `${B}.oss-cn-hangzhou.aliyuncs.com` } });
      assert.equal(r.status, 403);
      assert.equal(xmlField(r.body, 'Bucket'), B);
      assert.equal(xmlField(r.body, 'Endpoint'), 'oss-cn-beijing.aliyuncs.com');
      assert.equal(r.headers['x-oss-ec'], '0003-00001403');
      assert.equal((await beijing(B).get('k.txt')).content.toString(), 'in beijing', 'unchanged');
    });
  });
}

test('a V4 URL signed for cn-hangzhou and sent to cn-beijing: InvalidArgument', async () => {
  const B = 'conf-regions-v4'; // created above, in cn-beijing
  const signer = new OSS({
    endpoint: 'http://oss-cn-hangzhou.aliyuncs.com',
    accessKeyId: ALICE.akid,
    accessKeySecret: ALICE.secret,
    region: 'oss-cn-hangzhou',
    bucket: B,
  });
  const u = new URL(await signer.signatureUrlV4('GET', 600, {}, 'k.txt'));
  const r = await rawRequest(emu.port, { path: u.pathname + u.search, headers: { Host: `${B}.oss-cn-beijing.aliyuncs.com` } });
  assert.equal(r.status, 400);
  assert.equal(xmlField(r.body, 'Code'), 'InvalidArgument');
  assert.match(xmlField(r.body, 'Message'), /Invalid signing region/);
  assert.equal(xmlField(r.body, 'EC'), '0002-00000226');
  const good = new OSS({
    endpoint: 'http://oss-cn-beijing.aliyuncs.com',
    accessKeyId: ALICE.akid,
    accessKeySecret: ALICE.secret,
    region: 'oss-cn-beijing',
    bucket: B,
  });
  const g = new URL(await good.signatureUrlV4('GET', 600, {}, 'k.txt'));
  const ok = await rawRequest(emu.port, { path: g.pathname + g.search, headers: { Host: g.host } });
  assert.equal(ok.status, 200, 'the same URL signed for cn-beijing is served');
  assert.equal(ok.body.toString(), 'in beijing');
});
