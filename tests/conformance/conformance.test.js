// conformance.test.js: proves that ossemu speaks OSS by driving it with the official Node.js
// client ali-oss (V1 and V4 signatures), plain unsigned HTTP, and checking its request log.
// Run: `node --test` in tests/conformance (after `npm ci --no-audit --no-fund`); OSSEMU=path
// selects the binary (default <repo>/build/bin/ossemu).
//
// Client settings: ali-oss defaults (no sldEnable, no cname) with an IP endpoint, so ali-oss
// connects to 127.0.0.1, sends the path /<key> and `Host: <bucket>.oss-cn-hangzhou.aliyuncs.com`.
// ali-oss 6.23 has no access-monitor methods; those calls go through its generic
// client.request() with `accessmonitor` as an unsigned-in-V1 query parameter (see accessMonitor).
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const OSS = require('ali-oss');
const { REGION, ALICE, BOB, AUDITOR, Emu, Ledger, rawRequest, xmlField, crc64 } = require('./helpers');
const emu = new Emu();

// ledger: one entry per request sent, in order, with what its request-log line must say.
// akid === undefined means "do not check" (refused authentication).
const log = new Ledger();
const ledger = log.entries;

before(async () => {
  await emu.start();
});

after(async () => {
  await emu.stop();
});

const client = (who, v4, bucket, extra) => emu.client(who, v4, bucket, extra);

function md5Etag(buf) {
  return `"${crypto.createHash('md5').update(buf).digest('hex').toUpperCase()}"`;
}

// ok runs one ali-oss call that must succeed, records it in the ledger, returns its result.
const ok = (meta, fn) => log.ok(meta, fn);

// refused runs one ali-oss call that must fail with `status` and `code`, records it, and
// checks the error carries a RequestId.
async function refused(meta, status, code, fn) {
  const err = await log.refused(meta, status, code, fn);
  assert.match(String(err.requestId || ''), /^\S+$/, `${meta.op}: error response carries a RequestId`);
  return err;
}

// raw sends an unsigned (or caller-signed) request and records it.
async function raw(meta, req) {
  const r = await rawRequest(emu.port, req);
  const code = r.status >= 300 ? xmlField(r.body, 'Code') || '' : '';
  ledger.push({ ...meta, status: r.status, code, rid: r.headers['x-oss-request-id'] });
  return r;
}

