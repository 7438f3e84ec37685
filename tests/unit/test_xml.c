/* XML tests: the reply parsers over every case under $OSS_TEST_DATA/xml (format in its
 * README), hostile documents (entity bomb, external entity, truncated, malformed), the safe
 * reader's helpers, the escaping writer, and object metadata from response headers. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "oss/parse.h"
#include "oss/xml.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct oss_buf b = OSS_BUF_INIT;
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(oss_buf_append(&b, chunk, n), 0);
    fclose(f);
    *len = b.len;
    return oss_buf_detach(&b);
}

/* Printable ASCII as is, anything else (and backslash) as \xNN. */
static void put_escaped(struct oss_buf *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '\\')
            oss_buf_printf(o, "\\x%02x", *p);
        else
            oss_buf_putc(o, (char)*p);
    }
}

static const char *errname(int rc)
{
    switch (rc) {
    case -EINVAL:
        return "EINVAL";
    case -ENOMEM:
        return "ENOMEM";
    case -EFBIG:
        return "EFBIG";
    default:
        return "other";
    }
}

static void dump_listbuckets(const char *xml, size_t len, struct oss_buf *o)
{
    struct oss_bucket_list l = {0};
    char *next = NULL;
    int rc = oss_parse_list_buckets(xml, len, &l, &next);

    if (rc < 0) {
        oss_buf_printf(o, "error %s\n", errname(rc));
        oss_bucket_list_cleanup(&l);
        return;
    }
    oss_buf_printf(o, "owner %s %s\nnext %s\n", l.owner_id, l.owner_name, next ? next : "-");
    for (size_t i = 0; i < l.n; i++)
        oss_buf_printf(o, "bucket %s %lld %s %s %s\n", l.buckets[i].name,
                       (long long)l.buckets[i].created, l.buckets[i].location, l.buckets[i].region,
                       l.buckets[i].storage_class);
    free(next);
    oss_bucket_list_cleanup(&l);
}

static void dump_listv2(const char *xml, size_t len, struct oss_buf *o)
{
    struct oss_list_page p = {0};
    int rc = oss_parse_list_objects_v2(xml, len, &p);

    if (rc < 0) {
        oss_buf_printf(o, "error %s\n", errname(rc));
        assert_null(p.objects);
        return;
    }
    oss_buf_printf(o, "truncated %d\nnext ", p.truncated);
    put_escaped(o, p.next_token ? p.next_token : "-");
    oss_buf_puts(o, "\n");
    for (size_t i = 0; i < p.nobjects; i++) {
        const struct oss_list_entry *e = &p.objects[i];
        oss_buf_puts(o, "object ");
        put_escaped(o, e->key);
        oss_buf_printf(o, " %llu %lld %s %s %s\n", (unsigned long long)e->size, (long long)e->mtime,
                       e->etag, e->type, e->storage_class);
    }
    for (size_t i = 0; i < p.nprefixes; i++) {
        oss_buf_puts(o, "prefix ");
        put_escaped(o, p.prefixes[i]);
        oss_buf_puts(o, "\n");
    }
    oss_list_page_cleanup(&p);
}

/* The outcome of a parser that fills one string: "error ERRNAME" or "LABEL VALUE". */
static void dump_one(struct oss_buf *o, int rc, const char *label, const char *value)
{
    if (rc < 0)
        oss_buf_printf(o, "error %s\n", errname(rc));
    else
        oss_buf_printf(o, "%s %s\n", label, value);
}

static void dump_acl(const char *xml, size_t len, struct oss_buf *o)
{
    char acl[24];
    dump_one(o, oss_parse_acl(xml, len, acl), "acl", acl);
}

static void dump_accessmonitor(const char *xml, size_t len, struct oss_buf *o)
{
    char st[16];
    dump_one(o, oss_parse_access_monitor(xml, len, st), "status", st);
}

