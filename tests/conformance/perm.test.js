// perm.test.js: ali-oss (V1 and V4) against ossemu's permission settings of issue 9: Block
// Public Access of buckets and of the account (service endpoint) with its effect on anonymous
// and foreign requests, GetBucketPolicyStatus, requester pays and its refusals, the HTTPS
// configuration, and bucket retention (WORM) with retained objects; every request's
// request-log line; access points (create, list, get, policy, Block Public Access, delete) and
// requests addressed through an access point's alias.
// Run: `node --test perm.test.js` in tests/conformance.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ALICE, BOB, AUDITOR, Emu, Ledger, rawRequest, xmlField, send } = require('./helpers');

const emu = new Emu();
const log = new Ledger();

before(async () => {
  await emu.start();
});
after(async () => {
  await emu.stop();
});

const client = (who, v4, bucket, extra) => emu.client(who, v4, bucket, extra);

// sub: a signed request to sub-resource(s) subres of bucket (null: the service endpoint), with
// an optional XML body and headers, through ali-oss's generic request(); resolves to the raw
// answer (body in res.data).
const sub = (c, method, bucket, subres, { body, headers, statuses, key } = {}) =>
  send(c, { method, bucket: bucket || undefined, key, subres, body, statuses, headers });

const field = (r, name) => xmlField(r.res.data, name);
const pabDoc = v => `<PublicAccessBlockConfiguration><BlockPublicAccess>${v}</BlockPublicAccess></PublicAccessBlockConfiguration>`;
const anonGet = (bucket, key) => rawRequest(emu.port, { path: `/${key}`, headers: { Host: `${bucket}.oss-cn-hangzhou.aliyuncs.com` } });
const publicPolicy = b => ({
  Version: '1',
  Statement: [{ Effect: 'Allow', Principal: ['*'], Action: ['oss:GetObject'], Resource: [`acs:oss:*:*:${b}/*`] }],
});

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';

  describe(`permission settings with signature ${mode.toUpperCase()}`, () => {
    const B = `perm-${mode}`;
    const W = `perm-${mode}-worm`;
    let alice;
    let svc;
    const A = (op, method, bucket = B, key = '') => ({ op, method, bucket, key, akid: ALICE.akid });
    const S = (op, method) => ({ op, method, bucket: '', key: '', akid: ALICE.akid });

    before(async () => {
      svc = client(ALICE, v4);
      alice = client(ALICE, v4, B);
      await log.ok(A('PutBucket', 'PUT'), () => svc.putBucket(B));
      await log.ok(A('PutObject', 'PUT', B, 'pub.txt'), () => alice.put('pub.txt', Buffer.from('hello')));
      await log.ok(A('PutBucketAcl', 'PUT'), () => svc.putBucketACL(B, 'public-read'));
    });

    test('bucket Block Public Access: default false, put/get/delete, anonymous refused while blocked', async () => {
      let r = await log.ok(A('GetBucketPublicAccessBlock', 'GET'), () => sub(alice, 'GET', B, { publicAccessBlock: '' }));
      assert.equal(field(r, 'BlockPublicAccess'), 'false');
      assert.equal((await anonGet(B, 'pub.txt')).status, 200);
      await log.ok(A('PutBucketPublicAccessBlock', 'PUT'), () =>
        sub(alice, 'PUT', B, { publicAccessBlock: '' }, { body: pabDoc('true') })
      );
      r = await log.ok(A('GetBucketPublicAccessBlock', 'GET'), () => sub(alice, 'GET', B, { publicAccessBlock: '' }));
      assert.equal(field(r, 'BlockPublicAccess'), 'true');
      const anon = await anonGet(B, 'pub.txt');
      assert.equal(anon.status, 403);
      assert.equal(xmlField(anon.body, 'Code'), 'AccessDenied');
      await log.refused(A('PutBucketAcl', 'PUT'), 403, 'AccessDenied', () => svc.putBucketACL(B, 'public-read-write'));
      await log.refused(A('PutObjectACL', 'PUT', B, 'pub.txt'), 403, 'AccessDenied', () =>
        alice.putACL('pub.txt', 'public-read')
      );
      await log.refused(A('PutBucketPolicy', 'PUT'), 403, 'AccessDenied', () => svc.putBucketPolicy(B, publicPolicy(B)));
      await log.ok(A('PutBucketAcl', 'PUT'), () => svc.putBucketACL(B, 'private'));
      await log.refused(A('PutBucketPublicAccessBlock', 'PUT'), 400, 'MalformedXML', () =>
        sub(alice, 'PUT', B, { publicAccessBlock: '' }, { body: '<PublicAccessBlock/>' })
      );
      await log.refused(A('PutBucketPublicAccessBlock', 'PUT'), 400, 'InvalidArgument', () =>
        sub(alice, 'PUT', B, { publicAccessBlock: '' }, { body: pabDoc('yes') })
      );
      await log.refused(
        { op: 'PutBucketPublicAccessBlock', method: 'PUT', bucket: B, key: '', akid: AUDITOR.akid },
        403,
        'AccessDenied',
        () => sub(client(AUDITOR, v4, B), 'PUT', B, { publicAccessBlock: '' }, { body: pabDoc('false') })
      );
      await log.ok(A('DeleteBucketPublicAccessBlock', 'DELETE'), () =>
        sub(alice, 'DELETE', B, { publicAccessBlock: '' }, { statuses: [204] })
      );
      r = await log.ok(A('GetBucketPublicAccessBlock', 'GET'), () => sub(alice, 'GET', B, { publicAccessBlock: '' }));
      assert.equal(field(r, 'BlockPublicAccess'), 'false');
      await log.ok(A('PutBucketAcl', 'PUT'), () => svc.putBucketACL(B, 'public-read'));
      assert.equal((await anonGet(B, 'pub.txt')).status, 200, 'readable again once unblocked');
    });

    test('account Block Public Access on the service endpoint blocks the account\'s buckets', async () => {
      let r = await log.ok(S('GetPublicAccessBlock', 'GET'), () => sub(svc, 'GET', null, { publicAccessBlock: '' }));
      assert.equal(field(r, 'BlockPublicAccess'), 'false');
      await log.ok(S('PutPublicAccessBlock', 'PUT'), () =>
        sub(svc, 'PUT', null, { publicAccessBlock: '' }, { body: pabDoc('true') })
      );
      r = await log.ok(S('GetPublicAccessBlock', 'GET'), () => sub(svc, 'GET', null, { publicAccessBlock: '' }));
      assert.equal(field(r, 'BlockPublicAccess'), 'true');
      assert.equal((await anonGet(B, 'pub.txt')).status, 403);
      const bobGet = await sub(client(BOB, v4), 'GET', null, { publicAccessBlock: '' });
      assert.equal(xmlField(bobGet.res.data, 'BlockPublicAccess'), 'false', "another account's own setting");
      log.note({ ...S('GetPublicAccessBlock', 'GET'), akid: BOB.akid }, 200, '', bobGet.res.headers['x-oss-request-id']);
      await log.refused(A('PutBucket', 'PUT', `${B}-pub`), 403, 'AccessDenied', () =>
        svc.putBucket(`${B}-pub`, { acl: 'public-read' })
      );
      await log.ok(S('DeletePublicAccessBlock', 'DELETE'), () =>
        sub(svc, 'DELETE', null, { publicAccessBlock: '' }, { statuses: [204] })
      );
      assert.equal((await anonGet(B, 'pub.txt')).status, 200);
    });

    test('policy status: false without policy, true for a public one, false when pinned to an account', async () => {
      const status = async () => {
        const r = await log.ok(A('GetBucketPolicyStatus', 'GET'), () => sub(alice, 'GET', B, { policyStatus: '' }));
        return field(r, 'IsPublic');
      };
      assert.equal(await status(), 'false');
      await log.ok(A('PutBucketPolicy', 'PUT'), () => svc.putBucketPolicy(B, publicPolicy(B)));
      assert.equal(await status(), 'true');
      const pinned = publicPolicy(B);
      pinned.Statement[0].Principal = [BOB.id];
      await log.ok(A('PutBucketPolicy', 'PUT'), () => svc.putBucketPolicy(B, pinned));
      assert.equal(await status(), 'false');
      await log.ok(A('DeleteBucketPolicy', 'DELETE'), () => svc.deleteBucketPolicy(B));
      await log.refused(A('Unknown', 'PUT'), 405, 'MethodNotAllowed', () =>
        sub(alice, 'PUT', B, { policyStatus: '' }, { body: '<PolicyStatus/>' })
      );
    });

    test('requester pays: default BucketOwner; Requester refuses anonymous and header-less foreign requests', async () => {
      let r = await log.ok(A('GetBucketRequestPayment', 'GET'), () => svc.getBucketRequestPayment(B));
      assert.equal(r.payer, 'BucketOwner');
      const pol = publicPolicy(B);
      pol.Statement[0].Principal = [BOB.id];
      await log.ok(A('PutBucketPolicy', 'PUT'), () => svc.putBucketPolicy(B, pol));
      await log.ok(A('PutBucketRequestPayment', 'PUT'), () => svc.putBucketRequestPayment(B, 'Requester'));
      r = await log.ok(A('GetBucketRequestPayment', 'GET'), () => svc.getBucketRequestPayment(B));
      assert.equal(r.payer, 'Requester');
      const anon = await anonGet(B, 'pub.txt');
      assert.equal(anon.status, 403);
      assert.equal(xmlField(anon.body, 'EC'), '0003-00000701');
      const bob = client(BOB, v4, B);
      const Bo = (op, method, key) => ({ op, method, bucket: B, key, akid: BOB.akid });
      const e = await log.refused(Bo('GetObject', 'GET', 'pub.txt'), 403, 'AccessDenied', () => bob.get('pub.txt'));
      assert.match(String(e.ec || e.message), /0003-00000703|requester/);
      const g = await log.ok(Bo('GetObject', 'GET', 'pub.txt'), () =>
        bob.get('pub.txt', { headers: { 'x-oss-request-payer': 'requester' } })
      );
      assert.equal(g.content.toString(), 'hello');
      const own = await log.ok(A('GetObject', 'GET', B, 'pub.txt'), () => alice.get('pub.txt'));
      assert.equal(own.content.toString(), 'hello', 'the owner needs no header');
      await log.refused(A('PutBucketRequestPayment', 'PUT'), 400, 'InvalidArgument', () =>
        sub(alice, 'PUT', B, { requestPayment: '' }, {
          body: '<RequestPaymentConfiguration><Payer>Someone</Payer></RequestPaymentConfiguration>',
        })
      );
      await log.ok(A('PutBucketRequestPayment', 'PUT'), () => svc.putBucketRequestPayment(B, 'BucketOwner'));
      await log.ok(A('DeleteBucketPolicy', 'DELETE'), () => svc.deleteBucketPolicy(B));
      await log.refused(A('Unknown', 'DELETE'), 405, 'MethodNotAllowed', () =>
        sub(alice, 'DELETE', B, { requestPayment: '' }, { statuses: [204] })
      );
    });

    test('HTTPS configuration: default TLS disabled, put/get in version order, bad version 400', async () => {
      let r = await log.ok(A('GetBucketHttpsConfig', 'GET'), () => sub(alice, 'GET', B, { httpsConfig: '' }));
      assert.equal(field(r, 'Enable'), 'false');
      const doc =
        '<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>TLSv1.3</TLSVersion>' +
        '<TLSVersion>TLSv1.2</TLSVersion></TLS></HttpsConfiguration>';
      await log.ok(A('PutBucketHttpsConfig', 'PUT'), () => sub(alice, 'PUT', B, { httpsConfig: '' }, { body: doc }));
      r = await log.ok(A('GetBucketHttpsConfig', 'GET'), () => sub(alice, 'GET', B, { httpsConfig: '' }));
      assert.match(String(r.res.data), /<Enable>true<\/Enable><TLSVersion>TLSv1.2<\/TLSVersion><TLSVersion>TLSv1.3<\/TLSVersion>/);
      await log.refused(A('PutBucketHttpsConfig', 'PUT'), 400, 'InvalidArgument', () =>
        sub(alice, 'PUT', B, { httpsConfig: '' }, {
          body: '<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>SSLv3</TLSVersion></TLS></HttpsConfiguration>',
        })
      );
      await log.refused(A('PutBucketHttpsConfig', 'PUT'), 400, 'MalformedXML', () =>
        sub(alice, 'PUT', B, { httpsConfig: '' }, { body: '<HttpsConfiguration/>' })
      );
    });

    test('WORM: initiate, get, lock, extend; abort refused once locked; retained objects kept', async () => {
      const w = client(ALICE, v4, W);
      const Wm = (op, method, key = '') => A(op, method, W, key);
      await log.ok(Wm('PutBucket', 'PUT'), () => svc.putBucket(W));
      await log.refused(Wm('GetBucketWorm', 'GET'), 404, 'NoSuchWORMConfiguration', () => svc.getBucketWorm(W));
      await log.ok(Wm('PutObject', 'PUT', 'old.txt'), () => w.put('old.txt', Buffer.from('before')));
      let r = await log.ok(Wm('InitiateBucketWorm', 'POST'), () => svc.initiateBucketWorm(W, '1'));
      assert.ok(r.wormId, 'x-oss-worm-id');
      r = await log.ok(Wm('AbortBucketWorm', 'DELETE'), () => svc.abortBucketWorm(W));
      assert.equal(r.status, 204);
      await log.refused(Wm('GetBucketWorm', 'GET'), 404, 'NoSuchWORMConfiguration', () => svc.getBucketWorm(W));
      r = await log.ok(Wm('InitiateBucketWorm', 'POST'), () => svc.initiateBucketWorm(W, '2'));
      const id = r.wormId;
      await log.refused(Wm('InitiateBucketWorm', 'POST'), 409, 'WORMConfigurationAlreadyExist', () =>
        svc.initiateBucketWorm(W, '3')
      );
      let g = await log.ok(Wm('GetBucketWorm', 'GET'), () => svc.getBucketWorm(W));
      assert.equal(g.wormId, id);
      assert.equal(g.state, 'InProgress');
      assert.equal(g.days, '2');
      await log.refused(Wm('ExtendBucketWorm', 'POST'), 400, 'InvalidWORMConfiguration', () =>
        svc.extendBucketWorm(W, id, '5')
      );
      // ali-oss's completeBucketWorm takes any status as success: the refusal goes through request()
      await log.refused(Wm('CompleteBucketWorm', 'POST'), 404, 'NoSuchWORMConfiguration', () =>
        sub(w, 'POST', W, { wormId: 'not-the-id' })
      );
      r = await log.ok(Wm('CompleteBucketWorm', 'POST'), () => svc.completeBucketWorm(W, id));
      assert.equal(r.status, 200);
      g = await log.ok(Wm('GetBucketWorm', 'GET'), () => svc.getBucketWorm(W));
      assert.equal(g.state, 'Locked');
      await log.refused(Wm('AbortBucketWorm', 'DELETE'), 403, 'WORMConfigurationLocked', () =>
        sub(w, 'DELETE', W, { worm: '' }, { statuses: [204] })
      );
      await log.refused(Wm('ExtendBucketWorm', 'POST'), 400, 'InvalidWORMConfiguration', () =>
        svc.extendBucketWorm(W, id, '1')
      );
      await log.ok(Wm('ExtendBucketWorm', 'POST'), () => svc.extendBucketWorm(W, id, '9'));
      g = await log.ok(Wm('GetBucketWorm', 'GET'), () => svc.getBucketWorm(W));
      assert.equal(g.days, '9');
      await log.refused(Wm('DeleteObject', 'DELETE', 'old.txt'), 409, 'FileImmutable', () => w.delete('old.txt'));
      await log.refused(Wm('PutObject', 'PUT', 'old.txt'), 409, 'FileImmutable', () =>
        w.put('old.txt', Buffer.from('after'))
      );
      await log.refused(Wm('DeleteMultipleObjects', 'POST'), 409, 'FileImmutable', () => w.deleteMulti(['old.txt']));
      const got = await log.ok(Wm('GetObject', 'GET', 'old.txt'), () => w.get('old.txt'));
      assert.equal(got.content.toString(), 'before');
      await log.ok(Wm('PutObject', 'PUT', 'new.txt'), () => w.put('new.txt', Buffer.from('added')));
    });
  });
}

