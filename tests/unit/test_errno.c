/* Error mapping tests: the errno table of DESIGN.md 1.2 with its status fallbacks, and
 * oss_error_from_response over the bodies under $OSS_TEST_DATA/errors (format in its README),
 * including hostile documents whose entities must never be expanded. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data_files.h"

#include "oss/codec.h"
#include "oss/error.h"

static void test_design_table(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        int status, err;
    } rows[] = {
        {"AccessDenied", 403, EACCES},
        {"InvalidAccessKeyId", 403, EACCES},
        {"SignatureDoesNotMatch", 403, EACCES},
        {"RequestTimeTooSkewed", 403, EACCES},
        {"NoSuchBucket", 404, ENOENT},
        {"NoSuchKey", 404, ENOENT},
        {"NoSuchUpload", 404, ENOENT},
        {"NoSuchVersion", 404, ENOENT},
        {"NoSuchLifecycle", 404, ENOENT},
        {"NoSuchCORSConfiguration", 404, ENOENT},
        {"InvalidArgument", 400, EINVAL},
        {"MalformedXML", 400, EINVAL},
        {"MalformedPolicy", 400, EINVAL},
        {"InvalidBucketName", 400, EINVAL},
        {"InvalidObjectName", 400, EINVAL},
        {"InvalidDigest", 400, EINVAL},
        {"MethodNotAllowed", 405, EPERM},
        {"BucketNotEmpty", 409, ENOTEMPTY},
        {"BucketAlreadyExists", 409, EEXIST},
        {"FileAlreadyExists", 409, EEXIST},
        {"EntityTooLarge", 400, EFBIG},
        {"TooManyBuckets", 400, EDQUOT},
        {"QuotaExceeded", 403, EDQUOT},
        /* The code decides, whatever the status says. */
        {"AccessDenied", 400, EACCES},
        {"NoSuchKey", 500, ENOENT},
        /* Unknown or absent codes: by status. */
        {"SomethingNew", 403, EACCES},
        {"", 404, ENOENT},
        {NULL, 409, EBUSY},
        {"InvalidRequest", 409, EBUSY},
        {"InvalidRequest", 400, EINVAL},
        {NULL, 412, EINVAL},
        {"PreconditionFailed", 412, EINVAL},
        {NULL, 400, EINVAL},
        {"InternalError", 500, EIO},
        {NULL, 502, EIO},
        {NULL, 503, EIO},
        {NULL, 0, EIO},
        {"Weird", 418, EIO},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int got = oss_errno_for(rows[i].code, rows[i].status);
        if (got != rows[i].err)
            fail_msg("%s/%d: errno %d, want %d", rows[i].code ? rows[i].code : "(null)",
                     rows[i].status, got, rows[i].err);
    }
}

static int errno_by_name(const char *name)
{
    static const struct {
        const char *name;
        int err;
    } names[] = {{"EACCES", EACCES},       {"ENOENT", ENOENT}, {"EINVAL", EINVAL}, {"EPERM", EPERM},
                 {"ENOTEMPTY", ENOTEMPTY}, {"EEXIST", EEXIST}, {"EBUSY", EBUSY},   {"EFBIG", EFBIG},
                 {"EDQUOT", EDQUOT},       {"EIO", EIO}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(name, names[i].name))
            return names[i].err;
    fail_msg("unknown errno name %s", name);
    return 0;
}

