// settings.test.js: ali-oss (V1 and V4) against ossemu's bucket settings (policy, CORS,
// lifecycle with the access-monitor rule, referer, logging, website, encryption, bucket tags),
// GetBucketStat/Location/Info, AppendObject, symlinks, object tags, user-metadata rules and the
// bucket quota; every request's request-log line (OSS operation name, status, code); settings
// surviving a restart. Run: `node --test settings.test.js` in tests/conformance.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { policy2Str } = require('ali-oss/lib/common/utils/policy2Str');
const { REGION, ALICE, BOB, AUDITOR, Emu, Ledger, crc64, xmlField, send } = require('./helpers');

const emu = new Emu();
const log = new Ledger(); // one entry per request: what its request-log line must say
const ledger = log.entries;

before(async () => {
  await emu.start();
});
after(async () => {
  await emu.stop();
});

const client = (who, v4, bucket, extra) => emu.client(who, v4, bucket, extra);

const ok = (meta, fn) => log.ok(meta, fn);
const refused = (meta, status, code, fn) => log.refused(meta, status, code, fn);

// send: a signed request with a body of our own through ali-oss's generic request().
// subres is an object of query parameters; key '' addresses the bucket.
function accessMonitor(c, bucket, status) {
  const params = { method: 'PUT', bucket, query: { accessmonitor: null }, successStatuses: [200] };
  params.content = Buffer.from(`<AccessMonitorConfiguration><Status>${status}</Status></AccessMonitorConfiguration>`);
  params.mime = 'application/xml';
  return c.request(params);
}

// GetBucketPolicy of an unset policy: ali-oss's getBucketPolicy takes any status as success,
// so the 404 and its code are checked on the raw answer.
async function policyUnset(meta, c, bucket) {
  const r = await ok(meta, () => send(c, { method: 'GET', bucket, subres: { policy: '' }, statuses: [404] }));
  ledger[ledger.length - 1].code = 'NoSuchBucketPolicy';
  assert.equal(r.res.status, 404);
  assert.equal(xmlField(r.res.data, 'Code'), 'NoSuchBucketPolicy');
}

