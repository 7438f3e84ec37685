/* Fuzzes ossemu's authentication (src/emu/auth.c, auth_v4.c): the Authorization header (V1
 * "OSS akid:sig" and V4 "OSS4-HMAC-SHA256 Credential=...,AdditionalHeaders=...,Signature=..."),
 * the presigned URL parameters and the dates they carry. Input lines: method, request target,
 * then "Name: value" headers. One account exists, key LTAIfuzz0001 / fuzz-secret, so the key
 * lookup succeeds for inputs that name it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"
#include "fuzz.h"

#define MAX_HEADERS 32

static struct emu_server server;
static struct emu_accounts *accounts;

static void done(void)
{
    emu_accounts_free(accounts);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (emu_accounts_single("1000000000000001", "fuzz", "LTAIfuzz0001", "fuzz-secret", &accounts))
        abort();
    server.data_dir = "/nonexistent";
    server.domain = "localhost";
    server.region = "cn-hangzhou";
    server.accounts = accounts;
    atexit(done);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oss_kv headers[MAX_HEADERS];
    char *hold[MAX_HEADERS];
    size_t nheaders = 0;
    struct emu_target t;
    struct emu_req req;
    struct emu_resp resp;
    char *method, *target;
    int rc;

    if (!accounts)
        LLVMFuzzerInitialize(NULL, NULL);
    method = fuzz_field(&data, &size, '\n');
    target = fuzz_field(&data, &size, '\n');
    while (size && nheaders < MAX_HEADERS) {
        char *line = fuzz_field(&data, &size, '\n');
        char *colon = strchr(line, ':');
        hold[nheaders] = line;
        if (colon) {
            *colon = '\0';
            for (colon++; *colon == ' '; colon++)
                ;
        }
        headers[nheaders].name = line;
        headers[nheaders].value = colon ? colon : "";
        nheaders++;
    }
    memset(&t, 0, sizeof(t));
    if (emu_target_parse(target, NULL, "localhost", &t) == 0) {
        memset(&req, 0, sizeof(req));
        req.method = method;
        req.bucket = t.bucket;
        req.key = t.key;
        req.query = t.query;
        req.nquery = t.nquery;
        req.headers = headers;
        req.nheaders = nheaders;
        req.body = "";
        snprintf(req.request_id, sizeof(req.request_id), "%s", "5F0123456789ABCDEF012345");
        emu_resp_init(&resp);
        rc = emu_authenticate(&server, &req, &resp);
        if (rc == 0 && !req.who.anonymous && strcmp(req.who.akid, "LTAIfuzz0001") != 0)
            abort();
        if (rc != 0 && rc != -EACCES && rc != -EINVAL && rc != -ENOMEM)
            abort();
        if (rc != 0 && (resp.status != 400 && resp.status != 403))
            abort(); /* a refusal is always an OSS error answer */
        emu_resp_cleanup(&resp);
    }
    emu_target_cleanup(&t);
    for (size_t i = 0; i < nheaders; i++)
        free(hold[i]);
    free(method);
    free(target);
    return 0;
}