static void dump_initiatemp(const char *xml, size_t len, struct oss_buf *o)
{
    char id[128];
    dump_one(o, oss_parse_initiate_multipart(xml, len, id, sizeof id), "upload", id);
}

static void dump_completemp(const char *xml, size_t len, struct oss_buf *o)
{
    char etag[72];
    dump_one(o, oss_parse_complete_multipart(xml, len, etag, sizeof etag), "etag", etag);
}

static void dump_versions(const char *xml, size_t len, struct oss_buf *o)
{
    struct oss_version_page p = {0};
    int rc = oss_parse_list_versions(xml, len, &p);

    if (rc < 0) {
        oss_buf_printf(o, "error %s\n", errname(rc));
        assert_null(p.versions);
        return;
    }
    oss_buf_printf(o, "truncated %d\nnext ", p.truncated);
    put_escaped(o, p.next_key_marker ? p.next_key_marker : "-");
    oss_buf_printf(o, " %s\n", p.next_version_id_marker ? p.next_version_id_marker : "-");
    for (size_t i = 0; i < p.n; i++) {
        const struct oss_version_entry *e = &p.versions[i];
        oss_buf_puts(o, e->delete_marker ? "marker " : "version ");
        put_escaped(o, e->key);
        oss_buf_printf(o, " %s %d %llu %lld %s %s %s\n", e->version_id, e->is_latest,
                       (unsigned long long)e->size, (long long)e->mtime, e->etag[0] ? e->etag : "-",
                       e->type[0] ? e->type : "-", e->storage_class[0] ? e->storage_class : "-");
    }
    for (size_t i = 0; i < p.nprefixes; i++) {
        oss_buf_puts(o, "prefix ");
        put_escaped(o, p.prefixes[i]);
        oss_buf_puts(o, "\n");
    }
    oss_version_page_cleanup(&p);
}

static void dump_tagging(const char *xml, size_t len, struct oss_buf *o)
{
    struct oss_buf t = OSS_BUF_INIT;
    int rc = oss_parse_tagging(xml, len, &t);
    if (rc < 0)
        oss_buf_printf(o, "error %s\n", errname(rc));
    else
        oss_buf_printf(o, "tagging %s\n", oss_buf_str(&t));
    oss_buf_cleanup(&t);
}

/* Case kinds: a file named PREFIX*.xml is parsed and printed by DUMP. */
static const struct {
    const char *prefix;
    void (*dump)(const char *xml, size_t len, struct oss_buf *o);
} kinds[] = {
    {"listbuckets-", dump_listbuckets},
    {"listv2-", dump_listv2},
    {"acl-", dump_acl},
    {"accessmonitor-", dump_accessmonitor},
    {"initiatemp-", dump_initiatemp},
    {"completemp-", dump_completemp},
    {"versions-", dump_versions},
    {"tagging-", dump_tagging},
};

