// fidelity.test.js: ali-oss (V1 and V4) against the places where ossemu used to differ from OSS:
// PUT / with x-oss-acl on an owned bucket, x-oss-next-append-position on HeadObject, clearing
// the referer list with one empty element, the EC on every error answer, AppendObject's version
// id, the atomic bucket quota, and policy Conditions (source address, transport, time, listing
// prefix) in bucket and RAM policies. Run: `node --test fidelity.test.js` in tests/conformance.
'use strict';

const http = require('node:http');
const https = require('node:https');
const { describe, test, before } = require('node:test');
const assert = require('node:assert/strict');
const { ALICE, BOB, accountsDoc, Emu, xmlField, send } = require('./helpers');

const CAROL = { akid: 'LTAIcarol0001', secret: 'carol-secret', id: '1000000000000003' };
const LISTER = { akid: 'LTAIlister001', secret: 'lister-secret', id: '2000000000000002' };

// The RAM user lister of alice's account may list only under pub/, read at any time after
// 2000 and write only before 2000 (never).
class FidelityEmu extends Emu {
  accountsDoc() {
    const doc = accountsDoc();
    doc.accounts[0].users.push({
      id: LISTER.id,
      name: 'lister',
      keys: [{ id: LISTER.akid, secret: LISTER.secret }],
      policy: {
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'oss:ListObjects',
            Resource: 'acs:oss:*:*:*',
            Condition: { StringLike: { 'oss:Prefix': 'pub/*' } },
          },
          {
            Effect: 'Allow',
            Action: 'oss:GetObject',
            Resource: 'acs:oss:*:*:*',
            Condition: { DateGreaterThan: { 'acs:CurrentTime': '2000-01-01T00:00:00Z' } },
          },
          {
            Effect: 'Allow',
            Action: 'oss:PutObject',
            Resource: 'acs:oss:*:*:*',
            Condition: { DateLessThan: { 'acs:CurrentTime': '2000-01-01T00:00:00Z' } },
          },
        ],
      },
    });
    doc.accounts.push({ id: CAROL.id, name: 'carol', keys: [{ id: CAROL.akid, secret: CAROL.secret }], users: [] });
    return doc;
  }
}

const emu = FidelityEmu.started();

const client = (who, v4, bucket, extra) => emu.client(who, v4, bucket, extra);

// An ali-oss client whose connections leave from local address `from` (another loopback
// address than the server's 127.0.0.1 is still on this host).
// (both agents: ali-oss uses httpsAgent when the suite runs over HTTPS, conformance.tls)
const clientFrom = (who, v4, bucket, from) =>
  client(who, v4, bucket, {
    agent: new http.Agent({ localAddress: from, keepAlive: false }),
    httpsAgent: new https.Agent({ localAddress: from, keepAlive: false }),
  });

// A bucket policy letting bob read the objects of bucket under condition.
const bobMayRead = (bucket, condition) => ({
  Version: '1',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['oss:GetObject'],
      Principal: [BOB.id],
      Resource: [`acs:oss:*:*:${bucket}/*`],
      Condition: condition,
    },
  ],
});

async function refusal(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a refusal, got success');
}

