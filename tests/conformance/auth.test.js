// auth.test.js: authentication and authorization of ossemu as ali-oss meets them (V1 and V4):
// presigned URLs (valid, expired, tampered), STS keys (ali-oss `stsToken`; keys of the accounts
// file with "security_token" and "expiration"), and bucket policies evaluated together with RAM
// user policies. Every request is checked for its OSS answer and for its request-log line.
// Run: `node --test auth.test.js` in tests/conformance; OSSEMU=path selects the binary.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const OSS = require('ali-oss');
const { REGION, ALICE, BOB, AUDITOR, accountsDoc: baseAccountsDoc, Emu, rawRequest, xmlField, sleep } = require('./helpers');
const WRITER = { akid: 'LTAIwriter001', secret: 'writer-secret', id: '2000000000000002' };
const STS_OK = { akid: 'STS.alice01', secret: 'sts-secret-1', token: 'tok-alice-01' };
const STS_OLD = { akid: 'STS.alice02', secret: 'sts-secret-2', token: 'tok-alice-02' };

// The accounts of helpers.js plus alice's RAM user "writer" (may do anything) and two STS keys
// of alice: one valid until 2099, one that expired in 2020.
function accountsDoc() {
  const doc = baseAccountsDoc();
  const alice = doc.accounts.find(a => a.id === ALICE.id);
  alice.keys.push(
    { id: STS_OK.akid, secret: STS_OK.secret, security_token: STS_OK.token, expiration: '2099-01-01T00:00:00Z' },
    { id: STS_OLD.akid, secret: STS_OLD.secret, security_token: STS_OLD.token, expiration: '2020-01-01T00:00:00Z' },
  );
  alice.users.push({
    id: WRITER.id,
    name: 'writer',
    keys: [{ id: WRITER.akid, secret: WRITER.secret }],
    policy: { Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:*', Resource: 'acs:oss:*:*:*' }] },
  });
  return doc;
}

// AuthEmu is helpers.js's Emu with this file's accounts document.
class AuthEmu extends Emu {
  accountsDoc() {
    return accountsDoc();
  }
}

const emu = new AuthEmu();
before(async () => {
  await emu.start();
});
after(async () => {
  await emu.stop();
});

const client = (who, v4, bucket, extra) => emu.client(who, v4, bucket, extra);

// A client that only signs URLs: ali-oss refuses to presign for an IP endpoint, so it signs
// for the public host name; the path and query then go to ossemu with that Host header.
function signer(who, bucket, extra = {}) {
  return new OSS({
    endpoint: `http://oss-${REGION}.aliyuncs.com`,
    accessKeyId: who.akid,
    accessKeySecret: who.secret,
    region: `oss-${REGION}`,
    bucket,
    ...extra,
  });
}

// logged waits for the request-log line of request id rid and checks its fields.
async function logged(rid, want) {
  assert.match(String(rid || ''), /^[0-9A-F]{24}$/, `answer carries x-oss-request-id (${JSON.stringify(want)})`);
  let line;
  for (let i = 0; i < 40 && !line; i++) {
    line = emu.readLog().find(e => e.request_id === rid);
    if (!line) await sleep(25);
  }
  assert.ok(line, `a request-log line with request_id ${rid}`);
  for (const [k, v] of Object.entries(want)) {
    assert.equal(line[k], v, `request log ${k} of ${want.op} ${want.key || ''} (${JSON.stringify(line)})`);
  }
  return line;
}

// ok runs an ali-oss call that must succeed and checks its log line (status 200, no code).
async function ok(meta, fn) {
  let r;
  try {
    r = await fn();
  } catch (e) {
    e.message = `${meta.op} ${meta.bucket}/${meta.key}: expected success, got ${e.status} ${e.code}: ${e.message}`;
    throw e;
  }
  const res = r.res || r;
  await logged(res.headers['x-oss-request-id'], { ...meta, status: res.status, code: '' });
  return r;
}

// refused runs an ali-oss call that must fail with status and OSS code; checks the log line.
async function refused(meta, status, code, fn) {
  let err = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `${meta.op} ${meta.bucket}/${meta.key}: expected ${status} ${code}, got success`);
  assert.equal(err.status, status, `${meta.op} ${meta.key}: HTTP status (${err.message})`);
  assert.equal(err.code, code, `${meta.op} ${meta.key}: OSS error code (${err.message})`);
  await logged(err.requestId, { ...meta, status, code });
  return err;
}