// accessMonitor: Get/PutBucketAccessMonitor through ali-oss's generic request(). The name
// goes in `query` (V1 must not sign it, it is no V1 sub-resource; V4 signs all query
// parameters) with a null value so that ali-oss's V4 canonical query has the bare key.
function accessMonitor(c, bucket, status) {
  const params = {
    method: status ? 'PUT' : 'GET',
    bucket,
    query: { accessmonitor: null },
    successStatuses: [200],
    xmlResponse: true,
  };
  if (status) {
    params.content = Buffer.from(
      `<AccessMonitorConfiguration><Status>${status}</Status></AccessMonitorConfiguration>`
    );
    params.mime = 'application/xml';
  }
  return c.request(params);
}

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';
  const B = `conf-${mode}-alice`;
  const BODY = Buffer.concat([Buffer.from('hello, conformance\n'), crypto.randomBytes(4000)]);
  const ODD_KEY = 'dir/sub key+plus=&.txt';
  const LIST_KEYS = ['list/a1', 'list/a2', 'list/a3', 'list/d1/x', 'list/d1/y', 'list/d2/z'];

  describe(`ali-oss with signature ${mode.toUpperCase()}`, () => {
    let alice; // client bound to B
    let aliceSvc; // client without bucket
    const A = (op, method, key = '') => ({ op, method, bucket: B, key, akid: ALICE.akid });

    before(() => {
      alice = client(ALICE, v4, B);
      aliceSvc = client(ALICE, v4);
    });

    test('PutBucket', async () => {
      const r = await ok(A('PutBucket', 'PUT'), () => aliceSvc.putBucket(B));
      assert.equal(r.res.status, 200);
    });

    test('ListBuckets finds it (and bob does not see it)', async () => {
      const l = await ok({ op: 'ListBuckets', method: 'GET', bucket: '', key: '', akid: ALICE.akid }, () =>
        aliceSvc.listBuckets({})
      );
      const names = (l.buckets || []).map(b => b.name);
      assert.ok(names.includes(B), `ListBuckets lists ${B}: got ${JSON.stringify(names)}`);
      const mine = l.buckets.find(b => b.name === B);
      assert.equal(mine.region, `oss-${REGION}`, 'Bucket/Location');
      assert.ok(mine.creationDate && !Number.isNaN(Date.parse(mine.creationDate)), 'Bucket/CreationDate');
      assert.equal(l.owner.id, ALICE.id, 'Owner/ID is the account id');
      const bob = client(BOB, v4);
      const lb = await ok({ op: 'ListBuckets', method: 'GET', bucket: '', key: '', akid: BOB.akid }, () =>
        bob.listBuckets({})
      );
      assert.ok(!(lb.buckets || []).some(b => b.name === B), 'bob does not see alice\'s bucket');
    });

    test('GetBucketAcl of a new bucket is private', async () => {
      const r = await ok(A('GetBucketAcl', 'GET'), () => aliceSvc.getBucketACL(B));
      assert.equal(r.acl, 'private');
      assert.equal(r.owner.id, ALICE.id);
    });

    test('PutObject then GetObject: same bytes, quoted upper-case MD5 ETag, CRC64', async () => {
      const p = await ok({ ...A('PutObject', 'PUT', 'hello.txt'), bytes_in: BODY.length }, () =>
        alice.put('hello.txt', BODY)
      );
      assert.equal(p.res.status, 200);
      assert.equal(p.res.headers.etag, md5Etag(BODY), 'PutObject ETag');
      assert.equal(p.res.headers['x-oss-hash-crc64ecma'], crc64(BODY), 'PutObject x-oss-hash-crc64ecma');
      const g = await ok({ ...A('GetObject', 'GET', 'hello.txt'), bytes_out: BODY.length }, () =>
        alice.get('hello.txt')
      );
      assert.equal(g.res.status, 200);
      assert.ok(Buffer.compare(g.content, BODY) === 0, 'GetObject returns the bytes put');
      assert.equal(g.res.headers.etag, md5Etag(BODY), 'GetObject ETag');
      assert.equal(g.res.headers['x-oss-hash-crc64ecma'], crc64(BODY), 'GetObject x-oss-hash-crc64ecma');
      assert.equal(Number(g.res.headers['content-length']), BODY.length, 'GetObject Content-Length');
      assert.ok(g.res.headers['last-modified'], 'GetObject Last-Modified');
    });

    test('a key with space, plus, equals and ampersand round-trips', async () => {
      const body = Buffer.from('odd key\n');
      await ok(A('PutObject', 'PUT', ODD_KEY), () => alice.put(ODD_KEY, body));
      const g = await ok(A('GetObject', 'GET', ODD_KEY), () => alice.get(ODD_KEY));
      assert.ok(Buffer.compare(g.content, body) === 0);
    });

    test('HeadObject', async () => {
      const h = await ok(A('HeadObject', 'HEAD', 'hello.txt'), () => alice.head('hello.txt'));
      assert.equal(h.status, 200);
      const hd = h.res.headers;
      assert.equal(Number(hd['content-length']), BODY.length, 'Content-Length');
      assert.equal(hd.etag, md5Etag(BODY), 'ETag');
      assert.equal(hd['x-oss-hash-crc64ecma'], crc64(BODY), 'x-oss-hash-crc64ecma');
      assert.equal(hd['content-type'], 'text/plain', 'Content-Type as sent by ali-oss for .txt');
      assert.equal(hd['x-oss-object-type'], 'Normal', 'x-oss-object-type');
      assert.ok(!Number.isNaN(Date.parse(hd['last-modified'])), 'Last-Modified is an HTTP date');
    });

    test('GetObjectMeta', async () => {
      const m = await ok(A('GetObjectMeta', 'HEAD', 'hello.txt'), () => alice.getObjectMeta('hello.txt'));
      assert.equal(m.status, 200);
      const hd = m.res.headers;
      assert.equal(Number(hd['content-length']), BODY.length, 'Content-Length');
      assert.equal(hd.etag, md5Etag(BODY), 'ETag');
      assert.equal(hd['x-oss-hash-crc64ecma'], crc64(BODY), 'x-oss-hash-crc64ecma');
      assert.ok(hd['last-modified'], 'Last-Modified');
      assert.equal(hd['x-oss-last-access-time'], undefined, 'no x-oss-last-access-time while access tracking is off');
    });

    test('range GET answers 206 with Content-Range', async () => {
      const g = await ok(A('GetObject', 'GET', 'hello.txt'), () =>
        alice.get('hello.txt', { headers: { Range: 'bytes=5-16' } })
      );
      assert.equal(g.res.status, 206);
      assert.equal(g.res.headers['content-range'], `bytes 5-16/${BODY.length}`);
      assert.ok(Buffer.compare(g.content, BODY.subarray(5, 17)) === 0, 'range bytes');
    });

    test('range edge cases: unsatisfiable range ignored by default, standard behaviour 206/416, suffix', async () => {
      const N = BODY.length;
      const g1 = await ok(A('GetObject', 'GET', 'hello.txt'), () =>
        alice.get('hello.txt', { headers: { Range: `bytes=0-${N + 1000}` } })
      );
      assert.equal(g1.res.status, 200, 'end beyond the size without x-oss-range-behavior: whole object');
      assert.equal(g1.res.headers['content-range'], undefined);
      assert.ok(Buffer.compare(g1.content, BODY) === 0);
      const g2 = await ok(A('GetObject', 'GET', 'hello.txt'), () =>
        alice.get('hello.txt', { headers: { Range: `bytes=10-${N + 1000}`, 'x-oss-range-behavior': 'standard' } })
      );
      assert.equal(g2.res.status, 206, 'standard behaviour clips the end');
      assert.equal(g2.res.headers['content-range'], `bytes 10-${N - 1}/${N}`);
      assert.ok(Buffer.compare(g2.content, BODY.subarray(10)) === 0);
      await refused(A('GetObject', 'GET', 'hello.txt'), 416, 'InvalidRange', () =>
        alice.get('hello.txt', { headers: { Range: `bytes=${N}-${N + 10}`, 'x-oss-range-behavior': 'standard' } })
      );
      const g3 = await ok(A('GetObject', 'GET', 'hello.txt'), () =>
        alice.get('hello.txt', { headers: { Range: 'bytes=-10' } })
      );
      assert.equal(g3.res.status, 206);
      assert.equal(g3.res.headers['content-range'], `bytes ${N - 10}-${N - 1}/${N}`);
      assert.ok(Buffer.compare(g3.content, BODY.subarray(N - 10)) === 0);
    });

    test('user metadata and conditional requests (304, 412)', async () => {
      const body = Buffer.from('meta body\n');
      await ok(A('PutObject', 'PUT', 'meta.txt'), () =>
        alice.put('meta.txt', body, { meta: { color: 'blue', size: 'xl' } })
      );
      const h = await ok(A('HeadObject', 'HEAD', 'meta.txt'), () => alice.head('meta.txt'));
      assert.deepEqual(h.meta, { color: 'blue', size: 'xl' }, 'x-oss-meta-* round trip');
      const etag = md5Etag(body);
      const nm = await ok(A('GetObject', 'GET', 'meta.txt'), () =>
        alice.get('meta.txt', { headers: { 'If-None-Match': etag } })
      );
      assert.equal(nm.res.status, 304, 'If-None-Match with the current ETag');
      const nmh = await ok(A('HeadObject', 'HEAD', 'meta.txt'), () =>
        alice.head('meta.txt', { headers: { 'If-None-Match': etag } })
      );
      assert.equal(nmh.status, 304, 'HEAD If-None-Match with the current ETag');
      await refused(A('GetObject', 'GET', 'meta.txt'), 412, 'PreconditionFailed', () =>
        alice.get('meta.txt', { headers: { 'If-Match': '"00000000000000000000000000000000"' } })
      );
      const m = await ok(A('GetObject', 'GET', 'meta.txt'), () =>
        alice.get('meta.txt', { headers: { 'If-Match': etag } })
      );
      assert.equal(m.res.status, 200);
      assert.equal(m.content.toString(), 'meta body\n');
    });

    test('ListObjectsV2 with prefix, delimiter, max-keys paging and continuation-token', async () => {
      for (const k of LIST_KEYS) {
        await ok(A('PutObject', 'PUT', k), () => alice.put(k, Buffer.from(k)));
      }
      const objects = [];
      const prefixes = [];
      let token = null;
      let pages = 0;
      for (;;) {
        const q = { prefix: 'list/', delimiter: '/', 'max-keys': 2 };
        if (token) q['continuation-token'] = token;
        const r = await ok(A('ListObjectsV2', 'GET'), () => alice.listV2(q));
        pages++;
        const n = (r.objects || []).length + (r.prefixes || []).length;
        assert.ok(n <= 2, `page ${pages} has ${n} entries, max-keys 2`);
        assert.equal(r.keyCount, n, `page ${pages} KeyCount`);
        objects.push(...(r.objects || []).map(o => o.name));
        prefixes.push(...(r.prefixes || []));
        if (!r.isTruncated) break;
        assert.ok(r.nextContinuationToken, `page ${pages} truncated but no NextContinuationToken`);
        token = r.nextContinuationToken;
        assert.ok(pages < 10, 'listing does not terminate');
      }
      assert.equal(pages, 3, '5 entries at max-keys 2 make 3 pages');
      assert.deepEqual(objects, ['list/a1', 'list/a2', 'list/a3']);
      assert.deepEqual(prefixes, ['list/d1/', 'list/d2/']);
      const r2 = await ok(A('ListObjectsV2', 'GET'), () => alice.listV2({ prefix: 'list/d1/' }));
      assert.deepEqual(r2.objects.map(o => o.name), ['list/d1/x', 'list/d1/y']);
      assert.equal(r2.objects[0].size, 'list/d1/x'.length, 'Contents/Size');
      assert.equal(r2.objects[0].etag, md5Etag(Buffer.from('list/d1/x')), 'Contents/ETag');
      assert.equal(r2.isTruncated, false);
    });

    test('ListObjects (v1) with delimiter and marker', async () => {
      const r = await ok(A('ListObjects', 'GET'), () =>
        alice.list({ prefix: 'list/', delimiter: '/', 'max-keys': 2 })
      );
      assert.deepEqual(r.objects.map(o => o.name), ['list/a1', 'list/a2']);
      assert.equal(r.isTruncated, true);
      assert.ok(r.nextMarker, 'NextMarker when truncated');
      const r2 = await ok(A('ListObjects', 'GET'), () =>
        alice.list({ prefix: 'list/', delimiter: '/', 'max-keys': 100, marker: r.nextMarker })
      );
      assert.deepEqual(r2.objects.map(o => o.name), ['list/a3']);
      assert.deepEqual(r2.prefixes, ['list/d1/', 'list/d2/']);
      assert.equal(r2.isTruncated, false);
    });

    test('PutBucketAcl / GetBucketAcl round trip', async () => {
      await ok(A('PutBucketAcl', 'PUT'), () => aliceSvc.putBucketACL(B, 'public-read'));
      assert.equal((await ok(A('GetBucketAcl', 'GET'), () => aliceSvc.getBucketACL(B))).acl, 'public-read');
      await ok(A('PutBucketAcl', 'PUT'), () => aliceSvc.putBucketACL(B, 'private'));
      assert.equal((await ok(A('GetBucketAcl', 'GET'), () => aliceSvc.getBucketACL(B))).acl, 'private');
    });

    test('object ACL: default -> private -> public-read', async () => {
      const g0 = await ok(A('GetObjectACL', 'GET', 'hello.txt'), () => alice.getACL('hello.txt'));
      assert.equal(g0.acl, 'default');
      assert.equal(g0.owner.id, ALICE.id);
      await ok(A('PutObjectACL', 'PUT', 'hello.txt'), () => alice.putACL('hello.txt', 'private'));
      assert.equal((await ok(A('GetObjectACL', 'GET', 'hello.txt'), () => alice.getACL('hello.txt'))).acl, 'private');
      await ok(A('PutObjectACL', 'PUT', 'hello.txt'), () => alice.putACL('hello.txt', 'public-read'));
      assert.equal(
        (await ok(A('GetObjectACL', 'GET', 'hello.txt'), () => alice.getACL('hello.txt'))).acl,
        'public-read'
      );
    });

    test('anonymous GET: public-read object 200 with the bytes, private object 403', async () => {
      await ok(A('PutObject', 'PUT', 'secret.txt'), () => alice.put('secret.txt', Buffer.from('top secret\n')));
      const anon = (op, key) => ({ op, method: 'GET', bucket: B, key, akid: '' });
      const pub = await raw(anon('GetObject', 'hello.txt'), { path: `/${B}/hello.txt` });
      assert.equal(pub.status, 200, `public-read object: ${pub.body.toString().slice(0, 300)}`);
      assert.ok(Buffer.compare(pub.body, BODY) === 0, 'anonymous GET returns the bytes');
      const priv = await raw(anon('GetObject', 'secret.txt'), { path: `/${B}/secret.txt` });
      assert.equal(priv.status, 403);
      assert.equal(xmlField(priv.body, 'Code'), 'AccessDenied');
      assert.match(xmlField(priv.body, 'RequestId') || '', /^\S+$/, 'error body has RequestId');
      assert.equal(priv.headers['x-oss-request-id'], xmlField(priv.body, 'RequestId'), 'header = body RequestId');
      // The same anonymous GET, virtual-hosted the way ali-oss addresses an IP endpoint.
      const vh = await raw(anon('GetObject', 'hello.txt'), {
        path: '/hello.txt',
        headers: { Host: `${B}.oss-${REGION}.aliyuncs.com` },
      });
      assert.equal(vh.status, 200);
      const anonList = await raw(anon('ListObjects', ''), { path: `/${B}/` });
      assert.equal(anonList.status, 403, 'anonymous listing of a private bucket');
    });

    test('presigned URLs (V1 signatureUrl and V4 signatureUrlV4) for a private object', async () => {
      // ali-oss refuses to presign for an IP endpoint, so sign for the public host name and send
      // the path and query to ossemu with that Host header, as a proxy would.
      const signer = new OSS({
        endpoint: `http://oss-${REGION}.aliyuncs.com`,
        accessKeyId: ALICE.akid,
        accessKeySecret: ALICE.secret,
        region: `oss-${REGION}`,
        bucket: B,
      });
      const u1 = new URL(signer.signatureUrl('secret.txt', { expires: 600 }));
      const r1 = await raw(A('GetObject', 'GET', 'secret.txt'), {
        path: u1.pathname + u1.search,
        headers: { Host: u1.host },
      });
      assert.equal(r1.status, 200, `V1 presigned: ${r1.body.toString().slice(0, 400)}`);
      assert.equal(r1.body.toString(), 'top secret\n');
      const u4 = new URL(await signer.signatureUrlV4('GET', 600, {}, 'secret.txt'));
      const r4 = await raw(A('GetObject', 'GET', 'secret.txt'), {
        path: u4.pathname + u4.search,
        headers: { Host: u4.host },
      });
      assert.equal(r4.status, 200, `V4 presigned: ${r4.body.toString().slice(0, 400)}`);
      assert.equal(r4.body.toString(), 'top secret\n');
    });

    test('access monitor: Disabled on a new bucket, then Enabled', async () => {
      const g0 = await ok(A('GetBucketAccessMonitor', 'GET'), () => accessMonitor(alice, B, null));
      assert.equal(g0.data && g0.data.Status, 'Disabled');
      const p = await ok(A('PutBucketAccessMonitor', 'PUT'), () => accessMonitor(alice, B, 'Enabled'));
      assert.equal(p.status, 200);
      const g1 = await ok(A('GetBucketAccessMonitor', 'GET'), () => accessMonitor(alice, B, null));
      assert.equal(g1.data && g1.data.Status, 'Enabled');
    });

    test('GetBucketInfo shows name, location, owner, ACL and AccessMonitor', async () => {
      const i = await ok(A('GetBucketInfo', 'GET'), () => aliceSvc.getBucketInfo(B));
      const b = i.bucket || {};
      assert.equal(b.Name, B, 'Bucket/Name');
      assert.equal(b.Location, `oss-${REGION}`, 'Bucket/Location');
      assert.equal(b.AccessMonitor, 'Enabled', 'Bucket/AccessMonitor');
      assert.equal(b.Owner && b.Owner.ID, ALICE.id, 'Bucket/Owner/ID');
      assert.equal(b.AccessControlList && b.AccessControlList.Grant, 'private', 'Bucket/AccessControlList/Grant');
      assert.ok(!Number.isNaN(Date.parse(b.CreationDate)), 'Bucket/CreationDate');
    });

    test('with access tracking on, GetObjectMeta carries x-oss-last-access-time', async () => {
      const m = await ok(A('GetObjectMeta', 'HEAD', 'hello.txt'), () => alice.getObjectMeta('hello.txt'));
      const t = m.res.headers['x-oss-last-access-time'];
      assert.ok(t && !Number.isNaN(Date.parse(t)), `x-oss-last-access-time is an HTTP date: ${t}`);
    });

    test('CopyObject', async () => {
      const c = await ok(A('CopyObject', 'PUT', 'copy.txt'), () => alice.copy('copy.txt', 'hello.txt'));
      assert.equal(c.res.status, 200);
      assert.equal(c.data && c.data.etag, md5Etag(BODY), 'CopyObjectResult/ETag');
      assert.ok(c.data && !Number.isNaN(Date.parse(c.data.lastModified)), 'CopyObjectResult/LastModified');
      const g = await ok(A('GetObject', 'GET', 'copy.txt'), () => alice.get('copy.txt'));
      assert.ok(Buffer.compare(g.content, BODY) === 0, 'copy has the source bytes');
    });

    test('refused: wrong secret -> 403 SignatureDoesNotMatch', async () => {
      const bad = client({ akid: ALICE.akid, secret: 'not-the-secret' }, v4);
      await refused({ ...A('GetBucketAcl', 'GET'), akid: undefined }, 403, 'SignatureDoesNotMatch', () =>
        bad.getBucketACL(B)
      );
    });

    test('refused: unknown access key -> 403 InvalidAccessKeyId', async () => {
      const bad = client({ akid: 'LTAInobody0000', secret: 'whatever' }, v4);
      await refused({ ...A('GetBucketAcl', 'GET'), akid: undefined }, 403, 'InvalidAccessKeyId', () =>
        bad.getBucketACL(B)
      );
    });

    test('refused: bob reads alice\'s private bucket and object -> 403 AccessDenied', async () => {
      const bobSvc = client(BOB, v4);
      const bob = client(BOB, v4, B);
      const Bm = (op, method, key = '') => ({ op, method, bucket: B, key, akid: BOB.akid });
      await refused(Bm('GetBucketAcl', 'GET'), 403, 'AccessDenied', () => bobSvc.getBucketACL(B));
      await refused(Bm('GetObject', 'GET', 'secret.txt'), 403, 'AccessDenied', () => bob.get('secret.txt'));
      // A HEAD answer has no body: ali-oss reads the code from the base64 XML in x-oss-err.
      await refused(Bm('HeadObject', 'HEAD', 'secret.txt'), 403, 'AccessDenied', () => bob.head('secret.txt'));
      await refused(Bm('ListObjectsV2', 'GET'), 403, 'AccessDenied', () => bob.listV2({}));
      // hello.txt is public-read: any requester may read it.
      const g = await ok(Bm('GetObject', 'GET', 'hello.txt'), () => bob.get('hello.txt'));
      assert.ok(Buffer.compare(g.content, BODY) === 0);
    });

    test('refused: RAM user without oss:PutBucketAcl -> 403 AccessDenied; its GetBucketAcl works', async () => {
      const audSvc = client(AUDITOR, v4);
      const aud = client(AUDITOR, v4, B);
      const U = (op, method, key = '') => ({ op, method, bucket: B, key, akid: AUDITOR.akid });
      await refused(U('PutBucketAcl', 'PUT'), 403, 'AccessDenied', () => audSvc.putBucketACL(B, 'public-read'));
      const g = await ok(U('GetBucketAcl', 'GET'), () => audSvc.getBucketACL(B));
      assert.equal(g.acl, 'private', 'the refused PutBucketAcl changed nothing');
      const s = await ok(U('GetObject', 'GET', 'secret.txt'), () => aud.get('secret.txt'));
      assert.equal(s.content.toString(), 'top secret\n');
      await refused(U('PutObject', 'PUT', 'x.txt'), 403, 'AccessDenied', () => aud.put('x.txt', Buffer.from('x')));
      await refused(U('PutBucketAccessMonitor', 'PUT'), 403, 'AccessDenied', () =>
        accessMonitor(aud, B, 'Disabled')
      );
    });

    test('missing key -> 404 NoSuchKey; missing bucket -> 404 NoSuchBucket', async () => {
      await refused(A('GetObject', 'GET', 'no-such-key'), 404, 'NoSuchKey', () => alice.get('no-such-key'));
      await refused(A('HeadObject', 'HEAD', 'no-such-key'), 404, 'NoSuchKey', () => alice.head('no-such-key'));
      const nb = `conf-${mode}-missing`;
      await refused({ ...A('GetBucketAcl', 'GET'), bucket: nb }, 404, 'NoSuchBucket', () =>
        aliceSvc.getBucketACL(nb)
      );
    });

    test('DeleteBucket of a non-empty bucket -> 409 BucketNotEmpty', async () => {
      await refused(A('DeleteBucket', 'DELETE'), 409, 'BucketNotEmpty', () => aliceSvc.deleteBucket(B));
    });

    test('DeleteObject (204, also for a missing key), then DeleteBucket (204)', async () => {
      const dm = await ok(A('DeleteMultipleObjects', 'POST'), () => alice.deleteMulti(LIST_KEYS, { quiet: false }));
      assert.deepEqual(dm.deleted.map(d => d.Key).sort(), [...LIST_KEYS].sort(), 'DeleteResult/Deleted/Key');
      const after = await ok(A('ListObjectsV2', 'GET'), () => alice.listV2({ prefix: 'list/' }));
      assert.deepEqual(after.objects, [], 'DeleteMultipleObjects removed them');
      for (const k of ['hello.txt', 'secret.txt', 'copy.txt', 'meta.txt', ODD_KEY]) {
        const d = await ok(A('DeleteObject', 'DELETE', k), () => alice.delete(k));
        assert.equal(d.res.status, 204, `DeleteObject ${k}`);
      }
      const d = await ok(A('DeleteObject', 'DELETE', 'hello.txt'), () => alice.delete('hello.txt'));
      assert.equal(d.res.status, 204, 'DeleteObject of a missing key');
      await refused(A('GetObject', 'GET', 'hello.txt'), 404, 'NoSuchKey', () => alice.get('hello.txt'));
      const db = await ok(A('DeleteBucket', 'DELETE'), () => aliceSvc.deleteBucket(B));
      assert.equal(db.res.status, 204);
      const l = await ok({ op: 'ListBuckets', method: 'GET', bucket: '', key: '', akid: ALICE.akid }, () =>
        aliceSvc.listBuckets({})
      );
      assert.ok(!(l.buckets || []).some(b => b.name === B), 'deleted bucket is gone from ListBuckets');
    });
  });
}

