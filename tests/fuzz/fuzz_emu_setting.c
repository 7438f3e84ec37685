/* Fuzzes ossemu's bucket setting validators (src/emu/op_setting_validate.c,
 * op_setting_lifecycle.c) as op_setting.c runs them on a request body, and the x-oss-tagging
 * header parser (op_object_tagging.c). The first byte picks the validator (and whether the
 * bucket has access monitoring on). A document that validates must give a canonical document
 * that parses, has the same root and validates again to itself. The logging validator looks
 * up target buckets in a store under a temporary directory that holds bucket "logs". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../../src/emu/op_setting.h"
#include "emu/store.h"
#include "fuzz.h"

struct validator {
    const char *root;
    emu_setting_xml_fn check;
};

static const struct validator validators[] = {
    {"CORSConfiguration", emu_setting_check_cors},
    {"LifecycleConfiguration", emu_setting_check_lifecycle},
    {"RefererConfiguration", emu_setting_check_referer},
    {"BucketLoggingStatus", emu_setting_check_logging},
    {"WebsiteConfiguration", emu_setting_check_website},
    {"ServerSideEncryptionRule", emu_setting_check_encryption},
    {"Tagging", emu_setting_check_tagging},
};
#define NVALIDATORS (sizeof(validators) / sizeof(validators[0]))

static struct emu_server server;
static char dir[] = "/tmp/fuzz-emu-setting-XXXXXX";

static void done(void)
{
    char cmd[128];
    emu_store_close(server.store);
    server.store = NULL;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct emu_bucket logs;

    (void)argc;
    (void)argv;
    if (!mkdtemp(dir) || emu_store_open(dir, &server.store) != 0)
        abort();
    atexit(done);
    memset(&logs, 0, sizeof(logs));
    strcpy(logs.name, "logs");
    strcpy(logs.owner, "1000000000000001");
    strcpy(logs.acl, "private");
    strcpy(logs.access_monitor, "Disabled");
    strcpy(logs.region, "cn-hangzhou");
    strcpy(logs.storage_class, "Standard");
    if (emu_store_bucket_create(server.store, &logs) != 0)
        abort();
    server.data_dir = dir;
    server.domain = "localhost";
    server.region = "cn-hangzhou";
    return 0;
}

/* Validates doc[0..len) like op_setting.c does. Returns 1 with the canonical document in
 * canon, 0 when refused (err filled), -1 when it does not parse or has another root. */
static int validate(const struct validator *v, const struct emu_setting_ctx *ctx, const char *doc,
                    size_t len, struct oss_buf *canon)
{
    struct emu_setting_err err;
    struct oss_xml_doc *x = NULL;
    struct oss_xml_writer w;
    int rc;

    memset(&err, 0, sizeof(err));
    if (oss_xml_parse(doc, len, 64 * 1024, &x) < 0)
        return -1;
    if (strcmp(oss_xml_name(oss_xml_root(x)), v->root) != 0) {
        oss_xml_free(x);
        return -1;
    }
    oss_xmlw_init(&w, canon);
    rc = v->check(ctx, oss_xml_root(x), &w, &err);
    if (rc == 0 && oss_xmlw_finish(&w) < 0)
        abort(); /* a validator that accepts writes a balanced document */
    oss_xml_free(x);
    if (rc != 0 && (rc != -1 || !err.code || !memchr(err.msg, 0, sizeof(err.msg))))
        abort();
    return rc == 0;
}

static void check_tags(const uint8_t *data, size_t size)
{
    char *value = fuzz_str(data, size);
    struct emu_setting_err err;
    void *tags = NULL;

    memset(&err, 0, sizeof(err));
    if (emu_object_tags_from_header(value, &tags, &err) == 0) {
        if (!tags || !json_is_object((json_t *)tags))
            abort();
        json_decref(tags);
    } else if (tags || !err.code) {
        abort();
    }
    free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oss_buf canon = OSS_BUF_INIT, again = OSS_BUF_INIT;
    struct emu_setting_ctx ctx;
    struct emu_bucket b;
    const struct validator *v;

    if (!server.store)
        LLVMFuzzerInitialize(NULL, NULL);
    if (size < 1)
        return 0;
    if (data[0] % (NVALIDATORS + 1) == NVALIDATORS) {
        check_tags(data + 1, size - 1);
        return 0;
    }
    v = &validators[data[0] % (NVALIDATORS + 1)];
    memset(&b, 0, sizeof(b));
    strcpy(b.name, "b");
    strcpy(b.owner, "1000000000000001");
    strcpy(b.acl, "private");
    strcpy(b.access_monitor, data[0] & 0x80 ? "Enabled" : "Disabled");
    strcpy(b.region, "cn-hangzhou");
    strcpy(b.storage_class, "Standard");
    ctx.s = &server;
    ctx.b = &b;
    if (validate(v, &ctx, (const char *)data + 1, size - 1, &canon) == 1) {
        if (validate(v, &ctx, oss_buf_str(&canon), canon.len, &again) != 1)
            abort(); /* the canonical document is accepted */
        if (again.len != canon.len || memcmp(again.data, canon.data, canon.len) != 0)
            abort(); /* and is a fixed point */
    }
    oss_buf_cleanup(&canon);
    oss_buf_cleanup(&again);
    return 0;
}