// raw sends a request without ali-oss (a presigned URL, or anonymous) and checks the answer
// and its log line: want.status, want.code ('' for success) and the log fields of meta.
async function raw(meta, want, req) {
  const r = await rawRequest(emu.port, req);
  const code = r.status >= 300 ? xmlField(r.body, 'Code') || '' : '';
  assert.equal(r.status, want.status, `${meta.op} ${meta.key}: HTTP status (${r.body.toString().slice(0, 300)})`);
  assert.equal(code, want.code, `${meta.op} ${meta.key}: OSS error code`);
  await logged(r.headers['x-oss-request-id'], { ...meta, status: want.status, code: want.code });
  return r;
}

function via(url) {
  const u = new URL(url);
  return { path: u.pathname + u.search, headers: { Host: u.host } };
}

const SECRET = Buffer.from('top secret\n');
const OK200 = { status: 200, code: '' };
const DENIED = { status: 403, code: 'AccessDenied' };
const ANON = { akid: '' };

describe('presigned URLs (V1 signatureUrl, V4 signatureUrlV4)', () => {
  const B = 'auth-presign';
  const A = (op, key = '', akid = ALICE.akid) => ({
    op,
    method: op === 'PutObject' ? 'PUT' : 'GET',
    bucket: B,
    key,
    akid,
  });
  let sign;

  before(async () => {
    await ok({ op: 'PutBucket', method: 'PUT', bucket: B, key: '', akid: ALICE.akid }, () =>
      client(ALICE, false).putBucket(B));
    await ok({ ...A('PutObject', 'secret.txt'), bytes_in: SECRET.length }, () =>
      client(ALICE, false, B).put('secret.txt', SECRET));
    sign = signer(ALICE, B);
  });

  test('V1: valid 200, expired 403 AccessDenied, tampered 403 SignatureDoesNotMatch', async () => {
    const r = await raw(A('GetObject', 'secret.txt'), OK200, via(sign.signatureUrl('secret.txt', { expires: 600 })));
    assert.equal(r.body.toString(), SECRET.toString());
    const expired = new URL(sign.signatureUrl('secret.txt', { expires: -60 }));
    assert.ok(Number(expired.searchParams.get('Expires')) < Date.now() / 1000, 'Expires lies in the past');
    const e = await raw(A('GetObject', 'secret.txt'), DENIED, via(expired.href));
    assert.match(e.body.toString(), /expired/i, 'the message says the URL expired');
    // Tampering: a later Expires than the one signed, then another object with the same query.
    const t1 = new URL(sign.signatureUrl('secret.txt', { expires: 600 }));
    t1.searchParams.set('Expires', String(Number(t1.searchParams.get('Expires')) + 3600));
    await raw(A('GetObject', 'secret.txt'), { status: 403, code: 'SignatureDoesNotMatch' }, via(t1.href));
    const t2 = new URL(sign.signatureUrl('secret.txt', { expires: 600 }));
    t2.pathname = '/other.txt';
    await raw(A('GetObject', 'other.txt'), { status: 403, code: 'SignatureDoesNotMatch' }, via(t2.href));
    // A PUT through a URL signed for GET.
    await raw(A('PutObject', 'secret.txt'), { status: 403, code: 'SignatureDoesNotMatch' }, {
      ...via(sign.signatureUrl('secret.txt', { expires: 600 })),
      method: 'PUT',
      body: Buffer.from('overwritten'),
    });
    const still = await ok(A('GetObject', 'secret.txt'), () => client(ALICE, false, B).get('secret.txt'));
    assert.equal(still.content.toString(), SECRET.toString(), 'the refused PUT changed nothing');
  });

  test('V4: valid 200, expired 403 AccessDenied, tampered 403 SignatureDoesNotMatch', async () => {
    const url = await sign.signatureUrlV4('GET', 600, {}, 'secret.txt');
    const r = await raw(A('GetObject', 'secret.txt'), OK200, via(url));
    assert.equal(r.body.toString(), SECRET.toString());
    const short = await sign.signatureUrlV4('GET', 1, {}, 'secret.txt');
    await sleep(2100);
    const e = await raw(A('GetObject', 'secret.txt'), DENIED, via(short));
    assert.match(e.body.toString(), /expired/i, 'the message says the URL expired');
    const t1 = new URL(await sign.signatureUrlV4('GET', 600, {}, 'secret.txt'));
    t1.searchParams.set('x-oss-expires', '6000');
    await raw(A('GetObject', 'secret.txt'), { status: 403, code: 'SignatureDoesNotMatch' }, via(t1.href));
    const t2 = new URL(await sign.signatureUrlV4('GET', 600, {}, 'secret.txt'));
    const s = t2.searchParams.get('x-oss-signature');
    t2.searchParams.set('x-oss-signature', (s[0] === '0' ? '1' : '0') + s.slice(1));
    await raw(A('GetObject', 'secret.txt'), { status: 403, code: 'SignatureDoesNotMatch' }, via(t2.href));
    const t3 = new URL(await sign.signatureUrlV4('GET', 600, {}, 'secret.txt'));
    t3.searchParams.set('versionId', 'null');
    await raw(A('GetObject', 'secret.txt'), { status: 403, code: 'SignatureDoesNotMatch' }, via(t3.href));
  });

  test('STS presigned URLs carry the token (V1 security-token, V4 x-oss-security-token)', async () => {
    const s = signer(STS_OK, B, { stsToken: STS_OK.token });
    const u1 = new URL(s.signatureUrl('secret.txt', { expires: 600 }));
    assert.equal(u1.searchParams.get('security-token'), STS_OK.token);
    await raw(A('GetObject', 'secret.txt', STS_OK.akid), OK200, via(u1.href));
    const u4 = new URL(await s.signatureUrlV4('GET', 600, {}, 'secret.txt'));
    assert.equal(u4.searchParams.get('x-oss-security-token'), STS_OK.token);
    await raw(A('GetObject', 'secret.txt', STS_OK.akid), OK200, via(u4.href));
    // The same URL without its token: the key is temporary, so the token is required.
    u1.searchParams.delete('security-token');
    await raw(A('GetObject', 'secret.txt', STS_OK.akid), { status: 403, code: 'InvalidSecurityToken' }, via(u1.href));
    const e = signer(STS_OLD, B, { stsToken: STS_OLD.token });
    await raw(A('GetObject', 'secret.txt', STS_OLD.akid), { status: 403, code: 'SecurityTokenExpired' },
      via(e.signatureUrl('secret.txt', { expires: 600 })));
  });
});

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';
  const B = `auth-${mode}`;
  const A = (op, method, key, who) => ({ op, method, bucket: B, key: key || '', akid: who.akid });

  describe(`ali-oss with signature ${mode.toUpperCase()}`, () => {
    let alice;
    before(async () => {
      alice = client(ALICE, v4, B);
      await ok(A('PutBucket', 'PUT', '', ALICE), () => client(ALICE, v4).putBucket(B));
      for (const k of ['secret.txt', 'pub/a.txt', 'shared/doc.txt', 'private/x.txt']) {
        await ok(A('PutObject', 'PUT', k, ALICE), () => alice.put(k, Buffer.from(`content of ${k}\n`)));
      }
    });

    test('STS key with stsToken: valid 200; missing token 403; wrong token 403; expired 403', async () => {
      const sts = client(STS_OK, v4, B, { stsToken: STS_OK.token });
      const g = await ok(A('GetObject', 'GET', 'secret.txt', STS_OK), () => sts.get('secret.txt'));
      assert.equal(g.content.toString(), 'content of secret.txt\n');
      await ok(A('PutObject', 'PUT', 'sts/new.txt', STS_OK), () => sts.put('sts/new.txt', Buffer.from('sts\n')));
      const h = await ok(A('HeadObject', 'HEAD', 'sts/new.txt', ALICE), () => alice.head('sts/new.txt'));
      assert.equal(h.res.headers['content-length'], '4', 'the STS write landed in alice\'s bucket');
      await refused(A('GetObject', 'GET', 'secret.txt', STS_OK), 403, 'InvalidSecurityToken', () =>
        client(STS_OK, v4, B).get('secret.txt'));
      await refused(A('GetObject', 'GET', 'secret.txt', STS_OK), 403, 'InvalidSecurityToken', () =>
        client(STS_OK, v4, B, { stsToken: 'tok-forged' }).get('secret.txt'));
      await refused(A('GetObject', 'GET', 'secret.txt', STS_OLD), 403, 'SecurityTokenExpired', () =>
        client(STS_OLD, v4, B, { stsToken: STS_OLD.token }).get('secret.txt'));
      await refused(A('PutObject', 'PUT', 'sts/old.txt', STS_OLD), 403, 'SecurityTokenExpired', () =>
        client(STS_OLD, v4, B, { stsToken: STS_OLD.token }).put('sts/old.txt', Buffer.from('x')));
      await refused(A('HeadObject', 'HEAD', 'sts/old.txt', ALICE), 404, 'NoSuchKey', () => alice.head('sts/old.txt'));
    });

    test('before any bucket policy: bob, anonymous and the RAM users are where their own rights put them', async () => {
      const bob = client(BOB, v4, B);
      await refused(A('GetObject', 'GET', 'shared/doc.txt', BOB), 403, 'AccessDenied', () => bob.get('shared/doc.txt'));
      await raw(A('GetObject', 'GET', 'pub/a.txt', ANON), DENIED, { path: `/${B}/pub/a.txt` });
      await ok(A('GetObject', 'GET', 'secret.txt', AUDITOR), () => client(AUDITOR, v4, B).get('secret.txt'));
      await ok(A('PutObject', 'PUT', 'private/w.txt', WRITER), () =>
        client(WRITER, v4, B).put('private/w.txt', Buffer.from('w\n')));
    });

    test('PutBucketPolicy (and bob may not set one)', async () => {
      const policy = {
        Version: '1',
        Statement: [
          // An explicit Deny for the auditor, whose RAM policy allows oss:Get*.
          {
            Effect: 'Deny',
            Principal: [AUDITOR.id],
            Action: ['oss:GetObject'],
            Resource: [`acs:oss:*:${ALICE.id}:${B}/secret*`],
          },
          // Another account (bob) may read under shared/.
          {
            Effect: 'Allow',
            Principal: [BOB.id],
            Action: ['oss:GetObject', 'oss:HeadObject'],
            Resource: [`acs:oss:*:*:${B}/shared/*`],
          },
          // The writer (RAM oss:*) may not touch private/.
          { Effect: 'Deny', Principal: [WRITER.id], Action: ['oss:*'], Resource: [`acs:oss:*:*:${B}/private/*`] },
          // Anyone, anonymous included, may read pub/.
          { Effect: 'Allow', Principal: ['*'], Action: ['oss:GetObject'], Resource: [`acs:oss:*:*:${B}/pub/*`] },
        ],
      };
      await refused(A('PutBucketPolicy', 'PUT', '', BOB), 403, 'AccessDenied', () =>
        client(BOB, v4).putBucketPolicy(B, policy));
      await refused(A('PutBucketPolicy', 'PUT', '', AUDITOR), 403, 'AccessDenied', () =>
        client(AUDITOR, v4).putBucketPolicy(B, policy));
      await ok(A('PutBucketPolicy', 'PUT', '', ALICE), () => client(ALICE, v4).putBucketPolicy(B, policy));
      const g = await ok(A('GetBucketPolicy', 'GET', '', ALICE), () => client(ALICE, v4).getBucketPolicy(B));
      assert.deepEqual(g.policy, policy, 'GetBucketPolicy returns the document');
    });

    test('an explicit Deny of the bucket policy beats the RAM user\'s Allow', async () => {
      const auditor = client(AUDITOR, v4, B);
      const e = await refused(A('GetObject', 'GET', 'secret.txt', AUDITOR), 403, 'AccessDenied', () =>
        auditor.get('secret.txt'));
      assert.match(e.message, /bucket policy/, 'the message names the bucket policy');
      const g = await ok(A('GetObject', 'GET', 'pub/a.txt', AUDITOR), () => auditor.get('pub/a.txt'));
      assert.equal(g.content.toString(), 'content of pub/a.txt\n', 'the RAM Allow still holds elsewhere');
      await ok(A('GetObject', 'GET', 'secret.txt', ALICE), () => alice.get('secret.txt'));
    });

    test('a bucket-policy Allow grants another account (bob) read on a prefix, nothing more', async () => {
      const bob = client(BOB, v4, B);
      const g = await ok(A('GetObject', 'GET', 'shared/doc.txt', BOB), () => bob.get('shared/doc.txt'));
      assert.equal(g.content.toString(), 'content of shared/doc.txt\n');
      await refused(A('GetObject', 'GET', 'private/x.txt', BOB), 403, 'AccessDenied', () => bob.get('private/x.txt'));
      await refused(A('GetObject', 'GET', 'secret.txt', BOB), 403, 'AccessDenied', () => bob.get('secret.txt'));
      await refused(A('PutObject', 'PUT', 'shared/bob.txt', BOB), 403, 'AccessDenied', () =>
        bob.put('shared/bob.txt', Buffer.from('bob\n')));
      await refused(A('DeleteObject', 'DELETE', 'shared/doc.txt', BOB), 403, 'AccessDenied', () =>
        bob.delete('shared/doc.txt'));
      await refused(A('ListObjects', 'GET', '', BOB), 403, 'AccessDenied', () => bob.list({ prefix: 'shared/' }));
    });

    test('a bucket-policy Deny on a prefix for a RAM user', async () => {
      const writer = client(WRITER, v4, B);
      await refused(A('PutObject', 'PUT', 'private/y.txt', WRITER), 403, 'AccessDenied', () =>
        writer.put('private/y.txt', Buffer.from('y\n')));
      await refused(A('GetObject', 'GET', 'private/x.txt', WRITER), 403, 'AccessDenied', () =>
        writer.get('private/x.txt'));
      await refused(A('DeleteObject', 'DELETE', 'private/x.txt', WRITER), 403, 'AccessDenied', () =>
        writer.delete('private/x.txt'));
      await ok(A('PutObject', 'PUT', 'open/y.txt', WRITER), () => writer.put('open/y.txt', Buffer.from('y\n')));
      const g = await ok(A('GetObject', 'GET', 'private/x.txt', ALICE), () => alice.get('private/x.txt'));
      assert.equal(g.content.toString(), 'content of private/x.txt\n', 'the refused DELETE changed nothing');
    });

    test('anonymous access granted by a policy with Principal "*"', async () => {
      const anon = ANON;
      const r = await raw(A('GetObject', 'GET', 'pub/a.txt', anon), OK200, { path: `/${B}/pub/a.txt` });
      assert.equal(r.body.toString(), 'content of pub/a.txt\n');
      await raw(A('GetObject', 'GET', 'pub/a.txt', anon), OK200, {
        path: '/pub/a.txt',
        headers: { Host: `${B}.oss-${REGION}.aliyuncs.com` },
      });
      await raw(A('GetObject', 'GET', 'shared/doc.txt', anon), DENIED, { path: `/${B}/shared/doc.txt` });
      await raw(A('PutObject', 'PUT', 'pub/anon.txt', anon), DENIED, {
        method: 'PUT',
        path: `/${B}/pub/anon.txt`,
        body: Buffer.from('anon\n'),
      });
      await raw(A('ListObjects', 'GET', '', anon), DENIED, { path: `/${B}/?prefix=pub%2F` });
      // Bob is a "*" too: the anonymous grant covers him.
      await ok(A('GetObject', 'GET', 'pub/a.txt', BOB), () => client(BOB, v4, B).get('pub/a.txt'));
    });

    test('DeleteBucketPolicy takes the grants back', async () => {
      await ok(A('DeleteBucketPolicy', 'DELETE', '', ALICE), () => client(ALICE, v4).deleteBucketPolicy(B));
      // ali-oss's getBucketPolicy resolves (policy null) on a 404 instead of throwing.
      const g = await client(ALICE, v4).getBucketPolicy(B);
      assert.equal(g.status, 404, 'GetBucketPolicy after the delete');
      assert.equal(g.policy, null);
      await logged(g.res.headers['x-oss-request-id'], {
        ...A('GetBucketPolicy', 'GET', '', ALICE),
        status: 404,
        code: 'NoSuchBucketPolicy',
      });
      await refused(A('GetObject', 'GET', 'shared/doc.txt', BOB), 403, 'AccessDenied', () =>
        client(BOB, v4, B).get('shared/doc.txt'));
      await raw(A('GetObject', 'GET', 'pub/a.txt', ANON), DENIED, { path: `/${B}/pub/a.txt` });
      await ok(A('GetObject', 'GET', 'secret.txt', AUDITOR), () => client(AUDITOR, v4, B).get('secret.txt'));
    });
  });
}
