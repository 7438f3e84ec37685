/* Fuzzes the decoders of src/oss/codec.c and the XML layer of src/oss/xml.c: percent-decoding,
 * base64, the HTTP/ISO 8601 date parsers, and a generic walk of any document oss_xml_parse
 * accepts. Round trips are checked: decode(encode(x)) == x, and text escaped by oss_xml_escape
 * reads back unchanged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "oss/codec.h"
#include "oss/xml.h"

/* Visits every element below n (bounded depth), reading its name and text. */
static void walk(const struct oss_xml_node *n, int depth, struct oss_buf *tmp)
{
    if (depth > 64)
        return;
    for (const struct oss_xml_node *c = oss_xml_first(n, NULL); c; c = oss_xml_next(c, NULL)) {
        uint64_t u;
        int b;
        char small[8];
        (void)strlen(oss_xml_name(c));
        oss_buf_reset(tmp);
        if (oss_xml_text(c, tmp) < 0)
            abort();
        (void)oss_xml_get_u64(c, NULL, &u);
        (void)oss_xml_get_bool(c, NULL, &b);
        if (oss_xml_get_str(c, NULL, small, sizeof(small)) == 0 && strlen(small) >= sizeof(small))
            abort();
        walk(c, depth + 1, tmp);
    }
}

static void check_xml(const uint8_t *data, size_t size)
{
    struct oss_xml_doc *doc = NULL;
    struct oss_buf tmp = OSS_BUF_INIT;
    char *dup = NULL;

    if (oss_xml_parse(data, size, 0, &doc) == 0) {
        const struct oss_xml_node *root = oss_xml_root(doc);
        if (!root)
            abort();
        walk(root, 0, &tmp);
        (void)oss_xml_find(root, "A/B/C");
        if (oss_xml_get_dup(root, NULL, &dup) == 0 && !dup)
            abort();
        free(dup);
        oss_xml_free(doc);
    }
    oss_buf_cleanup(&tmp);
}

/* Text without NUL bytes and in valid UTF-8 escapes into character data that parses back to the
 * same bytes. */
static void check_escape(const uint8_t *data, size_t size)
{
    struct oss_buf doc = OSS_BUF_INIT, back = OSS_BUF_INIT;
    struct oss_xml_doc *d = NULL;

    if (memchr(data, 0, size))
        return;
    if (oss_buf_puts(&doc, "<a>") < 0 || oss_xml_escape(&doc, (const char *)data, size) < 0 ||
        oss_buf_puts(&doc, "</a>") < 0)
        abort();
    if (oss_xml_parse(doc.data, doc.len, 0, &d) == 0) {
        if (oss_xml_text(oss_xml_root(d), &back) < 0)
            abort();
        if (back.len != size || memcmp(oss_buf_str(&back), data, size) != 0)
            abort(); /* escaped text must read back unchanged */
        oss_xml_free(d);
    }
    oss_buf_cleanup(&doc);
    oss_buf_cleanup(&back);
}

static void check_url(const uint8_t *data, size_t size)
{
    struct oss_buf enc = OSS_BUF_INIT, dec = OSS_BUF_INIT;

    (void)oss_url_decode((const char *)data, size, 0, &dec);
    oss_buf_reset(&dec);
    (void)oss_url_decode((const char *)data, size, 1, &dec);
    oss_buf_reset(&dec);
    for (int keep = 0; keep < 2; keep++) {
        oss_buf_reset(&enc);
        oss_buf_reset(&dec);
        if (oss_url_encode((const char *)data, size, keep, &enc) < 0 ||
            oss_url_decode(enc.data ? enc.data : "", enc.len, 0, &dec) < 0 || dec.len != size ||
            (size && memcmp(dec.data, data, size) != 0))
            abort();
    }
    oss_buf_cleanup(&enc);
    oss_buf_cleanup(&dec);
}

static void check_base64(const uint8_t *data, size_t size)
{
    struct oss_buf enc = OSS_BUF_INIT, dec = OSS_BUF_INIT;

    (void)oss_base64_decode((const char *)data, size, &dec);
    oss_buf_reset(&dec);
    if (oss_base64_encode(data, size, &enc) < 0 ||
        oss_base64_decode(enc.data ? enc.data : "", enc.len, &dec) < 0 || dec.len != size ||
        (size && memcmp(dec.data, data, size) != 0))
        abort();
    oss_buf_cleanup(&enc);
    oss_buf_cleanup(&dec);
}

static void check_dates(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    time_t t;
    char out[30], iso[25];

    if (oss_parse_http_date(s, &t) == 0 && t >= 0 && t < 253402300800) {
        time_t t2;
        oss_http_date(t, out);
        if (oss_parse_http_date(out, &t2) != 0 || t2 != t)
            abort();
    }
    if (oss_parse_iso8601(s, &t) == 0 && t >= 0 && t < 253402300800) {
        time_t t2;
        oss_iso8601_xml(t, iso);
        if (oss_parse_iso8601(iso, &t2) != 0 || t2 != t)
            abort();
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_xml(data, size);
    check_escape(data, size);
    check_url(data, size);
    check_base64(data, size);
    check_dates(data, size);
    return 0;
}