const atimeRule = {
  id: 'cold-after-30d-idle',
  prefix: 'logs/',
  status: 'Enabled',
  transition: { days: 30, storageClass: 'IA', isAccessTime: 'true', returnToStdWhenVisit: 'true' },
};

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';
  const B = `set-${mode}-alice`;

  describe(`bucket settings and object extras with signature ${mode.toUpperCase()}`, () => {
    let alice; // bound to B
    let svc; // no bucket
    let aud; // RAM user with Get*/List* only
    const A = (op, method, key = '') => ({ op, method, bucket: B, key, akid: ALICE.akid });
    const U = (op, method, key = '') => ({ op, method, bucket: B, key, akid: AUDITOR.akid });

    before(async () => {
      alice = client(ALICE, v4, B);
      svc = client(ALICE, v4);
      aud = client(AUDITOR, v4, B);
      await ok(A('PutBucket', 'PUT'), () => svc.putBucket(B));
    });

    test('policy: unset 404, put, verbatim get, malformed 400 changes nothing, RAM user 403, delete', async () => {
      await policyUnset(A('GetBucketPolicy', 'GET'), alice, B);
      const policy = {
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: ['oss:GetObject'], Principal: [BOB.id], Resource: [`acs:oss:*:*:${B}/pub/*`] },
        ],
      };
      await ok(A('PutBucketPolicy', 'PUT'), () => svc.putBucketPolicy(B, policy));
      const g = await ok(A('GetBucketPolicy', 'GET'), () => svc.getBucketPolicy(B));
      assert.deepEqual(g.policy, policy);
      assert.equal(g.res.data.toString(), policy2Str(policy), 'GET returns the stored JSON verbatim');
      assert.match(g.res.headers['content-type'], /application\/json/);
      const bad = { Version: '1', Statement: [{ Effect: 'Maybe', Action: 'oss:*', Resource: '*' }] };
      await refused(A('PutBucketPolicy', 'PUT'), 400, 'MalformedPolicy', () => svc.putBucketPolicy(B, bad));
      const noVersion = { Statement: [{ Effect: 'Allow', Action: 'oss:*', Resource: '*' }] };
      await refused(A('PutBucketPolicy', 'PUT'), 400, 'MalformedPolicy', () => svc.putBucketPolicy(B, noVersion));
      await refused(A('PutBucketPolicy', 'PUT'), 400, 'MalformedPolicy', () =>
        send(alice, { method: 'PUT', bucket: B, subres: { policy: '' }, body: '{"Version":"1",' })
      );
      const huge = { ...policy, Statement: Array.from({ length: 200 }, () => policy.Statement[0]) };
      await refused(A('PutBucketPolicy', 'PUT'), 400, 'EntityTooLarge', () => svc.putBucketPolicy(B, huge));
      const g2 = await ok(A('GetBucketPolicy', 'GET'), () => svc.getBucketPolicy(B));
      assert.deepEqual(g2.policy, policy, 'refused puts changed nothing');
      await refused(U('PutBucketPolicy', 'PUT'), 403, 'AccessDenied', () =>
        client(AUDITOR, v4).putBucketPolicy(B, policy)
      );
      await ok(A('DeleteBucketPolicy', 'DELETE'), () => svc.deleteBucketPolicy(B));
      await policyUnset(A('GetBucketPolicy', 'GET'), alice, B);
    });

    test('cors: unset 404, put/get, >10 rules and bad method 400, malformed XML, RAM user, delete', async () => {
      await refused(A('GetBucketCors', 'GET'), 404, 'NoSuchCORSConfiguration', () => svc.getBucketCORS(B));
      const rules = [
        { allowedOrigin: 'https://a.example', allowedMethod: ['GET', 'PUT'], allowedHeader: '*', maxAgeSeconds: '60' },
        { allowedOrigin: '*', allowedMethod: 'HEAD', exposeHeader: 'x-oss-request-id' },
      ];
      await ok(A('PutBucketCors', 'PUT'), () => svc.putBucketCORS(B, rules));
      const g = await ok(A('GetBucketCors', 'GET'), () => svc.getBucketCORS(B));
      assert.equal(g.rules.length, 2);
      assert.equal(g.rules[0].allowedOrigin, 'https://a.example');
      assert.deepEqual(g.rules[0].allowedMethod, ['GET', 'PUT']);
      assert.equal(g.rules[0].maxAgeSeconds, '60');
      assert.equal(g.rules[1].exposeHeader, 'x-oss-request-id');
      const many = Array.from({ length: 11 }, (_, i) => ({ allowedOrigin: `https://h${i}.example`, allowedMethod: 'GET' }));
      await refused(A('PutBucketCors', 'PUT'), 400, 'InvalidArgument', () => svc.putBucketCORS(B, many));
      await refused(A('PutBucketCors', 'PUT'), 400, 'InvalidArgument', () =>
        svc.putBucketCORS(B, [{ allowedOrigin: '*', allowedMethod: 'PATCH' }])
      );
      await refused(A('PutBucketCors', 'PUT'), 400, 'MalformedXML', () =>
        send(alice, { method: 'PUT', bucket: B, subres: { cors: '' }, body: '<CORSConfiguration><CORSRule>' })
      );
      await refused(A('PutBucketCors', 'PUT'), 400, 'MalformedXML', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { cors: '' },
          body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><CORSConfiguration/>',
        })
      );
      await refused(U('PutBucketCors', 'PUT'), 403, 'AccessDenied', () => client(AUDITOR, v4).putBucketCORS(B, rules));
      const ga = await ok(U('GetBucketCors', 'GET'), () => client(AUDITOR, v4).getBucketCORS(B));
      assert.equal(ga.rules.length, 2, 'refused puts changed nothing; the RAM user may read');
      await ok(A('DeleteBucketCors', 'DELETE'), () => svc.deleteBucketCORS(B));
      await refused(A('GetBucketCors', 'GET'), 404, 'NoSuchCORSConfiguration', () => svc.getBucketCORS(B));
    });

    test('lifecycle: unset 404, put/get, bad rule 400, delete', async () => {
      await refused(A('GetBucketLifecycle', 'GET'), 404, 'NoSuchLifecycle', () => svc.getBucketLifecycle(B));
      const rules = [
        { id: 'expire-tmp', prefix: 'tmp/', status: 'Enabled', expiration: { days: 7 } },
        { id: 'abort-mpu', prefix: '', status: 'Disabled', abortMultipartUpload: { days: 3 } },
      ];
      await ok(A('PutBucketLifecycle', 'PUT'), () => svc.putBucketLifecycle(B, rules));
      const g = await ok(A('GetBucketLifecycle', 'GET'), () => svc.getBucketLifecycle(B));
      assert.equal(g.rules.length, 2);
      assert.equal(g.rules[0].id, 'expire-tmp');
      assert.equal(g.rules[0].prefix, 'tmp/');
      assert.equal(g.rules[0].expiration.days, '7');
      assert.equal(g.rules[1].status, 'Disabled');
      await refused(A('PutBucketLifecycle', 'PUT'), 400, 'InvalidArgument', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { lifecycle: '' },
          body: '<LifecycleConfiguration><Rule><ID>x</ID><Prefix>a/</Prefix><Status>Enabled</Status></Rule></LifecycleConfiguration>',
        })
      );
      await refused(A('PutBucketLifecycle', 'PUT'), 400, 'MalformedXML', () =>
        send(alice, { method: 'PUT', bucket: B, subres: { lifecycle: '' }, body: '<Lifecycle/>' })
      );
      const rule = inner => `<LifecycleConfiguration><Rule><ID>r</ID><Prefix>p/</Prefix><Status>Enabled</Status>${inner}</Rule></LifecycleConfiguration>`;
      const e47 = await refused(A('PutBucketLifecycle', 'PUT'), 400, 'InvalidArgument', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { lifecycle: '' },
          body: rule('<Transition><CreatedBeforeDate>2026-01-01T00:00:00.000Z</CreatedBeforeDate><StorageClass>IA</StorageClass><IsAccessTime>true</IsAccessTime></Transition>'),
        })
      );
      assert.equal(e47.ecCode, '0014-00000047', 'IsAccessTime with CreatedBeforeDate');
      await refused(A('PutBucketLifecycle', 'PUT'), 400, 'InvalidArgument', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { lifecycle: '' },
          body: rule('<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>'),
        })
      );
      await refused(A('PutBucketLifecycle', 'PUT'), 400, 'InvalidArgument', () =>
        send(alice, { method: 'PUT', bucket: B, subres: { lifecycle: '' }, body: rule('<Expiration><Days>0</Days></Expiration>') })
      );
      await refused(U('PutBucketLifecycle', 'PUT'), 403, 'AccessDenied', () =>
        client(AUDITOR, v4).putBucketLifecycle(B, rules)
      );
      await ok(A('DeleteBucketLifecycle', 'DELETE'), () => svc.deleteBucketLifecycle(B));
      await refused(A('GetBucketLifecycle', 'GET'), 404, 'NoSuchLifecycle', () => svc.getBucketLifecycle(B));
    });

    test('lifecycle and access monitor: IsAccessTime needs Enabled; Disabled refused while such a rule exists', async () => {
      const e = await refused(A('PutBucketLifecycle', 'PUT'), 400, 'InvalidArgument', () =>
        svc.putBucketLifecycle(B, [{ ...atimeRule, transition: { ...atimeRule.transition } }])
      );
      assert.equal(e.ecCode, '0014-00000016');
      await ok(A('PutBucketAccessMonitor', 'PUT'), () => accessMonitor(alice, B, 'Enabled'));
      await ok(A('PutBucketLifecycle', 'PUT'), () =>
        svc.putBucketLifecycle(B, [{ ...atimeRule, transition: { ...atimeRule.transition } }])
      );
      const g = await ok(A('GetBucketLifecycle', 'GET'), () => svc.getBucketLifecycle(B));
      assert.equal(g.rules[0].transition.isAccessTime, 'true');
      const e2 = await refused(A('PutBucketAccessMonitor', 'PUT'), 409, 'InvalidRequest', () =>
        accessMonitor(alice, B, 'Disabled')
      );
      assert.equal(e2.ecCode, '0036-00000005');
      await ok(A('DeleteBucketLifecycle', 'DELETE'), () => svc.deleteBucketLifecycle(B));
      await ok(A('PutBucketAccessMonitor', 'PUT'), () => accessMonitor(alice, B, 'Disabled'));
    });

    test('referer: default when unset, put/get, reset by put, malformed, RAM user', async () => {
      const g0 = await ok(A('GetBucketReferer', 'GET'), () => svc.getBucketReferer(B));
      assert.equal(g0.allowEmpty, true);
      assert.equal(g0.referers, null);
      await ok(A('PutBucketReferer', 'PUT'), () => svc.putBucketReferer(B, false, ['https://*.example.com']));
      const g = await ok(A('GetBucketReferer', 'GET'), () => svc.getBucketReferer(B));
      assert.equal(g.allowEmpty, false);
      assert.deepEqual(g.referers, ['https://*.example.com']);
      await refused(A('PutBucketReferer', 'PUT'), 400, 'MalformedXML', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { referer: '' },
          body: '<RefererConfiguration><AllowEmptyReferer>maybe</AllowEmptyReferer></RefererConfiguration>',
        })
      );
      await refused(U('PutBucketReferer', 'PUT'), 403, 'AccessDenied', () =>
        client(AUDITOR, v4).putBucketReferer(B, true, null)
      );
      await refused({ ...A('Unknown', 'DELETE') }, 405, 'MethodNotAllowed', () =>
        send(alice, { method: 'DELETE', bucket: B, subres: { referer: '' }, statuses: [204] })
      );
      await ok(A('PutBucketReferer', 'PUT'), () => svc.deleteBucketReferer(B)); // ali-oss: a PUT of the default
      const g2 = await ok(A('GetBucketReferer', 'GET'), () => svc.getBucketReferer(B));
      assert.equal(g2.allowEmpty, true);
      assert.equal(g2.referers, null);
    });

    test('logging: empty when unset, put/get, unknown target bucket 400, delete 204', async () => {
      const g0 = await ok(A('GetBucketLogging', 'GET'), () => svc.getBucketLogging(B));
      assert.equal(g0.enable, false);
      await ok(A('PutBucketLogging', 'PUT'), () => svc.putBucketLogging(B, 'access-log/'));
      const g = await ok(A('GetBucketLogging', 'GET'), () => svc.getBucketLogging(B));
      assert.equal(g.enable, true);
      assert.equal(g.prefix, 'access-log/');
      const info = await ok(A('GetBucketInfo', 'GET'), () => svc.getBucketInfo(B));
      assert.equal(info.bucket.BucketPolicy.LogBucket, B, 'GetBucketInfo BucketPolicy/LogBucket');
      await refused(A('PutBucketLogging', 'PUT'), 400, 'InvalidTargetBucketForLogging', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { logging: '' },
          body: '<BucketLoggingStatus><LoggingEnabled><TargetBucket>no-such-bucket-x</TargetBucket></LoggingEnabled></BucketLoggingStatus>',
        })
      );
      await refused(U('PutBucketLogging', 'PUT'), 403, 'AccessDenied', () => client(AUDITOR, v4).putBucketLogging(B, 'x/'));
      const d = await ok(A('DeleteBucketLogging', 'DELETE'), () => svc.deleteBucketLogging(B));
      assert.equal(d.res.status, 204);
      const g2 = await ok(A('GetBucketLogging', 'GET'), () => svc.getBucketLogging(B));
      assert.equal(g2.enable, false);
    });

    test('website: unset 404, put/get, missing index 400, delete', async () => {
      await refused(A('GetBucketWebsite', 'GET'), 404, 'NoSuchWebsiteConfiguration', () => svc.getBucketWebsite(B));
      await ok(A('PutBucketWebsite', 'PUT'), () =>
        svc.putBucketWebsite(B, { index: 'index.html', error: 'err.html', supportSubDir: 'true', type: '0' })
      );
      const g = await ok(A('GetBucketWebsite', 'GET'), () => svc.getBucketWebsite(B));
      assert.equal(g.index, 'index.html');
      assert.equal(g.error, 'err.html');
      assert.equal(g.supportSubDir, 'true');
      await refused(A('PutBucketWebsite', 'PUT'), 400, 'MalformedXML', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { website: '' },
          body: '<WebsiteConfiguration><IndexDocument></IndexDocument></WebsiteConfiguration>',
        })
      );
      await refused(U('PutBucketWebsite', 'PUT'), 403, 'AccessDenied', () =>
        client(AUDITOR, v4).putBucketWebsite(B, { index: 'i.html' })
      );
      await ok(A('DeleteBucketWebsite', 'DELETE'), () => svc.deleteBucketWebsite(B));
      await refused(A('GetBucketWebsite', 'GET'), 404, 'NoSuchWebsiteConfiguration', () => svc.getBucketWebsite(B));
    });

    test('encryption: unset 404, put/get, bad algorithm 400, GetBucketInfo shows it, delete', async () => {
      await refused(A('GetBucketEncryption', 'GET'), 404, 'NoSuchServerSideEncryptionRule', () =>
        svc.getBucketEncryption(B)
      );
      await ok(A('PutBucketEncryption', 'PUT'), () => svc.putBucketEncryption(B, { SSEAlgorithm: 'KMS', KMSMasterKeyID: 'key-1' }));
      const g = await ok(A('GetBucketEncryption', 'GET'), () => svc.getBucketEncryption(B));
      assert.equal(g.encryption.SSEAlgorithm, 'KMS');
      assert.equal(g.encryption.KMSMasterKeyID, 'key-1');
      await refused(A('PutBucketEncryption', 'PUT'), 400, 'InvalidArgument', () =>
        svc.putBucketEncryption(B, { SSEAlgorithm: 'DES' })
      );
      await refused(A('PutBucketEncryption', 'PUT'), 400, 'InvalidArgument', () =>
        svc.putBucketEncryption(B, { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'key-1' })
      );
      const info = await ok(A('GetBucketInfo', 'GET'), () => svc.getBucketInfo(B));
      assert.equal(info.bucket.ServerSideEncryptionRule.SSEAlgorithm, 'KMS');
      await refused(U('PutBucketEncryption', 'PUT'), 403, 'AccessDenied', () =>
        client(AUDITOR, v4).putBucketEncryption(B, { SSEAlgorithm: 'AES256' })
      );
      await ok(A('DeleteBucketEncryption', 'DELETE'), () => svc.deleteBucketEncryption(B));
      await refused(A('GetBucketEncryption', 'GET'), 404, 'NoSuchServerSideEncryptionRule', () =>
        svc.getBucketEncryption(B)
      );
      const info2 = await ok(A('GetBucketInfo', 'GET'), () => svc.getBucketInfo(B));
      assert.equal(info2.bucket.ServerSideEncryptionRule.SSEAlgorithm, 'None');
    });

    test('bucket tags: empty when unset, put/get, delete some keys, bad key 400, delete all', async () => {
      const g0 = await ok(A('GetBucketTags', 'GET'), () => svc.getBucketTags(B));
      assert.deepEqual(g0.tag, {});
      await ok(A('PutBucketTags', 'PUT'), () => svc.putBucketTags(B, { team: 'storage', env: 'test', cost: '42' }));
      const g = await ok(A('GetBucketTags', 'GET'), () => svc.getBucketTags(B));
      assert.deepEqual(g.tag, { team: 'storage', env: 'test', cost: '42' });
      await ok(A('DeleteBucketTags', 'DELETE'), () =>
        send(alice, { method: 'DELETE', bucket: B, subres: { tagging: 'team,cost' }, statuses: [204] })
      );
      const g2 = await ok(A('GetBucketTags', 'GET'), () => svc.getBucketTags(B));
      assert.deepEqual(g2.tag, { env: 'test' });
      await refused(A('PutBucketTags', 'PUT'), 400, 'InvalidArgument', () =>
        send(alice, {
          method: 'PUT', bucket: B, subres: { tagging: '' },
          body: '<Tagging><TagSet><Tag><Key>Aliyun-x</Key><Value>v</Value></Tag></TagSet></Tagging>',
        })
      );
      await refused(U('PutBucketTags', 'PUT'), 403, 'AccessDenied', () => client(AUDITOR, v4).putBucketTags(B, { a: 'b' }));
      await ok(A('DeleteBucketTags', 'DELETE'), () => svc.deleteBucketTags(B));
      const g3 = await ok(A('GetBucketTags', 'GET'), () => svc.getBucketTags(B));
      assert.deepEqual(g3.tag, {});
    });

    test('AppendObject: create, continue, CRC64 of the whole object, position and type errors', async () => {
      const p1 = Buffer.from('hello, ');
      const p2 = Buffer.from('appended world\n');
      const r1 = await ok(A('AppendObject', 'POST', 'app.log'), () => alice.append('app.log', p1, { position: 0 }));
      assert.equal(r1.nextAppendPosition, String(p1.length));
      assert.equal(r1.res.headers['x-oss-hash-crc64ecma'], crc64(p1));
      const r2 = await ok(A('AppendObject', 'POST', 'app.log'), () =>
        alice.append('app.log', p2, { position: r1.nextAppendPosition })
      );
      const whole = Buffer.concat([p1, p2]);
      assert.equal(r2.nextAppendPosition, String(whole.length));
      assert.equal(r2.res.headers['x-oss-hash-crc64ecma'], crc64(whole), 'CRC64 continued over the whole object');
      const g = await ok(A('GetObject', 'GET', 'app.log'), () => alice.get('app.log'));
      assert.ok(Buffer.compare(g.content, whole) === 0);
      assert.equal(g.res.headers['x-oss-object-type'], 'Appendable');
      assert.equal(g.res.headers['x-oss-hash-crc64ecma'], crc64(whole));
      await refused(A('AppendObject', 'POST', 'app.log'), 409, 'PositionNotEqualToLength', () =>
        alice.append('app.log', p2, { position: 3 })
      );
      const r409 = await ok({ ...A('AppendObject', 'POST', 'app.log'), status: 409 }, () =>
        send(alice, { method: 'POST', bucket: B, key: 'app.log', subres: { append: '', position: '0' }, body: 'x', statuses: [409] })
      );
      ledger[ledger.length - 1].code = 'PositionNotEqualToLength';
      assert.equal(r409.res.headers['x-oss-next-append-position'], String(whole.length));
      await ok(A('PutObject', 'PUT', 'normal.txt'), () => alice.put('normal.txt', Buffer.from('n')));
      await refused(A('AppendObject', 'POST', 'normal.txt'), 409, 'ObjectNotAppendable', () =>
        alice.append('normal.txt', p1, { position: 1 })
      );
      // bodies over 1 MiB arrive spooled to a file: created from it, then grown from it
      const big1 = Buffer.alloc(1536 * 1024, 'a');
      const big2 = Buffer.alloc(1100 * 1024, 'b');
      await ok(A('AppendObject', 'POST', 'big.bin'), () => alice.append('big.bin', big1, { position: 0 }));
      const rb = await ok(A('AppendObject', 'POST', 'big.bin'), () =>
        alice.append('big.bin', big2, { position: big1.length })
      );
      const bigAll = Buffer.concat([big1, big2]);
      assert.equal(rb.res.headers['x-oss-hash-crc64ecma'], crc64(bigAll));
      const gb = await ok(A('GetObject', 'GET', 'big.bin'), () => alice.get('big.bin'));
      assert.ok(Buffer.compare(gb.content, bigAll) === 0, 'spooled appends keep every byte');
      await refused(U('AppendObject', 'POST', 'app.log'), 403, 'AccessDenied', () =>
        aud.append('app.log', p1, { position: whole.length })
      );
    });

    test('symlinks: dangling 404, target encoded, GET/HEAD follow, type Symlink', async () => {
      const target = 'dir/target file+1.txt';
      await ok(A('PutSymlink', 'PUT', 'link'), () => alice.putSymlink('link', target, { meta: { owner: 'ops' } }));
      await refused(A('GetObject', 'GET', 'link'), 404, 'SymlinkTargetNotExist', () => alice.get('link'));
      const body = Buffer.from('symlink target body\n');
      await ok(A('PutObject', 'PUT', target), () => alice.put(target, body));
      const s = await ok(A('GetSymlink', 'GET', 'link'), () => alice.getSymlink('link'));
      assert.equal(s.targetName, target);
      const raw = s.res.headers['x-oss-symlink-target'];
      assert.equal(raw, encodeURIComponent(target), 'x-oss-symlink-target is percent-encoded');
      assert.equal(s.res.headers['x-oss-meta-owner'], 'ops', 'GetSymlink returns the link\'s metadata');
      const g = await ok(A('GetObject', 'GET', 'link'), () => alice.get('link'));
      assert.ok(Buffer.compare(g.content, body) === 0, 'GetObject follows the link');
      const h = await ok(A('HeadObject', 'HEAD', 'link'), () => alice.head('link'));
      assert.equal(Number(h.res.headers['content-length']), body.length);
      assert.equal(h.res.headers['x-oss-object-type'], 'Symlink', 'HEAD tells a link from a file');
      assert.equal(h.res.headers['x-oss-hash-crc64ecma'], crc64(body), 'CRC64 of the bytes served');
      await refused(A('GetSymlink', 'GET', 'normal.txt'), 400, 'InvalidArgument', () => alice.getSymlink('normal.txt'));
      await refused(A('GetSymlink', 'GET', 'nope'), 404, 'NoSuchKey', () => alice.getSymlink('nope'));
      const l = await ok(A('ListObjectsV2', 'GET'), () => alice.listV2({ prefix: 'link' }));
      assert.equal(l.objects[0].type, 'Symlink');
      // oss-api.md 9: a Symlink's Size in listings is the length of its target key.
      assert.equal(Number(l.objects[0].size), Buffer.byteLength(target), 'ListObjectsV2 Size of a link');
      const l1 = await ok(A('ListObjects', 'GET'), () => alice.list({ prefix: 'link' }));
      assert.equal(l1.objects[0].type, 'Symlink');
      assert.equal(Number(l1.objects[0].size), Buffer.byteLength(target), 'ListObjects Size of a link');
    });

    test('object tags: x-oss-tagging on PutObject, count on GET/HEAD, put/get/delete, limits', async () => {
      await ok(A('PutObject', 'PUT', 'tagged.txt'), () =>
        alice.put('tagged.txt', Buffer.from('t'), { headers: { 'x-oss-tagging': 'k1=v1&k2=v%202' } })
      );
      const h = await ok(A('HeadObject', 'HEAD', 'tagged.txt'), () => alice.head('tagged.txt'));
      assert.equal(h.res.headers['x-oss-tagging-count'], '2');
      const g = await ok(A('GetObjectTagging', 'GET', 'tagged.txt'), () => alice.getObjectTagging('tagged.txt'));
      assert.deepEqual(g.tag, { k1: 'v1', k2: 'v 2' });
      const before = (await ok(A('HeadObject', 'HEAD', 'tagged.txt'), () => alice.head('tagged.txt'))).res.headers;
      await ok(A('PutObjectTagging', 'PUT', 'tagged.txt'), () => alice.putObjectTagging('tagged.txt', { a: 'b' }));
      const g2 = await ok(A('GetObjectTagging', 'GET', 'tagged.txt'), () => alice.getObjectTagging('tagged.txt'));
      assert.deepEqual(g2.tag, { a: 'b' });
      const gg = await ok(A('GetObject', 'GET', 'tagged.txt'), () => alice.get('tagged.txt'));
      assert.equal(gg.res.headers['x-oss-tagging-count'], '1');
      assert.equal(gg.res.headers.etag, before.etag, 'tagging leaves the ETag');
      assert.equal(gg.res.headers['last-modified'], before['last-modified'], 'tagging leaves Last-Modified');
      const eleven = Array.from({ length: 11 }, (_, i) => `<Tag><Key>k${i}</Key><Value>v</Value></Tag>`).join('');
      await refused(A('PutObjectTagging', 'PUT', 'tagged.txt'), 400, 'InvalidArgument', () =>
        send(alice, { method: 'PUT', bucket: B, key: 'tagged.txt', subres: { tagging: '' }, body: `<Tagging><TagSet>${eleven}</TagSet></Tagging>` })
      );
      await refused(A('PutObjectTagging', 'PUT', 'tagged.txt'), 400, 'MalformedXML', () =>
        send(alice, { method: 'PUT', bucket: B, key: 'tagged.txt', subres: { tagging: '' }, body: '<Tagging>' })
      );
      await refused(A('PutObject', 'PUT', 'bad-tags.txt'), 400, 'InvalidArgument', () =>
        alice.put('bad-tags.txt', Buffer.from('t'), { headers: { 'x-oss-tagging': `k=${'v'.repeat(300)}` } })
      );
      await refused(U('PutObjectTagging', 'PUT', 'tagged.txt'), 403, 'AccessDenied', () =>
        aud.putObjectTagging('tagged.txt', { x: 'y' })
      );
      await refused(A('GetObjectTagging', 'GET', 'nope'), 404, 'NoSuchKey', () => alice.getObjectTagging('nope'));
      const d = await ok(A('DeleteObjectTagging', 'DELETE', 'tagged.txt'), () => alice.deleteObjectTagging('tagged.txt'));
      assert.equal(d.status, 204);
      const g3 = await ok(A('GetObjectTagging', 'GET', 'tagged.txt'), () => alice.getObjectTagging('tagged.txt'));
      assert.deepEqual(g3.tag, {});
      const h2 = await ok(A('HeadObject', 'HEAD', 'tagged.txt'), () => alice.head('tagged.txt'));
      assert.equal(h2.res.headers['x-oss-tagging-count'], undefined);
    });

    test('user metadata rules: name characters and 8 KB total', async () => {
      await ok(A('PutObject', 'PUT', 'meta-ok.txt'), () =>
        alice.put('meta-ok.txt', Buffer.from('m'), { meta: { 'Color-2': 'blue' } })
      );
      const h = await ok(A('HeadObject', 'HEAD', 'meta-ok.txt'), () => alice.head('meta-ok.txt'));
      assert.equal(h.res.headers['x-oss-meta-color-2'], 'blue');
      await refused(A('PutObject', 'PUT', 'meta-bad.txt'), 400, 'InvalidArgument', () =>
        alice.put('meta-bad.txt', Buffer.from('m'), { meta: { my_key: 'v' } })
      );
      await refused(A('PutObject', 'PUT', 'meta-big.txt'), 400, 'InvalidArgument', () =>
        alice.put('meta-big.txt', Buffer.from('m'), { meta: { a: 'x'.repeat(5000), b: 'y'.repeat(5000) } })
      );
      await refused(A('HeadObject', 'HEAD', 'meta-bad.txt'), 404, 'NoSuchKey', () => alice.head('meta-bad.txt'));
    });

    test('GetBucketStat, GetBucketLocation, GetBucketInfo', async () => {
      const st = await ok(A('GetBucketStat', 'GET'), () => svc.getBucketStat(B));
      const objs = await ok(A('ListObjectsV2', 'GET'), () => alice.listV2({ 'max-keys': 1000 }));
      // Storage counts stored bytes; a link's listed Size is its target's length (oss-api.md 9),
      // but the link stores no data.
      const total = objs.objects.reduce((n, o) => n + (o.type === 'Symlink' ? 0 : o.size), 0);
      assert.equal(st.stat.ObjectCount, String(objs.objects.length));
      assert.equal(st.stat.Storage, String(total));
      assert.equal(st.stat.StandardObjectCount, String(objs.objects.length));
      assert.equal(st.stat.MultipartUploadCount, '0');
      assert.ok(Number(st.stat.LastModifiedTime) > 1700000000, 'LastModifiedTime is a unix time');
      await refused(
        { op: 'GetBucketStat', method: 'GET', bucket: B, key: '', akid: BOB.akid }, 403, 'AccessDenied',
        () => client(BOB, v4).getBucketStat(B)
      );
      const loc = await ok(A('GetBucketLocation', 'GET'), () => svc.getBucketLocation(B));
      assert.equal(loc.location, `oss-${REGION}`);
      const info = await ok(A('GetBucketInfo', 'GET'), () => svc.getBucketInfo(B));
      assert.equal(info.bucket.AccessMonitor, 'Disabled');
      assert.equal(info.bucket.Name, B);
    });

    test('settings are kept per bucket and deleted with it', async () => {
      await ok(A('PutBucketCors', 'PUT'), () => svc.putBucketCORS(B, [{ allowedOrigin: '*', allowedMethod: 'GET' }]));
      const keys = (await ok(A('ListObjectsV2', 'GET'), () => alice.listV2({ 'max-keys': 1000 }))).objects.map(o => o.name);
      await ok(A('DeleteMultipleObjects', 'POST'), () => alice.deleteMulti(keys, { quiet: true }));
      await ok(A('DeleteBucket', 'DELETE'), () => svc.deleteBucket(B));
      await ok(A('PutBucket', 'PUT'), () => svc.putBucket(B));
      await refused(A('GetBucketCors', 'GET'), 404, 'NoSuchCORSConfiguration', () => svc.getBucketCORS(B));
    });
  });
}