/* Runs one NAME.body / NAME.expect pair; state is the path without extension. */
static void test_error_file(void **state)
{
    const char *base = *state;
    char path[4200];
    size_t body_len, exp_len;
    snprintf(path, sizeof(path), "%s.body", base);
    char *body = data_file_read(path, &body_len);
    snprintf(path, sizeof(path), "%s.expect", base);
    char *exp = data_file_read(path, &exp_len);

    int status = 0;
    const char *rid_header = NULL;
    for (char *save = NULL, *l = strtok_r(exp, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(l, "status ", 7))
            status = atoi(l + 7);
        else if (!strncmp(l, "request-id-header ", 18))
            rid_header = l + 18;
    }
    struct oss_error e;
    memset(&e, 0x5a, sizeof(e)); /* from_response must set every field */
    oss_error_from_response(&e, status, rid_header, body, body_len);
    assert_int_equal(e.http_status, status);

    free(exp);
    exp = data_file_read(path, &exp_len);
    for (char *save = NULL, *l = strtok_r(exp, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(l, ' ');
        const char *arg = sp ? sp + 1 : "";
        if (sp)
            *sp = '\0';
        if (!strcmp(l, "code"))
            assert_string_equal(e.code, arg);
        else if (!strcmp(l, "message"))
            assert_string_equal(e.message, arg);
        else if (!strcmp(l, "request-id"))
            assert_string_equal(e.request_id, arg);
        else if (!strcmp(l, "ec"))
            assert_string_equal(e.ec, arg);
        else if (!strcmp(l, "errno"))
            assert_int_equal(e.err, -errno_by_name(arg));
        else if (!strcmp(l, "message-has"))
            assert_non_null(strstr(e.message, arg));
        else if (!strcmp(l, "message-lacks"))
            assert_null(strstr(e.message, arg));
        else if (strcmp(l, "status") && strcmp(l, "request-id-header"))
            fail_msg("%s: unknown line %s", path, l);
    }
    /* Every field is a terminated string of bounded length. */
    assert_true(memchr(e.code, 0, sizeof(e.code)) != NULL);
    assert_true(memchr(e.message, 0, sizeof(e.message)) != NULL);
    assert_true(memchr(e.request_id, 0, sizeof(e.request_id)) != NULL);
    assert_true(memchr(e.ec, 0, sizeof(e.ec)) != NULL);
    free(body);
    free(exp);
}

/* HEAD answers carry the error XML base64-encoded in x-oss-err; the caller decodes it. */
static void test_head_x_oss_err(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                      "<Message>The specified key does not exist.</Message>"
                      "<RequestId>RID</RequestId><EC>0026-00000001</EC></Error>";
    struct oss_buf b64 = OSS_BUF_INIT, raw = OSS_BUF_INIT;
    assert_int_equal(oss_base64_encode(xml, strlen(xml), &b64), 0);
    assert_int_equal(oss_base64_decode(b64.data, b64.len, &raw), 0);
    struct oss_error e;
    oss_error_from_response(&e, 404, NULL, raw.data, raw.len);
    assert_string_equal(e.code, "NoSuchKey");
    assert_string_equal(e.ec, "0026-00000001");
    assert_string_equal(e.request_id, "RID");
    assert_int_equal(e.err, -ENOENT);
    oss_buf_cleanup(&b64);
    oss_buf_cleanup(&raw);

    /* Without x-oss-err: the code ali-oss infers from the status. */
    oss_error_from_response(&e, 404, "HDR", NULL, 0);
    assert_string_equal(e.code, "NoSuchKey");
    assert_string_equal(e.request_id, "HDR");
    assert_int_equal(e.err, -ENOENT);
    oss_error_from_response(&e, 412, NULL, NULL, 0);
    assert_string_equal(e.code, "PreconditionFailed");
    assert_int_equal(e.err, -EINVAL);
}

static void test_format(void **state)
{
    (void)state;
    struct oss_error e;
    char line[512];
    oss_error_clear(&e);
    assert_int_equal(e.err, 0);
    assert_string_equal(e.code, "");

    const char *xml = "<Error><Code>AccessDenied</Code><Message>no right</Message>"
                      "<RequestId>ABC</RequestId><EC>0003-00000703</EC></Error>";
    oss_error_from_response(&e, 403, NULL, xml, strlen(xml));
    oss_error_format(&e, line, sizeof(line));
    assert_string_equal(line, "AccessDenied (403): no right [request id ABC] [EC 0003-00000703]");

    /* Truncation keeps a terminated string. */
    oss_error_format(&e, line, 10);
    assert_string_equal(line, "AccessDen");

    /* Transport failure: no status, no code. */
    oss_error_clear(&e);
    e.err = -EIO;
    snprintf(e.message, sizeof(e.message), "Connection refused");
    oss_error_format(&e, line, sizeof(line));
    assert_string_equal(line, "Connection refused (errno 5)");

    /* Control characters from a body never split a log line. */
    const char *nl = "<Error><Code>X</Code><Message>a\nb\r\tc</Message></Error>";
    oss_error_from_response(&e, 400, NULL, nl, strlen(nl));
    assert_string_equal(e.message, "a b  c");
}

int main(void)
{
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_design_table),
        cmocka_unit_test(test_head_x_oss_err),
        cmocka_unit_test(test_format),
    };
    /* Each case is NAME.body with NAME.expect beside it; the test gets the path without .body. */
    return data_files_run("errno", fixed, 3, "errors", ".body", 1, test_error_file, 9);
}
