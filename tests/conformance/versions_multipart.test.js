// versions_multipart.test.js: ossemu's bucket versioning and multipart upload driven by ali-oss
// (V1 and V4 signatures): every operation with a success and an error case, the XML of
// ListObjectVersions / InitiateMultipartUpload / ListParts / ListMultipartUploads /
// CompleteMultipartUpload compared element by element with oss-api.md 6.5 and 6.8, the request
// log's operation names, and a restart of ossemu on the same --data directory (versions, their
// ACLs and pending uploads survive).
// Run: `node --test versions_multipart.test.js` in tests/conformance; OSSEMU=path selects the binary.
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { REGION, ALICE, BOB, AUDITOR, Emu, Ledger, rawRequest, crc64 } = require('./helpers');

const emu = new Emu();
const log = new Ledger();
const ledger = log.entries; // { op, method, bucket, key, status, code, rid }

before(async () => {
  await emu.start();
});

after(async () => {
  await emu.stop();
});

const client = (who, v4, bucket, extra) => emu.client(who, v4, bucket, extra);

// PutBucketVersioning through ali-oss's generic request(): its putBucketVersioning() treats
// every status as success, which would hide refusals.
function putVersioning(c, bucket, status) {
  return c.request({
    ...c._bucketRequestParams('PUT', bucket, 'versioning', {}),
    mime: 'xml',
    content: `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>`,
    successStatuses: [200],
  });
}

// expect sends a signed request through ali-oss that must answer `status` with OSS error `code`
// and returns the response (ali-oss errors do not carry the response headers). The code comes
// from the XML body, or from x-oss-err for bodiless (HEAD) answers.
async function expect(c, meta, { method, key, subres = {}, headers = {} }, status, code) {
  const params = c._objectRequestParams(method, key, { subres, headers });
  params.successStatuses = [status];
  const r = await c.request(params);
  let got = '';
  const m = /<Code>([^<]*)<\/Code>/.exec(String(r.res.data || ''));
  if (m) got = m[1];
  else if (r.res.headers['x-oss-err']) got = /<Code>([^<]*)<\/Code>/.exec(Buffer.from(r.res.headers['x-oss-err'], 'base64').toString())[1];
  ledger.push({ ...meta, status: r.res.status, code: got, rid: r.res.headers['x-oss-request-id'] });
  assert.equal(got, code, `${meta.op}: OSS error code`);
  return r.res;
}

const hexMd5 = buf => crypto.createHash('md5').update(buf).digest('hex').toUpperCase();

const ok = (meta, fn) => log.ok(meta, fn);
const refused = (meta, status, code, fn) => log.refused(meta, status, code, fn);