// The EC of an error answer, from the body (or x-oss-err for HEAD), and its x-oss-ec header.
function ecOf(res) {
  let body = String(res.data || '');
  if (!body && res.headers['x-oss-err']) body = Buffer.from(res.headers['x-oss-err'], 'base64').toString();
  return { code: xmlField(body, 'Code'), ec: xmlField(body, 'EC'), header: res.headers['x-oss-ec'] };
}

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';
  const B = `fid-${mode}`;
  const VB = `fid-ver-${mode}`;

  describe(`fidelity with signature ${mode.toUpperCase()}`, () => {
    let alice;
    let aliceSvc;

    before(async () => {
      aliceSvc = client(ALICE, v4);
      alice = client(ALICE, v4, B);
      await aliceSvc.putBucket(B);
      await alice.put('pub/a.txt', Buffer.from('public a'));
      await alice.put('priv/b.txt', Buffer.from('private b'));
    });

    test('PUT / with x-oss-acl on an owned bucket applies the ACL; on another account\'s it is refused', async () => {
      assert.equal((await aliceSvc.getBucketACL(B)).acl, 'private');
      await aliceSvc.putBucket(B, { acl: 'public-read' });
      assert.equal((await aliceSvc.getBucketACL(B)).acl, 'public-read');
      await aliceSvc.putBucket(B); // no header: nothing changes
      assert.equal((await aliceSvc.getBucketACL(B)).acl, 'public-read');
      const e = await refusal(() => client(BOB, v4).putBucket(B, { acl: 'public-read-write' }));
      assert.equal(e.status, 409);
      assert.equal(e.code, 'BucketAlreadyExists');
      await aliceSvc.putBucket(B, { acl: 'private' });
      assert.equal((await aliceSvc.getBucketACL(B)).acl, 'private');
    });

    test('HeadObject and GetObject of an Appendable object carry x-oss-next-append-position', async () => {
      let r = await alice.append('log.txt', Buffer.from('hello '));
      r = await alice.append('log.txt', Buffer.from('world'), { position: r.nextAppendPosition });
      assert.equal(String(r.nextAppendPosition), '11');
      const h = await alice.head('log.txt');
      assert.equal(h.res.headers['x-oss-object-type'], 'Appendable');
      assert.equal(h.res.headers['x-oss-next-append-position'], '11');
      const g = await alice.get('log.txt');
      assert.equal(g.res.headers['x-oss-next-append-position'], '11');
      const n = await alice.head('pub/a.txt');
      assert.equal(n.res.headers['x-oss-next-append-position'], undefined, 'Normal objects have none');
    });

    test('PutBucketReferer with one empty Referer element clears the list', async () => {
      await aliceSvc.putBucketReferer(B, false, ['https://a.example.com', 'https://*.b.example.com']);
      assert.deepEqual((await aliceSvc.getBucketReferer(B)).referers, ['https://a.example.com', 'https://*.b.example.com']);
      await aliceSvc.putBucketReferer(B, true, ['']);
      const g = await aliceSvc.getBucketReferer(B);
      assert.deepEqual(g.referers || [], []);
      const raw = await send(aliceSvc, { method: 'GET', bucket: B, subres: { referer: '' } });
      assert.doesNotMatch(String(raw.res.data), /<Referer>/);
      assert.equal(g.allowEmpty, true);
      // An empty element among others is still refused, and nothing changes.
      const bad = `<RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer><RefererList><Referer>https://x.example.com</Referer><Referer></Referer></RefererList></RefererConfiguration>`;
      const r = await send(aliceSvc, { method: 'PUT', bucket: B, subres: { referer: '' }, body: bad, statuses: [400] });
      assert.equal(xmlField(r.res.data, 'Code'), 'MalformedXML');
      assert.deepEqual((await aliceSvc.getBucketReferer(B)).referers || [], []);
    });

    test('every error answer carries EC and x-oss-ec', async () => {
      const bob = client(BOB, v4);
      const cases = [
        ['NoSuchBucketPolicy', { method: 'GET', bucket: B, subres: { policy: '' }, statuses: [404] }, aliceSvc],
        ['NoSuchCORSConfiguration', { method: 'GET', bucket: B, subres: { cors: '' }, statuses: [404] }, aliceSvc],
        ['NoSuchLifecycle', { method: 'GET', bucket: B, subres: { lifecycle: '' }, statuses: [404] }, aliceSvc],
        ['NoSuchWebsiteConfiguration', { method: 'GET', bucket: B, subres: { website: '' }, statuses: [404] }, aliceSvc],
        ['NoSuchServerSideEncryptionRule', { method: 'GET', bucket: B, subres: { encryption: '' }, statuses: [404] }, aliceSvc],
        ['MalformedXML', { method: 'PUT', bucket: B, subres: { cors: '' }, body: '<CORSConfiguration', statuses: [400] }, aliceSvc, '0031-00000001'],
        ['MalformedPolicy', { method: 'PUT', bucket: B, subres: { policy: '' }, body: '{"Version":"1"', statuses: [400] }, aliceSvc],
        ['InvalidArgument', { method: 'PUT', bucket: B, subres: { acl: '' }, headers: { 'x-oss-acl': 'nonsense' }, statuses: [400] }, aliceSvc],
        ['AccessDenied', { method: 'GET', bucket: B, subres: { acl: '' }, statuses: [403] }, bob, '0003-00000001'],
        ['NoSuchUpload', { method: 'DELETE', bucket: B, key: 'x', subres: { uploadId: 'NOSUCHUPLOAD0000' }, statuses: [404] }, alice],
        ['NoSuchKey', { method: 'HEAD', bucket: B, key: 'missing', statuses: [404] }, alice, '0026-00000001'],
        ['InvalidAccessKeyId', { method: 'GET', bucket: B, subres: { acl: '' }, statuses: [403] }, client({ akid: 'LTAInobody0000', secret: 'x' }, v4)],
      ];
      for (const [code, req, c, want] of cases) {
        const r = await send(c, req);
        const got = ecOf(r.res);
        assert.equal(got.code, code, `${code}: code`);
        assert.match(got.ec || '', /^\d{4}-\d{8}$/, `${code}: EC element`);
        assert.equal(got.header, got.ec, `${code}: x-oss-ec repeats EC`);
        if (want) assert.equal(got.ec, want, `${code}: the EC OSS sends`);
      }
    });

    test('AppendObject on a versioned bucket answers the version id HeadObject reports', async () => {
      await aliceSvc.putBucket(VB);
      await send(aliceSvc, {
        method: 'PUT',
        bucket: VB,
        subres: { versioning: '' },
        body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
      });
      const c = client(ALICE, v4, VB);
      const first = await c.append('a.log', Buffer.from('one'));
      const vid = first.res.headers['x-oss-version-id'];
      assert.ok(vid && vid !== 'null', `first append version id: ${vid}`);
      const second = await c.append('a.log', Buffer.from('two'), { position: 3 });
      assert.equal(second.res.headers['x-oss-version-id'], vid, 'appends do not make a new version');
      const h = await c.head('a.log');
      assert.equal(h.res.headers['x-oss-version-id'], vid);
      assert.equal(h.res.headers['x-oss-next-append-position'], '6');
    });

    test('bucket policy with acs:SourceIp grants from 127.0.0.1 and not from 127.0.0.2', async () => {
      await aliceSvc.putBucketPolicy(B, bobMayRead(B, { IpAddress: { 'acs:SourceIp': ['127.0.0.1/32'] } }));
      const near = await clientFrom(BOB, v4, B, '127.0.0.1').get('pub/a.txt');
      assert.equal(near.content.toString(), 'public a');
      const e = await refusal(() => clientFrom(BOB, v4, B, '127.0.0.2').get('pub/a.txt'));
      assert.equal(e.status, 403);
      assert.equal(e.code, 'AccessDenied');
      // NotIpAddress: the same request is allowed from everywhere but 127.0.0.1.
      await aliceSvc.putBucketPolicy(B, bobMayRead(B, { NotIpAddress: { 'acs:SourceIp': '127.0.0.1' } }));
      assert.equal((await clientFrom(BOB, v4, B, '127.0.0.2').get('pub/a.txt')).content.toString(), 'public a');
      assert.equal((await refusal(() => clientFrom(BOB, v4, B, '127.0.0.1').get('pub/a.txt'))).status, 403);
    });

    test('bucket policy Deny over non-HTTPS refuses what an Allow grants, over HTTP only', async () => {
      await aliceSvc.putBucketPolicy(B, {
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: ['oss:GetObject'], Principal: ['*'], Resource: [`acs:oss:*:*:${B}/*`] },
          {
            Effect: 'Deny',
            Action: ['oss:*'],
            Principal: ['*'],
            Resource: [`acs:oss:*:*:${B}/priv/*`],
            Condition: { Bool: { 'acs:SecureTransport': 'false' } },
          },
        ],
      });
      const bob = client(BOB, v4, B);
      assert.equal((await bob.get('pub/a.txt')).content.toString(), 'public a');
      if (process.env.CONFORMANCE_TLS_DIR) {
        // the same request over HTTPS (conformance.tls): acs:SecureTransport is true, no Deny
        assert.ok((await bob.get('priv/b.txt')).content.length > 0);
      } else {
        const e = await refusal(() => bob.get('priv/b.txt'));
        assert.equal(e.status, 403);
        assert.equal(e.code, 'AccessDenied');
        assert.match(e.message, /bucket policy/);
      }
      await aliceSvc.deleteBucketPolicy(B);
    });

    test('an unknown condition operator is refused as MalformedPolicy and nothing is stored', async () => {
      const r = await send(aliceSvc, {
        method: 'PUT',
        bucket: B,
        subres: { policy: '' },
        body: JSON.stringify({
          Version: '1',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['oss:GetObject'],
              Principal: ['*'],
              Resource: [`acs:oss:*:*:${B}/*`],
              Condition: { StringSortOf: { 'oss:Prefix': 'a' } },
            },
          ],
        }),
        statuses: [400],
      });
      assert.equal(xmlField(r.res.data, 'Code'), 'MalformedPolicy');
      const g = await send(aliceSvc, { method: 'GET', bucket: B, subres: { policy: '' }, statuses: [404] });
      assert.equal(xmlField(g.res.data, 'Code'), 'NoSuchBucketPolicy');
    });

    test('RAM policy conditions: oss:Prefix for listing, acs:CurrentTime with date operators', async () => {
      const lister = client(LISTER, v4, B);
      const l = await lister.list({ prefix: 'pub/' });
      assert.deepEqual((l.objects || []).map(o => o.name), ['pub/a.txt']);
      for (const prefix of ['priv/', '']) {
        const e = await refusal(() => lister.list(prefix ? { prefix } : {}));
        assert.equal(e.status, 403, `prefix ${JSON.stringify(prefix)}`);
      }
      assert.equal((await lister.get('priv/b.txt')).content.toString(), 'private b');
      const e = await refusal(() => lister.put('pub/new.txt', Buffer.from('x')));
      assert.equal(e.status, 403);
      await assert.rejects(() => alice.head('pub/new.txt'), /Object not exists|NoSuchKey/);
    });
  });
}