describe('bucket quota', () => {
  test('the 101st bucket of an account -> 400 TooManyBuckets; re-creating an owned one stays 200', async () => {
    const bob = client(BOB, false);
    const names = [];
    for (let i = 0; i < 100; i++) names.push(`quota-bob-${String(i).padStart(3, '0')}`);
    const B = name => ({ op: 'PutBucket', method: 'PUT', bucket: name, key: '', akid: BOB.akid });
    for (const n of names) await ok(B(n), () => bob.putBucket(n));
    await refused(B('quota-bob-extra'), 400, 'TooManyBuckets', () => bob.putBucket('quota-bob-extra'));
    await ok(B(names[0]), () => bob.putBucket(names[0]));
    const alice = client(ALICE, false);
    await ok({ op: 'PutBucket', method: 'PUT', bucket: 'quota-alice-1', key: '', akid: ALICE.akid }, () =>
      alice.putBucket('quota-alice-1')
    );
    for (const n of names) {
      await ok({ op: 'DeleteBucket', method: 'DELETE', bucket: n, key: '', akid: BOB.akid }, () => bob.deleteBucket(n));
    }
  });
});

test('request log: every request above with its OSS operation name, status and code', async () => {
  const problems = await log.check(emu);
  assert.deepEqual(problems, [], `request log mismatches:\n${problems.join('\n')}`);
});