describe('access points (V1 and V4): create, list, policy, Block Public Access, requests through the alias', () => {
  for (const v4 of [false, true]) {
    const mode = v4 ? 'v4' : 'v1';
    const B = `ap-${mode}`;
    const AP = `ap1-${mode}`;
    const A = (op, method, key = '') => ({ op, method, bucket: B, key, akid: ALICE.akid });
    const apHeaders = { 'x-oss-access-point-name': AP };

    test(`access point with signature ${mode.toUpperCase()}`, async () => {
      const svc = client(ALICE, v4);
      const alice = client(ALICE, v4, B);
      await log.ok(A('PutBucket', 'PUT'), () => svc.putBucket(B));
      await log.ok(A('PutObject', 'PUT', 'doc.txt'), () => alice.put('doc.txt', Buffer.from('via alias')));
      const create =
        `<CreateAccessPointConfiguration><AccessPointName>${AP}</AccessPointName>` +
        '<NetworkOrigin>internet</NetworkOrigin></CreateAccessPointConfiguration>';
      let r = await log.ok(A('CreateAccessPoint', 'PUT'), () => sub(alice, 'PUT', B, { accessPoint: '' }, { body: create }));
      const alias = field(r, 'Alias');
      assert.match(alias, new RegExp(`^${AP}-[0-9a-f]{16}-ossalias$`));
      assert.equal(field(r, 'AccessPointArn'), `acs:oss:cn-hangzhou:${ALICE.id}:accesspoint/${AP}`);
      await log.refused(A('CreateAccessPoint', 'PUT'), 409, 'AccessPointAlreadyExists', () =>
        sub(alice, 'PUT', B, { accessPoint: '' }, { body: create })
      );
      await log.refused(A('CreateAccessPoint', 'PUT'), 400, 'InvalidArgument', () =>
        sub(alice, 'PUT', B, { accessPoint: '' }, { body: create.replace(AP, 'Bad_Name') })
      );
      r = await log.ok(A('ListAccessPoints', 'GET'), () => sub(alice, 'GET', B, { accessPoint: '' }));
      assert.equal(field(r, 'AccessPointName'), AP);
      r = await log.ok(A('GetAccessPoint', 'GET'), () => sub(alice, 'GET', B, { accessPoint: '' }, { headers: apHeaders }));
      assert.equal(field(r, 'Alias'), alias);
      assert.equal(field(r, 'NetworkOrigin'), 'internet');
      assert.equal(field(r, 'Status'), 'enable');
      await log.refused(A('GetAccessPointPolicy', 'GET'), 404, 'NoSuchAccessPointPolicy', () =>
        sub(alice, 'GET', B, { accessPointPolicy: '' }, { headers: apHeaders })
      );
      const policy = JSON.stringify({
        Version: '1',
        Statement: [{
          Effect: 'Allow', Principal: [AUDITOR.id], Action: ['oss:GetObject'],
          Resource: [`acs:oss:*:*:accesspoint/${AP}/object/*`],
        }],
      });
      await log.ok(A('PutAccessPointPolicy', 'PUT'), () =>
        sub(alice, 'PUT', B, { accessPointPolicy: '' }, { headers: apHeaders, body: policy })
      );
      r = await log.ok(A('GetAccessPointPolicy', 'GET'), () =>
        sub(alice, 'GET', B, { accessPointPolicy: '' }, { headers: apHeaders })
      );
      assert.equal(String(r.res.data), policy);
      // the auditor (RAM user with Get*/List*) through the alias: GetObject only
      const viaAlias = client(AUDITOR, v4, alias);
      const U = (op, method, key = '') => ({ op, method, bucket: B, key, akid: AUDITOR.akid });
      const g = await log.ok(U('GetObject', 'GET', 'doc.txt'), () => viaAlias.get('doc.txt'));
      assert.equal(g.content.toString(), 'via alias');
      await log.refused(U('ListObjectsV2', 'GET'), 403, 'AccessDenied', () => viaAlias.listV2({ 'max-keys': 10 }));
      await log.refused(U('PutObject', 'PUT', 'x.txt'), 403, 'AccessDenied', () => viaAlias.put('x.txt', Buffer.from('no')));
      const bobViaAlias = client(BOB, v4, alias);
      await log.refused({ ...U('GetObject', 'GET', 'doc.txt'), akid: BOB.akid }, 403, 'AccessDenied', () =>
        bobViaAlias.get('doc.txt')
      );
      // a public access point policy, and its Block Public Access
      const pub = JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Principal: ['*'], Action: ['oss:GetObject'], Resource: ['*'] }],
      });
      await log.ok(A('PutAccessPointPolicy', 'PUT'), () =>
        sub(alice, 'PUT', B, { accessPointPolicy: '' }, { headers: apHeaders, body: pub })
      );
      const aliasHost = { Host: `${alias}.oss-cn-hangzhou.aliyuncs.com` };
      assert.equal((await rawRequest(emu.port, { path: '/doc.txt', headers: aliasHost })).status, 200);
      const apq = { publicAccessBlock: '', 'x-oss-access-point-name': AP };
      r = await log.ok(A('GetAccessPointPublicAccessBlock', 'GET'), () => sub(alice, 'GET', B, apq));
      assert.equal(field(r, 'BlockPublicAccess'), 'false');
      await log.ok(A('PutAccessPointPublicAccessBlock', 'PUT'), () => sub(alice, 'PUT', B, apq, { body: pabDoc('true') }));
      r = await log.ok(A('GetAccessPointPublicAccessBlock', 'GET'), () => sub(alice, 'GET', B, apq));
      assert.equal(field(r, 'BlockPublicAccess'), 'true');
      assert.equal((await rawRequest(emu.port, { path: '/doc.txt', headers: aliasHost })).status, 403);
      await log.refused(A('PutAccessPointPolicy', 'PUT'), 403, 'AccessDenied', () =>
        sub(alice, 'PUT', B, { accessPointPolicy: '' }, { headers: apHeaders, body: pub })
      );
      await log.ok(A('DeleteAccessPointPublicAccessBlock', 'DELETE'), () => sub(alice, 'DELETE', B, apq, { statuses: [204] }));
      await log.ok(A('DeleteAccessPointPolicy', 'DELETE'), () =>
        sub(alice, 'DELETE', B, { accessPointPolicy: '' }, { headers: apHeaders, statuses: [204] })
      );
      await log.ok(A('DeleteAccessPoint', 'DELETE'), () =>
        sub(alice, 'DELETE', B, { accessPoint: '' }, { headers: apHeaders, statuses: [204] })
      );
      await log.refused(A('GetAccessPoint', 'GET'), 404, 'NoSuchAccessPoint', () =>
        sub(alice, 'GET', B, { accessPoint: '' }, { headers: apHeaders })
      );
      const gone = await rawRequest(emu.port, { path: '/doc.txt', headers: aliasHost });
      assert.equal(xmlField(gone.body, 'Code'), 'NoSuchBucket', 'the alias is gone with the access point');
    });
  }
});

test('request log: every request above with its OSS operation name, status and code', async () => {
  const problems = await log.check(emu);
  assert.deepEqual(problems, [], `request log mismatches:\n${problems.join('\n')}`);
});