test('PutBucketLifecycle with a last-access-time rule and PutBucketAccessMonitor Disabled: one wins', async () => {
  const LB = 'fid-atime';
  const svc = client(ALICE, true);
  await svc.putBucket(LB);
  const monitor = status =>
    send(svc, {
      method: 'PUT',
      bucket: LB,
      subres: { accessmonitor: '' },
      body: `<AccessMonitorConfiguration><Status>${status}</Status></AccessMonitorConfiguration>`,
      statuses: [200, 409],
    });
  const atimeRule =
    '<LifecycleConfiguration><Rule><ID>r</ID><Prefix>p/</Prefix><Status>Enabled</Status><Transition><Days>30</Days>' +
    '<StorageClass>IA</StorageClass><IsAccessTime>true</IsAccessTime></Transition></Rule></LifecycleConfiguration>';
  for (let round = 0; round < 25; round++) {
    await monitor('Enabled');
    await send(svc, { method: 'DELETE', bucket: LB, subres: { lifecycle: '' }, statuses: [204] });
    const [lc, am] = await Promise.all([
      send(svc, { method: 'PUT', bucket: LB, subres: { lifecycle: '' }, body: atimeRule, statuses: [200, 400] }),
      monitor('Disabled'),
    ]);
    const won = [lc.res.status === 200, am.res.status === 200];
    assert.equal(won.filter(Boolean).length, 1, `round ${round}: exactly one wins (${lc.res.status}, ${am.res.status})`);
    const state = await send(svc, { method: 'GET', bucket: LB, subres: { accessmonitor: '' } });
    const rules = await send(svc, { method: 'GET', bucket: LB, subres: { lifecycle: '' }, statuses: [200, 404] });
    const disabled = xmlField(state.res.data, 'Status') === 'Disabled';
    assert.ok(!(disabled && rules.res.status === 200), `round ${round}: an IsAccessTime rule with the monitor Disabled`);
  }
});

test('the bucket quota holds under concurrent creates', async () => {
  const carol = client(CAROL, false);
  for (let i = 0; i < 96; i++) await carol.putBucket(`carol-${i}`);
  const names = Array.from({ length: 12 }, (_, i) => `carol-race-${i}`);
  const results = await Promise.allSettled(names.map(n => client(CAROL, false).putBucket(n)));
  const made = results.filter(r => r.status === 'fulfilled').length;
  const refusedAll = results.filter(r => r.status === 'rejected');
  assert.equal(made, 4, 'exactly the 4 free places are taken');
  for (const r of refusedAll) assert.equal(r.reason.code, 'TooManyBuckets');
  const listed = await carol.listBuckets({ 'max-keys': 1000 });
  assert.equal((listed.buckets || []).length, 100);
});