test('request log: one line per request with OSS operation names and statuses', async () => {
  const entries = await emu.readLogAtLeast(ledger.length);
  const problems = [];
  if (entries.length !== ledger.length) {
    problems.push(`log has ${entries.length} lines, ${ledger.length} requests were sent`);
  }
  const byRid = new Map();
  for (const e of entries) {
    if (byRid.has(e.request_id)) problems.push(`request_id ${e.request_id} logged twice`);
    byRid.set(e.request_id, e);
    for (const f of ['time', 'op', 'method', 'bucket', 'key', 'code', 'akid', 'request_id']) {
      if (typeof e[f] !== 'string') problems.push(`line ${JSON.stringify(e)}: ${f} is not a string`);
    }
    for (const f of ['status', 'bytes_in', 'bytes_out', 'latency_ms']) {
      if (typeof e[f] !== 'number') problems.push(`line ${JSON.stringify(e)}: ${f} is not a number`);
    }
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.time)) problems.push(`bad time ${e.time}`);
  }
  for (const x of ledger) {
    const what = `${x.op} ${x.method} ${x.bucket}/${x.key} -> ${x.status} ${x.code}`;
    if (!x.rid) {
      problems.push(`${what}: response had no request id`);
      continue;
    }
    const e = byRid.get(x.rid);
    if (!e) {
      problems.push(`${what}: no log line with request_id ${x.rid}`);
      continue;
    }
    const want = { op: x.op, method: x.method, bucket: x.bucket, key: x.key, status: x.status, code: x.code };
    if (x.akid !== undefined) want.akid = x.akid;
    if (x.bytes_in !== undefined) want.bytes_in = x.bytes_in;
    if (x.bytes_out !== undefined) want.bytes_out = x.bytes_out;
    for (const [k, v] of Object.entries(want)) {
      if (e[k] !== v) problems.push(`${what}: log ${k}=${JSON.stringify(e[k])}, want ${JSON.stringify(v)}`);
    }
  }
  // Spot checks the brief names: the refused PutBucketAcl is logged with 403 AccessDenied.
  const refusedAcl = entries.filter(e => e.op === 'PutBucketAcl' && e.status === 403);
  if (refusedAcl.length !== 2 || refusedAcl.some(e => e.code !== 'AccessDenied' || e.akid !== AUDITOR.akid)) {
    problems.push(`refused PutBucketAcl lines: ${JSON.stringify(refusedAcl)}`);
  }
  assert.deepEqual(problems, [], `request log mismatches:\n${problems.join('\n')}`);
});