test('settings survive a restart', async () => {
  const B = 'set-restart';
  const svc = () => client(ALICE, true);
  await svc().putBucket(B);
  const policy = { Version: '1', Statement: [{ Effect: 'Deny', Action: 'oss:DeleteBucket', Principal: '*', Resource: '*' }] };
  await svc().putBucketPolicy(B, policy);
  await svc().putBucketCORS(B, [{ allowedOrigin: 'https://r.example', allowedMethod: 'GET' }]);
  await accessMonitor(client(ALICE, true, B), B, 'Enabled');
  await svc().putBucketLifecycle(B, [{ ...atimeRule, transition: { ...atimeRule.transition } }]);
  await svc().putBucketTags(B, { keep: 'me' });
  const c = client(ALICE, true, B);
  await c.append('a.log', Buffer.from('one '), { position: 0 });
  await c.putObjectTagging('a.log', { t: '1' });
  await c.putSymlink('a.link', 'a.log');
  await emu.restart();
  const s2 = client(ALICE, true);
  const c2 = client(ALICE, true, B);
  assert.deepEqual((await s2.getBucketPolicy(B)).policy, policy);
  assert.equal((await s2.getBucketCORS(B)).rules[0].allowedOrigin, 'https://r.example');
  assert.equal((await s2.getBucketLifecycle(B)).rules[0].id, atimeRule.id);
  assert.deepEqual((await s2.getBucketTags(B)).tag, { keep: 'me' });
  assert.deepEqual((await c2.getObjectTagging('a.log')).tag, { t: '1' });
  const a = await c2.append('a.log', Buffer.from('two'), { position: 4 });
  assert.equal(a.res.headers['x-oss-hash-crc64ecma'], crc64(Buffer.from('one two')));
  assert.equal((await c2.get('a.link')).content.toString(), 'one two');
  let err = null;
  try {
    await accessMonitor(c2, B, 'Disabled');
  } catch (e) {
    err = e;
  }
  assert.equal(err && err.status, 409, 'the lifecycle/access-monitor rule holds after a restart');
});