// Parses the XML the server sent into { name, children, text } (OSS XML has no attributes).
function parseXml(buf) {
  const s = String(buf).replace(/^<\?xml[^>]*\?>\s*/, '');
  const root = { name: '#doc', children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z0-9_]+)\s*(\/?)>|([^<]+)/g;
  let m;
  while ((m = re.exec(s)) !== null) {
    const top = stack[stack.length - 1];
    if (m[4] !== undefined) {
      top.text += unescape(m[4]);
    } else if (m[1]) {
      assert.equal(top.name, m[2], `XML: </${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const el = { name: m[2], children: [], text: '' };
      top.children.push(el);
      if (!m[3]) stack.push(el);
    }
  }
  assert.equal(stack.length, 1, 'XML: every element is closed');
  assert.equal(root.children.length, 1, 'XML: one root element');
  return root.children[0];
}
const unescape = t =>
  t.replace(/&(quot|amp|lt|gt|apos|#x[0-9A-Fa-f]+|#\d+);/g, (_, e) =>
    ({ quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" })[e] ||
    String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))));
const names = el => el.children.map(c => c.name);
const child = (el, n) => el.children.find(c => c.name === n);
const text = (el, n) => {
  const c = child(el, n);
  return c ? c.text : undefined;
};
// The raw body of an ali-oss result.
const body = r => (r.res || r).data;

const VERSION_FIELDS = ['Key', 'VersionId', 'IsLatest', 'LastModified', 'ETag', 'Type', 'Size', 'StorageClass', 'Owner'];
const MARKER_FIELDS = ['Key', 'VersionId', 'IsLatest', 'LastModified', 'Owner'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/;

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';
  const B = `vers-${mode}`;
  const M = `mpu-${mode}`;

  describe(`versioning with signature ${mode.toUpperCase()}`, () => {
    let alice;
    const A = (op, method, key = '') => ({ op, method, bucket: B, key });
    const vids = {}; // name -> version id

    before(async () => {
      alice = client(ALICE, v4, B);
      await ok(A('PutBucket', 'PUT'), () => alice.putBucket(B));
    });

    test('GetBucketVersioning of a never-configured bucket: <VersioningConfiguration/> without Status', async () => {
      const r = await ok(A('GetBucketVersioning', 'GET'), () => alice.getBucketVersioning(B));
      assert.equal(r.versionStatus, undefined);
      const x = parseXml(body(r));
      assert.equal(x.name, 'VersioningConfiguration');
      assert.deepEqual(names(x), []);
    });

    test('PutBucketVersioning: malformed body 400, bob 403, Enabled 200', async () => {
      await refused(A('PutBucketVersioning', 'PUT'), 400, 'MalformedXML', () => putVersioning(alice, B, 'On'));
      await refused({ ...A('PutBucketVersioning', 'PUT') }, 403, 'AccessDenied', () =>
        putVersioning(client(BOB, v4, B), B, 'Enabled'));
      await refused(A('GetBucketVersioning', 'GET'), 403, 'AccessDenied', () =>
        client(BOB, v4, B).getBucketVersioning(B));
      await ok(A('PutBucketVersioning', 'PUT'), () => putVersioning(alice, B, 'Enabled'));
      const r = await ok(A('GetBucketVersioning', 'GET'), () => alice.getBucketVersioning(B));
      assert.equal(r.versionStatus, 'Enabled');
      assert.deepEqual(names(parseXml(body(r))), ['Status']);
      // The read-only RAM user may read the setting but not change it.
      const aud = client(AUDITOR, v4, B);
      const g = await ok(A('GetBucketVersioning', 'GET'), () => aud.getBucketVersioning(B));
      assert.equal(g.versionStatus, 'Enabled');
      await refused(A('PutBucketVersioning', 'PUT'), 403, 'AccessDenied', () => putVersioning(aud, B, 'Suspended'));
    });

    test('PutObject/CopyObject carry x-oss-version-id; forbid-overwrite is ignored', async () => {
      const p1 = await ok(A('PutObject', 'PUT', 'k'), () => alice.put('k', Buffer.from('one')));
      vids.one = p1.res.headers['x-oss-version-id'];
      assert.match(vids.one, /^\S+$/);
      const p2 = await ok(A('PutObject', 'PUT', 'k'), () =>
        alice.put('k', Buffer.from('two'), { headers: { 'x-oss-forbid-overwrite': 'true' } }));
      vids.two = p2.res.headers['x-oss-version-id'];
      assert.match(vids.two, /^\S+$/);
      assert.notEqual(vids.one, vids.two);
      const c = await ok(A('CopyObject', 'PUT', 'copy'), () =>
        alice.copy('copy', 'k', { versionId: vids.one }));
      assert.match(c.res.headers['x-oss-version-id'], /^\S+$/);
      assert.equal(c.res.headers['x-oss-copy-source-version-id'], vids.one);
      const g = await ok(A('GetObject', 'GET', 'copy'), () => alice.get('copy'));
      assert.equal(String(g.content), 'one');
    });

    test('GET/HEAD by versionId; unknown versionId 404 NoSuchVersion', async () => {
      const g = await ok(A('GetObject', 'GET', 'k'), () => alice.get('k', { versionId: vids.one }));
      assert.equal(String(g.content), 'one');
      assert.equal(g.res.headers['x-oss-version-id'], vids.one);
      const h = await ok(A('HeadObject', 'HEAD', 'k'), () => alice.head('k', { versionId: vids.one }));
      assert.equal(h.res.headers.etag, `"${hexMd5(Buffer.from('one'))}"`);
      const cur = await ok(A('GetObject', 'GET', 'k'), () => alice.get('k'));
      assert.equal(String(cur.content), 'two');
      assert.equal(cur.res.headers['x-oss-version-id'], vids.two);
      await refused(A('GetObject', 'GET', 'k'), 404, 'NoSuchVersion', () => alice.get('k', { versionId: 'CAEQnosuchversion' }));
    });

    test('object ACL per version', async () => {
      await ok(A('PutObjectACL', 'PUT', 'k'), () => alice.putACL('k', 'public-read', { versionId: vids.one }));
      const a1 = await ok(A('GetObjectACL', 'GET', 'k'), () => alice.getACL('k', { versionId: vids.one }));
      assert.equal(a1.acl, 'public-read');
      const a2 = await ok(A('GetObjectACL', 'GET', 'k'), () => alice.getACL('k'));
      assert.equal(a2.acl, 'default');
      await refused(A('GetObjectACL', 'GET', 'k'), 404, 'NoSuchVersion', () => alice.getACL('k', { versionId: 'CAEQnope' }));
    });

    test('object tagging per version: Put/Get/DeleteObjectTagging with a versionId', async () => {
      await ok(A('PutObjectTagging', 'PUT', 'k'), () => alice.putObjectTagging('k', { v: 'one' }, { versionId: vids.one }));
      const t1 = await ok(A('GetObjectTagging', 'GET', 'k'), () => alice.getObjectTagging('k', { versionId: vids.one }));
      assert.deepEqual(t1.tag, { v: 'one' });
      assert.equal(t1.res.headers['x-oss-version-id'], vids.one);
      // The current version (two) keeps its own (empty) tag set.
      const t2 = await ok(A('GetObjectTagging', 'GET', 'k'), () => alice.getObjectTagging('k'));
      assert.deepEqual(t2.tag, {});
      await ok(A('PutObjectTagging', 'PUT', 'k'), () => alice.putObjectTagging('k', { v: 'two' }, { versionId: vids.two }));
      const t3 = await ok(A('GetObjectTagging', 'GET', 'k'), () => alice.getObjectTagging('k'));
      assert.deepEqual(t3.tag, { v: 'two' });
      const d = await ok(A('DeleteObjectTagging', 'DELETE', 'k'), () => alice.deleteObjectTagging('k', { versionId: vids.one }));
      assert.equal(d.res.status, 204);
      const t4 = await ok(A('GetObjectTagging', 'GET', 'k'), () => alice.getObjectTagging('k', { versionId: vids.one }));
      assert.deepEqual(t4.tag, {});
      const t5 = await ok(A('GetObjectTagging', 'GET', 'k'), () => alice.getObjectTagging('k', { versionId: vids.two }));
      assert.deepEqual(t5.tag, { v: 'two' });
      // Data and ETag of the tagged old version are untouched.
      const g = await ok(A('GetObject', 'GET', 'k'), () => alice.get('k', { versionId: vids.one }));
      assert.equal(String(g.content), 'one');
      await refused(A('GetObjectTagging', 'GET', 'k'), 404, 'NoSuchVersion', () =>
        alice.getObjectTagging('k', { versionId: 'CAEQnope' }));
      await ok(A('DeleteObjectTagging', 'DELETE', 'k'), () => alice.deleteObjectTagging('k', { versionId: vids.two }));
    });

    test('DeleteObject without versionId adds a delete marker; reads then 404/405', async () => {
      const d = await ok(A('DeleteObject', 'DELETE', 'k'), () => alice.delete('k'));
      assert.equal(d.res.status, 204);
      assert.equal(d.res.headers['x-oss-delete-marker'], 'true');
      vids.dm = d.res.headers['x-oss-version-id'];
      assert.match(vids.dm, /^\S+$/);
      await refused(A('GetObject', 'GET', 'k'), 404, 'NoSuchKey', () => alice.get('k'));
      const e = await expect(alice, A('GetObject', 'GET', 'k'), { method: 'GET', key: 'k' }, 404, 'NoSuchKey');
      assert.equal(e.headers['x-oss-delete-marker'], 'true');
      assert.equal(e.headers['x-oss-version-id'], vids.dm);
      await refused(A('HeadObject', 'HEAD', 'k'), 404, 'NoSuchKey', () => alice.head('k'));
      const eh = await expect(alice, A('HeadObject', 'HEAD', 'k'), { method: 'HEAD', key: 'k' }, 404, 'NoSuchKey');
      assert.equal(eh.headers['x-oss-delete-marker'], 'true');
      await refused(A('GetObject', 'GET', 'k'), 405, 'MethodNotAllowed', () => alice.get('k', { versionId: vids.dm }));
      await refused(A('HeadObject', 'HEAD', 'k'), 405, 'MethodNotAllowed', () => alice.head('k', { versionId: vids.dm }));
      const h405 = await expect(alice, A('HeadObject', 'HEAD', 'k'),
        { method: 'HEAD', key: 'k', subres: { versionId: vids.dm } }, 405, 'MethodNotAllowed');
      assert.equal(h405.headers['x-oss-delete-marker'], 'true');
      assert.equal(h405.headers['x-oss-version-id'], vids.dm);
      await refused(A('GetObjectACL', 'GET', 'k'), 405, 'MethodNotAllowed', () => alice.getACL('k', { versionId: vids.dm }));
      await refused(A('PutObjectACL', 'PUT', 'k'), 405, 'MethodNotAllowed', () => alice.putACL('k', 'private', { versionId: vids.dm }));
      await refused(A('PutObjectACL', 'PUT', 'k'), 404, 'NoSuchKey', () => alice.putACL('k', 'private'));
      const pe = await expect(alice, A('PutObjectACL', 'PUT', 'k'),
        { method: 'PUT', key: 'k', subres: { acl: '' }, headers: { 'x-oss-object-acl': 'private' } }, 404, 'NoSuchKey');
      assert.equal(pe.headers['x-oss-delete-marker'], 'true');
      await refused(A('GetObjectACL', 'GET', 'k'), 404, 'NoSuchKey', () => alice.getACL('k'));
      // Listings show only current non-marker versions.
      const l = await ok(A('ListObjectsV2', 'GET'), () => alice.listV2({ 'max-keys': 100 }));
      assert.deepEqual((l.objects || []).map(o => o.name), ['copy']);
      const l1 = await ok(A('ListObjects', 'GET'), () => alice.list({ 'max-keys': 100 }));
      assert.deepEqual((l1.objects || []).map(o => o.name), ['copy']);
    });

    test('ListObjectVersions: ListVersionsResult shape, newest first, IsLatest, paging', async () => {
      const r = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({ prefix: 'k' }));
      const x = parseXml(body(r));
      assert.equal(x.name, 'ListVersionsResult');
      assert.deepEqual(names(x), ['Name', 'Prefix', 'KeyMarker', 'VersionIdMarker', 'MaxKeys', 'Delimiter',
        'IsTruncated', 'DeleteMarker', 'Version', 'Version']);
      assert.equal(text(x, 'Name'), B);
      assert.equal(text(x, 'Prefix'), 'k');
      assert.equal(text(x, 'MaxKeys'), '100');
      assert.equal(text(x, 'IsTruncated'), 'false');
      const [dm, v2, v1] = x.children.slice(7);
      assert.deepEqual(names(dm), MARKER_FIELDS);
      assert.deepEqual(names(v2), VERSION_FIELDS);
      assert.deepEqual(names(v1), VERSION_FIELDS);
      assert.deepEqual([text(dm, 'VersionId'), text(v2, 'VersionId'), text(v1, 'VersionId')], [vids.dm, vids.two, vids.one]);
      assert.deepEqual([text(dm, 'IsLatest'), text(v2, 'IsLatest'), text(v1, 'IsLatest')], ['true', 'false', 'false']);
      assert.equal(text(v1, 'ETag'), `"${hexMd5(Buffer.from('one'))}"`);
      assert.equal(text(v1, 'Type'), 'Normal');
      assert.equal(text(v1, 'Size'), '3');
      assert.equal(text(v1, 'StorageClass'), 'Standard');
      assert.match(text(v1, 'LastModified'), ISO);
      assert.match(text(dm, 'LastModified'), ISO);
      assert.deepEqual(names(child(v1, 'Owner')), ['ID', 'DisplayName']);
      assert.equal(text(child(v1, 'Owner'), 'ID'), ALICE.id);
      // ali-oss's view of the same.
      assert.deepEqual(r.objects.map(o => [o.name, o.versionId, o.isLatest]), [['k', vids.two, false], ['k', vids.one, false]]);
      assert.deepEqual(r.deleteMarker.map(o => o.versionId), [vids.dm]);

      // Paging with max-keys 1: NextKeyMarker / NextVersionIdMarker resume after that version.
      const seen = [];
      let km;
      let vm;
      for (let i = 0; i < 10; i++) {
        const q = { prefix: 'k', maxKeys: 1 };
        if (km !== undefined) Object.assign(q, { keyMarker: km, versionIdMarker: vm });
        const p = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions(q));
        seen.push(...p.deleteMarker.map(o => o.versionId), ...p.objects.map(o => o.versionId));
        if (!p.isTruncated) break;
        const px = parseXml(body(p));
        assert.deepEqual(names(px).slice(0, 8), ['Name', 'Prefix', 'KeyMarker', 'VersionIdMarker', 'NextKeyMarker',
          'NextVersionIdMarker', 'MaxKeys', 'Delimiter']);
        km = p.nextKeyMarker;
        vm = p.nextVersionIdMarker;
      }
      assert.deepEqual(seen, [vids.dm, vids.two, vids.one]);

      // Delimiter and encoding-type=url.
      await ok(A('PutObject', 'PUT', 'd/x y'), () => alice.put('d/x y', Buffer.from('x')));
      const dl = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({ delimiter: '/', encodingType: 'url' }));
      const dx = parseXml(body(dl));
      assert.equal(text(dx, 'EncodingType'), 'url');
      assert.deepEqual(dl.prefixes, ['d%2F']);
      const eu = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({ prefix: 'd/', encodingType: 'url' }));
      assert.deepEqual(eu.objects.map(o => o.name), ['d%2Fx%20y']);

      await refused(A('ListObjectVersions', 'GET'), 400, 'InvalidArgument', () => alice.getBucketVersions({ maxKeys: 0 }));
      await refused(A('ListObjectVersions', 'GET'), 403, 'AccessDenied', () => client(BOB, v4, B).getBucketVersions({}));
    });

    test('DELETE with versionId removes that version for good; the previous one becomes current', async () => {
      const d = await ok(A('DeleteObject', 'DELETE', 'k'), () => alice.delete('k', { versionId: vids.dm }));
      assert.equal(d.res.status, 204);
      assert.equal(d.res.headers['x-oss-delete-marker'], 'true');
      assert.equal(d.res.headers['x-oss-version-id'], vids.dm);
      const g = await ok(A('GetObject', 'GET', 'k'), () => alice.get('k'));
      assert.equal(String(g.content), 'two');
      const d2 = await ok(A('DeleteObject', 'DELETE', 'k'), () => alice.delete('k', { versionId: vids.two }));
      assert.equal(d2.res.headers['x-oss-delete-marker'], undefined);
      const g1 = await ok(A('GetObject', 'GET', 'k'), () => alice.get('k'));
      assert.equal(String(g1.content), 'one');
      await refused(A('DeleteObject', 'DELETE', 'k'), 403, 'AccessDenied', () => client(BOB, v4, B).delete('k', { versionId: vids.one }));
    });

    test('DeleteMultipleObjects: delete markers, versions by id', async () => {
      const p = await ok(A('PutObject', 'PUT', 'm1'), () => alice.put('m1', Buffer.from('m')));
      const vid = p.res.headers['x-oss-version-id'];
      const r = await ok(A('DeleteMultipleObjects', 'POST'), () => alice.deleteMulti(['m1'], { quiet: false }));
      const d = child(parseXml(body(r)), 'Deleted');
      assert.deepEqual(names(d), ['Key', 'DeleteMarker', 'DeleteMarkerVersionId']);
      assert.equal(text(d, 'DeleteMarker'), 'true');
      const dmv = text(d, 'DeleteMarkerVersionId');
      assert.match(dmv, /^\S+$/);
      const r2 = await ok(A('DeleteMultipleObjects', 'POST'), () =>
        alice.deleteMulti([{ key: 'm1', versionId: dmv }, { key: 'm1', versionId: vid }], { quiet: false }));
      const ds = parseXml(body(r2)).children.filter(c => c.name === 'Deleted');
      assert.deepEqual(ds.map(names), [['Key', 'VersionId', 'DeleteMarker', 'DeleteMarkerVersionId'], ['Key', 'VersionId']]);
      assert.deepEqual(ds.map(e => text(e, 'VersionId')), [dmv, vid]);
      const l = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({ prefix: 'm1' }));
      assert.deepEqual([l.objects.length, l.deleteMarker.length], [0, 0]);
      await refused(A('DeleteMultipleObjects', 'POST'), 403, 'AccessDenied', () =>
        client(BOB, v4, B).deleteMulti([{ key: 'k', versionId: vids.one }]));
    });

    test('Suspended: writes get version "null"', async () => {
      await ok(A('PutBucketVersioning', 'PUT'), () => putVersioning(alice, B, 'Suspended'));
      const r = await ok(A('GetBucketVersioning', 'GET'), () => alice.getBucketVersioning(B));
      assert.equal(r.versionStatus, 'Suspended');
      const p = await ok(A('PutObject', 'PUT', 's'), () => alice.put('s', Buffer.from('s1')));
      assert.equal(p.res.headers['x-oss-version-id'], 'null');
      const d = await ok(A('DeleteObject', 'DELETE', 's'), () => alice.delete('s'));
      assert.equal(d.res.headers['x-oss-version-id'], 'null');
      assert.equal(d.res.headers['x-oss-delete-marker'], 'true');
    });
  });

  describe(`multipart upload with signature ${mode.toUpperCase()}`, () => {
    let alice;
    const A = (op, method, key = '') => ({ op, method, bucket: M, key });
    const PART1 = crypto.randomBytes(100 * 1024);
    const PART2 = Buffer.from('the last part may be small\n');
    let up; // upload id of 'big/obj'
    let etags = {};

    before(async () => {
      alice = client(ALICE, v4, M);
      await ok(A('PutBucket', 'PUT'), () => alice.putBucket(M));
    });

    test('InitiateMultipartUpload: 32 upper-case hex upload id, result shape', async () => {
      const r = await ok(A('InitiateMultipartUpload', 'POST', 'big/obj'), () =>
        alice.initMultipartUpload('big/obj', { mime: 'text/x-big', meta: { color: 'blue' } }));
      up = r.uploadId;
      assert.match(up, /^[0-9A-F]{32}$/);
      const x = parseXml(body(r));
      assert.equal(x.name, 'InitiateMultipartUploadResult');
      assert.deepEqual(names(x), ['Bucket', 'Key', 'UploadId']);
      assert.equal(text(x, 'Bucket'), M);
      assert.equal(text(x, 'Key'), 'big/obj');
      await refused(A('InitiateMultipartUpload', 'POST', 'big/obj'), 403, 'AccessDenied', () =>
        client(BOB, v4, M).initMultipartUpload('big/obj'));
    });

    test('UploadPart: quoted MD5 ETag and CRC64; bad part number 400; unknown upload 404', async () => {
      const p1 = await ok(A('UploadPart', 'PUT', 'big/obj'), () => alice.uploadPart('big/obj', up, 1, PART1, 0, PART1.length));
      // uploadPart takes a file path or data; with a Buffer ali-oss slices start..end.
      assert.equal(p1.etag, `"${hexMd5(PART1)}"`);
      assert.equal(p1.res.headers['x-oss-hash-crc64ecma'], crc64(PART1));
      // Re-uploading a number overwrites the part.
      await ok(A('UploadPart', 'PUT', 'big/obj'), () => alice.uploadPart('big/obj', up, 2, Buffer.from('old'), 0, 3));
      const p2 = await ok(A('UploadPart', 'PUT', 'big/obj'), () => alice.uploadPart('big/obj', up, 2, PART2, 0, PART2.length));
      assert.equal(p2.etag, `"${hexMd5(PART2)}"`);
      etags = { 1: p1.etag, 2: p2.etag };
      for (const bad of [0, 10001]) {
        const e = await refused(A('UploadPart', 'PUT', 'big/obj'), 400, 'InvalidArgument', () =>
          alice.uploadPart('big/obj', up, bad, PART2, 0, PART2.length));
        assert.equal(e.ecCode, '0017-00000220');
      }
      await refused(A('UploadPart', 'PUT', 'big/obj'), 404, 'NoSuchUpload', () =>
        alice.uploadPart('big/obj', '0123456789ABCDEF0123456789ABCDEF', 1, PART2, 0, PART2.length));
    });

    test('ListParts: ListPartsResult shape, fields, paging; unknown upload 404', async () => {
      const r = await ok(A('ListParts', 'GET', 'big/obj'), () => alice.listParts('big/obj', up, {}));
      const x = parseXml(body(r));
      assert.equal(x.name, 'ListPartsResult');
      assert.deepEqual(names(x), ['Bucket', 'Key', 'UploadId', 'PartNumberMarker', 'NextPartNumberMarker',
        'MaxParts', 'IsTruncated', 'StorageClass', 'Part', 'Part']);
      assert.equal(text(x, 'UploadId'), up);
      assert.equal(text(x, 'MaxParts'), '1000');
      assert.equal(text(x, 'IsTruncated'), 'false');
      const parts = x.children.filter(c => c.name === 'Part');
      for (const [i, p] of parts.entries()) {
        const data = i === 0 ? PART1 : PART2;
        assert.deepEqual(names(p), ['PartNumber', 'LastModified', 'ETag', 'HashCrc64ecma', 'Size']);
        assert.equal(text(p, 'PartNumber'), String(i + 1));
        assert.match(text(p, 'LastModified'), ISO);
        assert.equal(text(p, 'ETag'), `"${hexMd5(data)}"`);
        assert.equal(text(p, 'HashCrc64ecma'), crc64(data));
        assert.equal(text(p, 'Size'), String(data.length));
      }
      const p1 = await ok(A('ListParts', 'GET', 'big/obj'), () => alice.listParts('big/obj', up, { 'max-parts': 1 }));
      assert.equal(p1.isTruncated, 'true');
      assert.equal(p1.nextPartNumberMarker, '1');
      assert.equal(p1.parts.PartNumber, '1');
      const p2 = await ok(A('ListParts', 'GET', 'big/obj'), () =>
        alice.listParts('big/obj', up, { 'max-parts': 1, 'part-number-marker': 1 }));
      assert.equal(p2.isTruncated, 'false');
      assert.equal(p2.partNumberMarker, '1');
      assert.equal(p2.parts.PartNumber, '2');
      await refused(A('ListParts', 'GET', 'big/obj'), 404, 'NoSuchUpload', () =>
        alice.listParts('big/obj', 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF', {}));
    });

    test('ListMultipartUploads: shape, prefix/delimiter, markers; bad max-uploads 400', async () => {
      const other = await ok(A('InitiateMultipartUpload', 'POST', 'top'), () => alice.initMultipartUpload('top'));
      const r = await ok(A('ListMultipartUploads', 'GET'), () => alice.listUploads({}));
      const x = parseXml(body(r));
      assert.equal(x.name, 'ListMultipartUploadsResult');
      assert.deepEqual(names(x), ['Bucket', 'KeyMarker', 'UploadIdMarker', 'NextKeyMarker', 'NextUploadIdMarker',
        'Delimiter', 'Prefix', 'MaxUploads', 'IsTruncated', 'Upload', 'Upload']);
      const u0 = x.children[9];
      assert.deepEqual(names(u0), ['Key', 'UploadId', 'Initiated']);
      assert.equal(text(u0, 'Key'), 'big/obj');
      assert.equal(text(u0, 'UploadId'), up);
      assert.match(text(u0, 'Initiated'), ISO);
      assert.deepEqual(r.uploads.map(u => u.name), ['big/obj', 'top']);
      const d = await ok(A('ListMultipartUploads', 'GET'), () => alice.listUploads({ delimiter: '/' }));
      const dx = parseXml(body(d));
      assert.deepEqual(dx.children.filter(c => c.name === 'CommonPrefixes').map(c => text(c, 'Prefix')), ['big/']);
      assert.deepEqual(d.uploads.map(u => u.name), ['top']);
      const m = await ok(A('ListMultipartUploads', 'GET'), () => alice.listUploads({ 'max-uploads': 1 }));
      assert.equal(m.isTruncated, true);
      assert.equal(m.nextKeyMarker, 'big/obj');
      assert.equal(m.nextUploadIdMarker, up);
      const m2 = await ok(A('ListMultipartUploads', 'GET'), () =>
        alice.listUploads({ 'max-uploads': 1, 'key-marker': m.nextKeyMarker, 'upload-id-marker': m.nextUploadIdMarker }));
      assert.deepEqual(m2.uploads.map(u => u.uploadId), [other.uploadId]);
      assert.equal(m2.isTruncated, false);
      await refused(A('ListMultipartUploads', 'GET'), 400, 'InvalidArgument', () => alice.listUploads({ 'max-uploads': 0 }));
      await refused(A('AbortMultipartUpload', 'DELETE', 'top'), 403, 'AccessDenied', () =>
        client(BOB, v4, M).abortMultipartUpload('top', other.uploadId));
      const ab = await ok(A('AbortMultipartUpload', 'DELETE', 'top'), () => alice.abortMultipartUpload('top', other.uploadId));
      assert.equal(ab.res.status, 204);
      await refused(A('AbortMultipartUpload', 'DELETE', 'top'), 404, 'NoSuchUpload', () =>
        alice.abortMultipartUpload('top', other.uploadId));
    });

    test('DeleteBucket refuses while uploads are pending (409 BucketNotEmpty)', async () => {
      await refused(A('DeleteBucket', 'DELETE'), 409, 'BucketNotEmpty', () => alice.deleteBucket(M));
    });

    test('CompleteMultipartUpload: InvalidPartOrder, InvalidPart, EntityTooSmall, then success', async () => {
      // ali-oss sorts the list itself: send this one by hand.
      await refused(A('CompleteMultipartUpload', 'POST', 'big/obj'), 400, 'InvalidPartOrder', () =>
        alice.request({ ...alice._objectRequestParams('POST', 'big/obj', { subres: { uploadId: up } }), mime: 'xml',
          content: `<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${etags[2]}</ETag></Part>` +
            `<Part><PartNumber>1</PartNumber><ETag>${etags[1]}</ETag></Part></CompleteMultipartUpload>`,
          successStatuses: [200] }));
      await refused(A('CompleteMultipartUpload', 'POST', 'big/obj'), 400, 'InvalidPart', () =>
        alice.completeMultipartUpload('big/obj', up, [{ number: 1, etag: etags[2] }, { number: 2, etag: etags[2] }]));
      await refused(A('CompleteMultipartUpload', 'POST', 'big/obj'), 400, 'InvalidPart', () =>
        alice.completeMultipartUpload('big/obj', up, [{ number: 1, etag: etags[1] }, { number: 3, etag: etags[2] }]));
      // A small part that is not the last.
      const small = await ok(A('InitiateMultipartUpload', 'POST', 'small'), () => alice.initMultipartUpload('small'));
      const s1 = await ok(A('UploadPart', 'PUT', 'small'), () => alice.uploadPart('small', small.uploadId, 1, PART2, 0, PART2.length));
      const s2 = await ok(A('UploadPart', 'PUT', 'small'), () => alice.uploadPart('small', small.uploadId, 2, PART2, 0, PART2.length));
      await refused(A('CompleteMultipartUpload', 'POST', 'small'), 400, 'EntityTooSmall', () =>
        alice.completeMultipartUpload('small', small.uploadId, [{ number: 1, etag: s1.etag }, { number: 2, etag: s2.etag }]));
      await ok(A('AbortMultipartUpload', 'DELETE', 'small'), () => alice.abortMultipartUpload('small', small.uploadId));

      const r = await ok(A('CompleteMultipartUpload', 'POST', 'big/obj'), () =>
        alice.completeMultipartUpload('big/obj', up, [{ number: 1, etag: etags[1] }, { number: 2, etag: etags[2] }]));
      const want = `"${hexMd5(Buffer.from(hexMd5(PART1) + hexMd5(PART2)))}-2"`;
      assert.equal(r.etag, want);
      const whole = Buffer.concat([PART1, PART2]);
      assert.equal(r.res.headers['x-oss-hash-crc64ecma'], crc64(whole));
      const x = parseXml(body(r));
      assert.equal(x.name, 'CompleteMultipartUploadResult');
      assert.deepEqual(names(x), ['Location', 'Bucket', 'Key', 'ETag']);
      assert.equal(text(x, 'Bucket'), M);
      assert.equal(text(x, 'Key'), 'big/obj');
      assert.equal(text(x, 'ETag'), want);
      assert.match(text(x, 'Location'), /^http:\/\/.+\/big\/obj$/);
      const g = await ok(A('GetObject', 'GET', 'big/obj'), () => alice.get('big/obj'));
      assert.ok(Buffer.compare(g.content, whole) === 0, 'the object is the parts concatenated');
      assert.equal(g.res.headers['x-oss-object-type'], 'Multipart');
      assert.equal(g.res.headers['content-type'], 'text/x-big');
      assert.equal(g.res.headers['x-oss-meta-color'], 'blue');
      assert.equal(g.res.headers['x-oss-hash-crc64ecma'], crc64(whole));
      await refused(A('CompleteMultipartUpload', 'POST', 'big/obj'), 404, 'NoSuchUpload', () =>
        alice.completeMultipartUpload('big/obj', up, [{ number: 1, etag: etags[1] }]));
      // x-oss-forbid-overwrite on an unversioned bucket: refused at initiation and at completion.
      const fo = { headers: { 'x-oss-forbid-overwrite': 'true' } };
      await refused(A('InitiateMultipartUpload', 'POST', 'big/obj'), 409, 'FileAlreadyExists', () =>
        alice.initMultipartUpload('big/obj', fo));
      const again = await ok(A('InitiateMultipartUpload', 'POST', 'big/obj'), () => alice.initMultipartUpload('big/obj'));
      const ap = await ok(A('UploadPart', 'PUT', 'big/obj'), () => alice.uploadPart('big/obj', again.uploadId, 1, PART2, 0, PART2.length));
      const fe = await refused(A('CompleteMultipartUpload', 'POST', 'big/obj'), 409, 'FileAlreadyExists', () =>
        alice.completeMultipartUpload('big/obj', again.uploadId, [{ number: 1, etag: ap.etag }], fo));
      assert.equal(fe.ecCode, '0042-00000214');
      await ok(A('AbortMultipartUpload', 'DELETE', 'big/obj'), () => alice.abortMultipartUpload('big/obj', again.uploadId));
    });

    test('UploadPartCopy with a range, and x-oss-complete-all: yes', async () => {
      const i = await ok(A('InitiateMultipartUpload', 'POST', 'copied'), () => alice.initMultipartUpload('copied'));
      const c = await ok(A('UploadPartCopy', 'PUT', 'copied'), () =>
        alice.uploadPartCopy('copied', i.uploadId, 1, `0-${PART1.length - 1}`, { sourceKey: 'big/obj', sourceBucketName: M }));
      assert.equal(c.etag, `"${hexMd5(PART1)}"`);
      const cx = parseXml(body(c));
      assert.equal(cx.name, 'CopyPartResult');
      assert.deepEqual(names(cx), ['LastModified', 'ETag']);
      await ok(A('UploadPartCopy', 'PUT', 'copied'), () =>
        alice.uploadPartCopy('copied', i.uploadId, 2, `${PART1.length}-${PART1.length + 3}`, { sourceKey: 'big/obj', sourceBucketName: M }));
      await refused(A('UploadPartCopy', 'PUT', 'copied'), 404, 'NoSuchKey', () =>
        alice.uploadPartCopy('copied', i.uploadId, 3, '0-1', { sourceKey: 'nope', sourceBucketName: M }));
      const r = await ok(A('CompleteMultipartUpload', 'POST', 'copied'), () =>
        alice.request({ ...alice._objectRequestParams('POST', 'copied', { subres: { uploadId: i.uploadId },
          headers: { 'x-oss-complete-all': 'yes' } }), successStatuses: [200], xmlResponse: true }));
      assert.equal(r.res.headers.etag, `"${hexMd5(Buffer.from(hexMd5(PART1) + hexMd5(PART2.subarray(0, 4))))}-2"`);
      const g = await ok(A('GetObject', 'GET', 'copied'), () => alice.get('copied'));
      assert.ok(Buffer.compare(g.content, Buffer.concat([PART1, PART2.subarray(0, 4)])) === 0);
    });

    test('a multipart upload completes as a new version on a versioned bucket', async () => {
      await ok(A('PutBucketVersioning', 'PUT'), () => putVersioning(alice, M, 'Enabled'));
      const i = await ok(A('InitiateMultipartUpload', 'POST', 'big/obj'), () => alice.initMultipartUpload('big/obj'));
      // A part above 1 MiB reaches the handler spooled to a file by the front.
      const LARGE = crypto.randomBytes(2 * 1024 * 1024 + 17);
      const p = await ok(A('UploadPart', 'PUT', 'big/obj'), () => alice.uploadPart('big/obj', i.uploadId, 1, LARGE, 0, LARGE.length));
      assert.equal(p.etag, `"${hexMd5(LARGE)}"`);
      assert.equal(p.res.headers['x-oss-hash-crc64ecma'], crc64(LARGE));
      const q = await ok(A('UploadPart', 'PUT', 'big/obj'), () => alice.uploadPart('big/obj', i.uploadId, 2, PART2, 0, PART2.length));
      const r = await ok(A('CompleteMultipartUpload', 'POST', 'big/obj'), () =>
        alice.completeMultipartUpload('big/obj', i.uploadId, [{ number: 1, etag: p.etag }, { number: 2, etag: q.etag }],
          { headers: { 'x-oss-forbid-overwrite': 'true' } }));
      assert.match(r.res.headers['x-oss-version-id'], /^\S+$/);
      assert.equal(r.res.headers['x-oss-hash-crc64ecma'], crc64(Buffer.concat([LARGE, PART2])));
      const g = await ok(A('GetObject', 'GET', 'big/obj'), () => alice.get('big/obj'));
      assert.ok(Buffer.compare(g.content, Buffer.concat([LARGE, PART2])) === 0);
      const v = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({ prefix: 'big/' }));
      assert.deepEqual(v.objects.map(o => [o.isLatest, o.type]), [[true, 'Multipart'], [false, 'Multipart']]);
    });
  });
}

describe('restart survival', () => {
  const B = 'restart-bkt';
  let alice;
  const A = (op, method, key = '') => ({ op, method, bucket: B, key });
  const state = {};

  test('versions, their ACLs and pending uploads survive a restart on the same --data', async () => {
    alice = client(ALICE, true, B);
    await ok(A('PutBucket', 'PUT'), () => alice.putBucket(B));
    await ok(A('PutBucketVersioning', 'PUT'), () => putVersioning(alice, B, 'Enabled'));
    const p1 = await ok(A('PutObject', 'PUT', 'f'), () => alice.put('f', Buffer.from('v1')));
    state.v1 = p1.res.headers['x-oss-version-id'];
    await ok(A('PutObject', 'PUT', 'f'), () => alice.put('f', Buffer.from('v2')));
    await ok(A('PutObjectACL', 'PUT', 'f'), () => alice.putACL('f', 'public-read', { versionId: state.v1 }));
    await ok(A('DeleteObject', 'DELETE', 'f'), () => alice.delete('f'));
    const i = await ok(A('InitiateMultipartUpload', 'POST', 'pending'), () => alice.initMultipartUpload('pending'));
    state.up = i.uploadId;
    const part = Buffer.from('pending part');
    await ok(A('UploadPart', 'PUT', 'pending'), () => alice.uploadPart('pending', state.up, 5, part, 0, part.length));
    const before = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({}));

    await emu.restart();
    alice = client(ALICE, true, B);

    const r = await ok(A('GetBucketVersioning', 'GET'), () => alice.getBucketVersioning(B));
    assert.equal(r.versionStatus, 'Enabled');
    const after_ = await ok(A('ListObjectVersions', 'GET'), () => alice.getBucketVersions({}));
    assert.deepEqual(
      { o: after_.objects.map(o => [o.versionId, o.isLatest, o.etag]), d: after_.deleteMarker.map(o => o.versionId) },
      { o: before.objects.map(o => [o.versionId, o.isLatest, o.etag]), d: before.deleteMarker.map(o => o.versionId) });
    const acl = await ok(A('GetObjectACL', 'GET', 'f'), () => alice.getACL('f', { versionId: state.v1 }));
    assert.equal(acl.acl, 'public-read');
    const g = await ok(A('GetObject', 'GET', 'f'), () => alice.get('f', { versionId: state.v1 }));
    assert.equal(String(g.content), 'v1');
    await refused(A('GetObject', 'GET', 'f'), 404, 'NoSuchKey', () => alice.get('f'));
    const lp = await ok(A('ListParts', 'GET', 'pending'), () => alice.listParts('pending', state.up, {}));
    assert.equal(lp.parts.PartNumber, '5');
    assert.equal(lp.parts.Size, '12');
    const lu = await ok(A('ListMultipartUploads', 'GET'), () => alice.listUploads({}));
    assert.deepEqual(lu.uploads.map(u => u.uploadId), [state.up]);
    const c = await ok(A('CompleteMultipartUpload', 'POST', 'pending'), () =>
      alice.completeMultipartUpload('pending', state.up, [{ number: 5, etag: lp.parts.ETag }]));
    assert.equal(c.res.status, 200);
    const gp = await ok(A('GetObject', 'GET', 'pending'), () => alice.get('pending'));
    assert.equal(String(gp.content), 'pending part');
  });
});

test('request log: the versioning and multipart operation names, statuses and codes', async () => {
  const entries = await emu.readLogAtLeast(ledger.length);
  const byRid = new Map(entries.map(e => [e.request_id, e]));
  const problems = [];
  for (const x of ledger) {
    const e = byRid.get(x.rid);
    const what = `${x.op} ${x.method} ${x.bucket}/${x.key} -> ${x.status} ${x.code}`;
    if (!e) {
      problems.push(`${what}: no log line with request_id ${x.rid}`);
      continue;
    }
    for (const k of ['op', 'method', 'bucket', 'key', 'status', 'code']) {
      if (e[k] !== x[k]) problems.push(`${what}: log ${k}=${JSON.stringify(e[k])}, want ${JSON.stringify(x[k])}`);
    }
  }
  const ops = new Set(entries.map(e => e.op));
  for (const op of ['PutBucketVersioning', 'GetBucketVersioning', 'ListObjectVersions', 'InitiateMultipartUpload',
    'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListMultipartUploads', 'ListParts']) {
    if (!ops.has(op)) problems.push(`no ${op} line in the log`);
  }
  assert.deepEqual(problems, [], `request log mismatches:\n${problems.join('\n')}`);
});

// Raw HTTP: an unsigned ListObjectVersions on a private bucket is refused.
test('anonymous ListObjectVersions on a private bucket -> 403', async () => {
  const r = await rawRequest(emu.port, { path: '/vers-v1/?versions' });
  assert.equal(r.status, 403);
});
