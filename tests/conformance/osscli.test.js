// osscli.test.js: checks tests/tools/osscli.js, the command-line client the shell integration
// tests rely on, against ossemu: every command once with V1 and V4, and its error convention
// (`ERROR <Code> <status> <RequestId>` on stderr, exit 2).
'use strict';

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { ALICE, BOB, AUDITOR, Emu } = require('./helpers');

const CLI = path.resolve(__dirname, '..', 'tools', 'osscli.js');
const emu = new Emu();

before(async () => {
  await emu.start();
});
after(async () => {
  await emu.stop();
});

// cli runs osscli.js; `input` is fed to stdin. Returns { status, stdout (Buffer), stderr }.
function cli(who, v4, args, input) {
  const base = ['--endpoint', emu.url];
  if (who) base.push('--akid', who.akid, '--secret', who.secret);
  if (v4) base.push('--v4', '--region', 'cn-hangzhou');
  const env = { ...process.env };
  delete env.OSS_ACCESS_KEY_ID;
  delete env.OSS_ACCESS_KEY_SECRET;
  const r = spawnSync(process.execPath, [CLI, ...base, ...args], { input, env, timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

function okText(r) {
  assert.equal(r.status, 0, `exit ${r.status}, stderr: ${r.stderr}`);
  return r.stdout.toString();
}

for (const v4 of [false, true]) {
  const mode = v4 ? 'v4' : 'v1';
  const B = `cli-${mode}-bucket`;
  describe(`osscli ${mode.toUpperCase()}`, () => {
    test('bucket commands', () => {
      assert.equal(okText(cli(ALICE, v4, ['put-bucket', B])), `${B}\n`);
      assert.equal(okText(cli(ALICE, v4, ['get-bucket-acl', B])), 'private\n');
      assert.equal(okText(cli(ALICE, v4, ['put-bucket-acl', B, 'public-read'])), 'public-read\n');
      assert.equal(okText(cli(ALICE, v4, ['get-bucket-acl', B])), 'public-read\n');
      assert.equal(okText(cli(ALICE, v4, ['put-bucket-acl', B, 'private'])), 'private\n');
      assert.equal(okText(cli(ALICE, v4, ['get-access-monitor', B])), 'Disabled\n');
      assert.equal(okText(cli(ALICE, v4, ['put-access-monitor', B, 'Enabled'])), 'Enabled\n');
      assert.equal(okText(cli(ALICE, v4, ['get-access-monitor', B])), 'Enabled\n');
    });

    test('list-buckets', () => {
      const names = okText(cli(ALICE, v4, ['list-buckets'])).split('\n');
      assert.ok(names.includes(B), `list-buckets output: ${JSON.stringify(names)}`);
      assert.ok(!okText(cli(BOB, v4, ['list-buckets'])).split('\n').includes(B), 'bob does not see it');
    });

    test('object commands', () => {
      const body = crypto.randomBytes(3000);
      const etag = `"${crypto.createHash('md5').update(body).digest('hex').toUpperCase()}"`;
      assert.equal(okText(cli(ALICE, v4, ['put-object', B, 'd/one.bin', '-'], body)), `${etag}\n`);
      const tmp = path.join(emu.dir, `two-${mode}.txt`);
      fs.writeFileSync(tmp, 'two\n');
      okText(cli(ALICE, v4, ['put-object', B, 'd/two.txt', tmp]));
      const g = cli(ALICE, v4, ['get-object', B, 'd/one.bin']);
      assert.equal(g.status, 0, g.stderr);
      assert.ok(Buffer.compare(g.stdout, body) === 0, 'get-object prints the raw bytes');
      const h = JSON.parse(okText(cli(ALICE, v4, ['head-object', B, 'd/one.bin'])));
      assert.equal(h.etag, etag);
      assert.equal(Number(h['content-length']), body.length);
      assert.equal(okText(cli(ALICE, v4, ['list', B])), 'd/one.bin\nd/two.txt\n');
      assert.equal(okText(cli(ALICE, v4, ['list', B, 'd/t'])), 'd/two.txt\n');
      assert.equal(okText(cli(ALICE, v4, ['get-object-acl', B, 'd/one.bin'])), 'default\n');
      assert.equal(okText(cli(ALICE, v4, ['put-object-acl', B, 'd/one.bin', 'public-read'])), 'public-read\n');
      assert.equal(okText(cli(ALICE, v4, ['get-object-acl', B, 'd/one.bin'])), 'public-read\n');
      assert.equal(okText(cli(ALICE, v4, ['delete-object', B, 'd/two.txt'])), '');
      assert.equal(okText(cli(ALICE, v4, ['list', B])), 'd/one.bin\n');
    });

    test('sub-resource commands: get-sub, put-sub, del-sub', () => {
      const cors =
        '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>' +
        '<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';
      const unset = cli(ALICE, v4, ['get-sub', B, 'cors']);
      assert.equal(unset.status, 2);
      assert.match(unset.stderr, /^ERROR NoSuchCORSConfiguration 404 \S+\n$/);
      assert.equal(okText(cli(ALICE, v4, ['put-sub', B, 'cors', '-'], cors)), '');
      const got = okText(cli(ALICE, v4, ['get-sub', B, 'cors']));
      assert.ok(got.startsWith('<?xml'), `raw body: ${got}`);
      assert.ok(got.includes(cors), `raw body: ${got}`);
      const policy = `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:${B}/*"]}]}`;
      assert.equal(okText(cli(ALICE, v4, ['put-sub', B, 'policy', '-'], policy)), '');
      assert.equal(okText(cli(ALICE, v4, ['get-sub', B, 'policy'])), policy);
      assert.equal(okText(cli(ALICE, v4, ['del-sub', B, 'policy'])), '');
      assert.equal(okText(cli(ALICE, v4, ['del-sub', B, 'cors'])), '');
      assert.equal(cli(ALICE, v4, ['get-sub', B, 'cors']).status, 2);
      assert.match(okText(cli(ALICE, v4, ['get-sub', B, 'location'])), /<LocationConstraint>oss-cn-hangzhou</);
      const bad = cli(ALICE, v4, ['put-sub', B, 'cors', '-'], '<CORSConfiguration><CORSRule>');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^ERROR MalformedXML 400 \S+\n$/);
      const ram = cli(AUDITOR, v4, ['put-sub', B, 'cors', '-'], cors);
      assert.equal(ram.status, 2);
      assert.match(ram.stderr, /^ERROR AccessDenied 403 \S+\n$/);
      assert.equal(cli(ALICE, v4, ['get-sub', B, 'a&b']).status, 64);
    });

    test('errors: ERROR <Code> <status> <RequestId> on stderr, exit 2', () => {
      const missing = cli(ALICE, v4, ['get-object', B, 'nope']);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /^ERROR NoSuchKey 404 \S+\n$/);
      assert.equal(missing.stdout.length, 0);
      const headMissing = cli(ALICE, v4, ['head-object', B, 'nope']);
      assert.equal(headMissing.status, 2);
      assert.match(headMissing.stderr, /^ERROR NoSuchKey 404 \S+\n$/);
      const bob = cli(BOB, v4, ['get-bucket-acl', B]);
      assert.equal(bob.status, 2);
      assert.match(bob.stderr, /^ERROR AccessDenied 403 \S+\n$/);
      const ram = cli(AUDITOR, v4, ['put-bucket-acl', B, 'public-read']);
      assert.equal(ram.status, 2);
      assert.match(ram.stderr, /^ERROR AccessDenied 403 \S+\n$/);
      const bad = cli({ akid: ALICE.akid, secret: 'wrong' }, v4, ['get-bucket-acl', B]);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^ERROR SignatureDoesNotMatch 403 \S+\n$/);
      assert.ok(!bad.stderr.includes('wrong') && !bad.stderr.includes(ALICE.secret), 'no secret in output');
    });

    test('credentials from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET; usage errors exit 64', () => {
      const args = [CLI, '--endpoint', emu.url];
      if (v4) args.push('--v4');
      const env = { ...process.env, OSS_ACCESS_KEY_ID: ALICE.akid, OSS_ACCESS_KEY_SECRET: ALICE.secret };
      const r = spawnSync(process.execPath, [...args, 'get-bucket-acl', B], { env, timeout: 30000 });
      assert.equal(r.status, 0, r.stderr.toString());
      assert.equal(r.stdout.toString(), 'private\n');
      const u = spawnSync(process.execPath, [...args, 'frobnicate'], { env, timeout: 30000 });
      assert.equal(u.status, 64);
    });
  });
}