static void test_data_files(void **state)
{
    (void)state;
    const char *root = getenv("OSS_TEST_DATA");
    char dir[4096], path[4200];
    struct dirent *d;
    int cases = 0;

    assert_non_null(root);
    snprintf(dir, sizeof dir, "%s/xml", root);
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    while ((d = readdir(dh)) != NULL) {
        size_t nl = strlen(d->d_name), xlen, elen;
        if (nl < 5 || strcmp(d->d_name + nl - 4, ".xml") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
        char *xml = read_file(path, &xlen);
        assert_non_null(xml);
        snprintf(path, sizeof path, "%s/%.*s.expect", dir, (int)(nl - 4), d->d_name);
        char *expect = read_file(path, &elen);
        if (expect == NULL)
            fail_msg("missing %s", path);

        struct oss_buf got = OSS_BUF_INIT;
        size_t k = 0;
        while (k < sizeof kinds / sizeof kinds[0] &&
               strncmp(d->d_name, kinds[k].prefix, strlen(kinds[k].prefix)) != 0)
            k++;
        if (k == sizeof kinds / sizeof kinds[0])
            fail_msg("%s: unknown case kind", d->d_name);
        kinds[k].dump(xml, xlen, &got);
        if (strcmp(oss_buf_str(&got), expect) != 0)
            fail_msg("%s:\n--- expected\n%s--- got\n%s", d->d_name, expect, oss_buf_str(&got));
        cases++;
        oss_buf_cleanup(&got);
        free(xml);
        free(expect);
    }
    closedir(dh);
    assert_true(cases >= 20);
}

static int parse_str(const char *s, struct oss_xml_doc **d)
{
    return oss_xml_parse(s, strlen(s), 0, d);
}

/* The billion-laughs document is refused at once, without growing memory or time. */
static void test_entity_bomb_not_expanded(void **state)
{
    (void)state;
    struct oss_buf doc = OSS_BUF_INIT;
    struct oss_xml_doc *d = (void *)1;
    clock_t t0 = clock();

    oss_buf_puts(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">");
    for (int i = 1; i < 12; i++) {
        oss_buf_printf(&doc, "<!ENTITY a%d \"", i);
        for (int j = 0; j < 10; j++)
            oss_buf_printf(&doc, i == 1 ? "&a;" : "&a%d;", i - 1);
        oss_buf_puts(&doc, "\">");
    }
    oss_buf_puts(&doc, "]><r>&a11;</r>");
    assert_int_equal(oss_xml_parse(doc.data, doc.len, 0, &d), -EINVAL);
    assert_null(d);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    oss_buf_cleanup(&doc);
}

/* A SYSTEM entity naming a local file is refused and its content never appears. */
static void test_external_entity_not_fetched(void **state)
{
    (void)state;
    char path[] = "/tmp/oss-xxe-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "SECRET-XXE", 10), 10);
    close(fd);

    struct oss_buf doc = OSS_BUF_INIT;
    struct oss_xml_doc *d;
    char acl[24] = "";
    oss_buf_printf(&doc,
                   "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file://%s\">]>"
                   "<AccessControlPolicy><AccessControlList><Grant>&x;</Grant>"
                   "</AccessControlList></AccessControlPolicy>",
                   path);
    assert_int_equal(oss_xml_parse(doc.data, doc.len, 0, &d), -EINVAL);
    assert_int_equal(oss_parse_acl(doc.data, doc.len, acl), -EINVAL);
    assert_null(strstr(acl, "SECRET"));
    /* Without the DOCTYPE pre-check, an undeclared reference is still no expansion. */
    assert_int_equal(parse_str("<a>&x;</a>", &d), -EINVAL);
    unlink(path);
    oss_buf_cleanup(&doc);
}

static void test_malformed_and_limits(void **state)
{
    (void)state;
    struct oss_xml_doc *d;
    const char *ok = "<a><b>1</b></a>";

    assert_int_equal(parse_str("", &d), -EINVAL);
    assert_int_equal(parse_str("<a>", &d), -EINVAL);
    assert_int_equal(parse_str("<a></b>", &d), -EINVAL);
    assert_int_equal(parse_str("<a>x</a><b/>", &d), -EINVAL);
    assert_int_equal(parse_str("not xml", &d), -EINVAL);
    assert_int_equal(parse_str("<a>&#0;</a>", &d), -EINVAL);
    assert_int_equal(parse_str("<a>\x01</a>", &d), -EINVAL);     /* raw control byte */
    assert_int_equal(parse_str("<a>\xff\xfe</a>", &d), -EINVAL); /* not UTF-8 */
    assert_int_equal(oss_xml_parse(ok, strlen(ok), 8, &d), -EFBIG);
    assert_int_equal(oss_xml_parse(ok, strlen(ok), strlen(ok), &d), 0);
    oss_xml_free(d);
}

static void test_reader_helpers(void **state)
{
    (void)state;
    struct oss_xml_doc *d;
    const char *s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    "<R xmlns=\"http://x\"><A><B>one</B><B>two &amp; &#x3C;</B><C>42</C></A>"
                    "<T> TRUE </T><F>false</F><N> 7 </N><X>-1</X><E/><K>a&#x7;b</K>"
                    "<Z><![CDATA[<raw>]]></Z></R>";
    char small[4], buf[32];
    uint64_t u;
    int b;

    assert_int_equal(parse_str(s, &d), 0);
    const struct oss_xml_node *r = oss_xml_root(d);
    assert_string_equal(oss_xml_name(r), "R");
    assert_non_null(oss_xml_find(r, "A/B"));
    assert_null(oss_xml_find(r, "A/Q"));
    assert_null(oss_xml_find(r, "A/B/C"));
    assert_ptr_equal(oss_xml_find(r, ""), r);

    const struct oss_xml_node *a = oss_xml_find(r, "A");
    const char *want[] = {"one", "two & <"};
    int i = 0;
    for (const struct oss_xml_node *n = oss_xml_first(a, "B"); n; n = oss_xml_next(n, "B")) {
        struct oss_buf t = OSS_BUF_INIT;
        assert_true(i < 2);
        assert_int_equal(oss_xml_text(n, &t), 0);
        assert_string_equal(oss_buf_str(&t), want[i++]);
        oss_buf_cleanup(&t);
    }
    assert_int_equal(i, 2);
    i = 0;
    for (const struct oss_xml_node *n = oss_xml_first(r, NULL); n; n = oss_xml_next(n, NULL))
        i++;
    assert_int_equal(i, 8);

    assert_int_equal(oss_xml_get_str(r, "A/C", buf, sizeof buf), 0);
    assert_string_equal(buf, "42");
    assert_int_equal(oss_xml_get_str(r, "A/B", small, sizeof small), 0);
    assert_string_equal(small, "one");
    assert_int_equal(oss_xml_get_str(r, "A/C/D", buf, sizeof buf), -ENOENT);
    assert_int_equal(oss_xml_get_str(r, "Z", small, sizeof small), -EOVERFLOW);
    assert_string_equal(small, "");
    assert_int_equal(oss_xml_get_str(r, "Z", buf, sizeof buf), 0);
    assert_string_equal(buf, "<raw>");
    assert_int_equal(oss_xml_get_str(r, "E", buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(oss_xml_get_str(r, "K", buf, sizeof buf), 0);
    assert_string_equal(buf, "a\x07"
                             "b");
    assert_int_equal(oss_xml_get_u64(r, "N", &u), 0);
    assert_int_equal(u, 7);
    assert_int_equal(oss_xml_get_u64(r, "X", &u), -EINVAL);
    assert_int_equal(oss_xml_get_u64(r, "A/B", &u), -EINVAL);
    assert_int_equal(oss_xml_get_bool(r, "T", &b), -EINVAL); /* " TRUE " has blanks */
    assert_int_equal(oss_xml_get_bool(r, "F", &b), 0);
    assert_int_equal(b, 0);
    char *dup;
    assert_int_equal(oss_xml_get_dup(r, "A/B", &dup), 0);
    assert_string_equal(dup, "one");
    free(dup);
    assert_int_equal(oss_xml_get_dup(r, "nope", &dup), -ENOENT);
    assert_null(dup);
    oss_xml_free(d);
}

static void test_writer(void **state)
{
    (void)state;
    struct oss_buf out = OSS_BUF_INIT;
    struct oss_xml_writer w;

    oss_xmlw_init(&w, &out);
    oss_xmlw_decl(&w);
    oss_xmlw_start(&w, "ListBucketResult");
    oss_xmlw_elem(&w, "Name", "b");
    oss_xmlw_elem(&w, "Key", "a<b>&\"c'\x01\t");
    oss_xmlw_elemf(&w, "MaxKeys", "%d", 1000);
    oss_xmlw_elem(&w, "Empty", NULL);
    oss_xmlw_end(&w);
    assert_int_equal(oss_xmlw_finish(&w), 0);
    assert_string_equal(oss_buf_str(&out),
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult>"
                        "<Name>b</Name><Key>a&lt;b&gt;&amp;&quot;c&apos;&#x1;\t</Key>"
                        "<MaxKeys>1000</MaxKeys><Empty></Empty></ListBucketResult>");

    /* What the writer produces, the reader gives back byte for byte. */
    struct oss_xml_doc *d;
    char key[32];
    assert_int_equal(oss_xml_parse(out.data, out.len, 0, &d), 0);
    assert_int_equal(oss_xml_get_str(oss_xml_root(d), "Key", key, sizeof key), 0);
    assert_string_equal(key, "a<b>&\"c'\x01\t");
    oss_xml_free(d);

    oss_buf_reset(&out);
    oss_xmlw_init(&w, &out);
    oss_xmlw_start(&w, "A");
    assert_int_equal(oss_xmlw_finish(&w), -EINVAL); /* left open */
    oss_xmlw_init(&w, &out);
    oss_xmlw_end(&w);
    assert_int_equal(oss_xmlw_finish(&w), -EINVAL); /* nothing to close */
    oss_buf_cleanup(&out);
}

static void add_header(struct oss_http_response *r, const char *n, const char *v)
{
    r->headers = realloc(r->headers, (r->nheaders + 1) * sizeof *r->headers);
    r->headers[r->nheaders].name = strdup(n);
    r->headers[r->nheaders].value = strdup(v);
    r->nheaders++;
    r->capheaders = r->nheaders;
}

static void test_meta_from_headers(void **state)
{
    (void)state;
    struct oss_http_response r = {0};
    struct oss_object_meta m = {0};

    r.status = 206;
    add_header(&r, "Content-Length", "10");
    add_header(&r, "Content-Range", "bytes 0-9/3000");
    add_header(&r, "etag", "\"5B3C1A2E053D763E1B002CC607C5A0FE\"");
    add_header(&r, "Last-Modified", "Sat, 05 Dec 2015 11:10:29 GMT");
    add_header(&r, "x-oss-object-type", "Normal");
    add_header(&r, "x-oss-storage-class", "Standard");
    add_header(&r, "x-oss-hash-crc64ecma", "18020588380933092773");
    add_header(&r, "x-oss-version-id", "CAEQ");
    add_header(&r, "Content-Type", "text/plain");
    add_header(&r, "X-Oss-Meta-Author", "Alice");
    add_header(&r, "x-oss-meta-empty", "");
    assert_int_equal(oss_meta_from_headers(&r, 1, &m), 0);
    assert_int_equal(m.size, 3000);
    assert_string_equal(m.etag, "5B3C1A2E053D763E1B002CC607C5A0FE");
    assert_int_equal(m.mtime, 1449313829);
    assert_string_equal(m.type, "Normal");
    assert_string_equal(m.storage_class, "Standard");
    assert_true(m.has_crc64);
    assert_true(m.crc64 == 18020588380933092773ull);
    assert_string_equal(m.version_id, "CAEQ");
    assert_string_equal(m.content_type, "text/plain");
    assert_int_equal(m.nmeta, 2);
    assert_string_equal(m.meta[0].name, "author");
    assert_string_equal(m.meta[0].value, "Alice");
    assert_string_equal(m.meta[1].name, "empty");
    assert_false(m.delete_marker);
    oss_object_meta_cleanup(&m);
    assert_int_equal(m.nmeta, 0);

    add_header(&r, "x-oss-delete-marker", "true");
    assert_int_equal(oss_meta_from_headers(&r, 0, &m), 0);
    assert_int_equal(m.nmeta, 0);
    assert_true(m.delete_marker);
    oss_object_meta_cleanup(&m);
    oss_http_response_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_files),
        cmocka_unit_test(test_entity_bomb_not_expanded),
        cmocka_unit_test(test_external_entity_not_fetched),
        cmocka_unit_test(test_malformed_and_limits),
        cmocka_unit_test(test_reader_helpers),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_meta_from_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
