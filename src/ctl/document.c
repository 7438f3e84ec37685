/* The bucket settings that are an OSS XML document (".cors", ".lifecycle", ".referer",
 * ".logging", ".website", ".encryption", ".tagging"), and the shared read path of every
 * document setting: one GET of the sub-resource per read, printed as the server returns it
 * with a final newline; an unset setting (a NoSuch* 404) reads as an empty file. Writes check
 * the root element, well-formedness and the absence of DTDs locally and send the document as
 * written; the server validates the schema (MalformedXML, InvalidArgument: EINVAL). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"

/* One XML document setting. unset, when set, tells whether a document the server returns
 * means "nothing configured" (logging without LoggingEnabled, tags without a Tag): such a
 * document reads as an empty file, like the NoSuch* answer of the other settings, so that
 * `rm .logging` is followed by an empty read. */
struct doc_spec {
    const char *sub;  /* sub-resource */
    const char *root; /* root element */
    int (*unset)(const struct oss_xml_node *root);
};

static int logging_unset(const struct oss_xml_node *root)
{
    return oss_xml_first(root, "LoggingEnabled") == NULL;
}

static int tagging_unset(const struct oss_xml_node *root)
{
    return oss_xml_find(root, "TagSet/Tag") == NULL;
}

int ctl_answer_xml(const struct oss_buf *body, const char *root, struct oss_xml_doc **doc,
                   struct oss_error *err)
{
    int rc = oss_xml_parse(body->data ? body->data : "", body->len, 0, doc);

    if (rc == 0 && strcmp(oss_xml_name(oss_xml_root(*doc)), root) == 0)
        return 0;
    oss_xml_free(*doc);
    *doc = NULL;
    if (rc == -ENOMEM)
        return -ENOMEM;
    if (err) {
        err->err = -EIO;
        snprintf(err->message, sizeof(err->message), "unexpected answer: not a <%s> document",
                 root);
    }
    return -EIO;
}

int ctl_get_setting(struct oss_client *c, const char *bucket, const char *sub, struct oss_buf *out,
                    int *unset, struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    int rc = oss_get_bucket_subresource(c, bucket, sub, &body, err);

    *unset = 0;
    if (rc == -ENOENT && err && strncmp(err->code, "NoSuch", 6) == 0 &&
        strcmp(err->code, "NoSuchBucket") != 0) {
        /* NoSuchCORSConfiguration, NoSuchLifecycle, NoSuchBucketPolicy, ...: not an error */
        char rid[sizeof(err->request_id)];

        memcpy(rid, err->request_id, sizeof(rid));
        oss_error_clear(err);
        memcpy(err->request_id, rid, sizeof(rid));
        *unset = 1;
        rc = 0;
    } else if (rc == 0) {
        rc = oss_buf_append(out, body.data ? body.data : "", body.len);
        if (rc == 0 && body.len > 0 && body.data[body.len - 1] != '\n')
            rc = oss_buf_putc(out, '\n');
    }
    oss_buf_cleanup(&body);
    return rc;
}

/* Reads a document setting into out ("" when unset). */
static int doc_get(const struct doc_spec *d, struct oss_client *c, const struct ctl_target *t,
                   struct oss_buf *out, struct oss_error *err)
{
    struct oss_buf body = OSS_BUF_INIT;
    struct oss_xml_doc *doc = NULL;
    int unset, rc = ctl_get_setting(c, t->bucket, d->sub, &body, &unset, err);

    if (rc == 0 && !unset && d->unset) {
        rc = ctl_answer_xml(&body, d->root, &doc, err);
        if (rc == 0 && d->unset(oss_xml_root(doc)))
            unset = 1;
    }
    if (rc == 0 && !unset)
        rc = oss_buf_append(out, body.data ? body.data : "", body.len);
    oss_xml_free(doc);
    oss_buf_cleanup(&body);
    return rc;
}

/* A complete, well-formed document with the right root, no DTD: its trimmed text. */
static enum ctl_parse doc_parse(const struct doc_spec *d, const char *in, size_t len,
                                struct oss_buf *canon, char *why, size_t whylen)
{
    struct oss_xml_doc *doc = NULL;
    const char *p = in;
    size_t n = len;
    enum ctl_parse r;

    ctl_trim(&p, &n);
    if (n > 0 && p[0] != '<') {
        char q[200];

        ctl_quote(p, n, q, sizeof(q));
        ctl_why(why, whylen, "expected the %s XML document, got \"%s\"", d->root, q);
        return CTL_INVALID;
    }
    r = ctl_xml_parse(in, len, d->root, NULL, &doc, why, whylen);
    oss_xml_free(doc);
    if (r != CTL_VALID)
        return r;
    if (oss_buf_append(canon, p, n) != 0) {
        ctl_why(why, whylen, "out of memory");
        return CTL_INVALID;
    }
    return CTL_VALID;
}

static int doc_put(const struct doc_spec *d, struct oss_client *c, const struct ctl_target *t,
                   const char *canon, struct oss_error *err)
{
    return oss_put_bucket_subresource(c, t->bucket, d->sub, "application/xml", canon, strlen(canon),
                                      err);
}

static int doc_del(const struct doc_spec *d, struct oss_client *c, const struct ctl_target *t,
                   struct oss_error *err)
{
    return oss_delete_bucket_subresource(c, t->bucket, d->sub, err);
}

/* The entry functions of one document setting (declared in ctl_priv.h). */
#define DOC_ENTRY(id, sub, root, unset)                                                            \
    static const struct doc_spec id##_spec = {sub, root, unset};                                   \
    int ctl_##id##_get(struct oss_client *c, const struct ctl_target *t, struct oss_buf *out,      \
                       struct oss_error *err)                                                      \
    {                                                                                              \
        return doc_get(&id##_spec, c, t, out, err);                                                \
    }                                                                                              \
    enum ctl_parse ctl_##id##_parse(const char *in, size_t len, struct oss_buf *canon, char *why,  \
                                    size_t whylen)                                                 \
    {                                                                                              \
        return doc_parse(&id##_spec, in, len, canon, why, whylen);                                 \
    }                                                                                              \
    int ctl_##id##_put(struct oss_client *c, const struct ctl_target *t, const char *canon,        \
                       struct oss_error *err)                                                      \
    {                                                                                              \
        return doc_put(&id##_spec, c, t, canon, err);                                              \
    }

/* The delete function of a document setting that OSS can delete. */
#define DOC_DELETE(id)                                                                             \
    int ctl_##id##_del(struct oss_client *c, const struct ctl_target *t, struct oss_error *err)    \
    {                                                                                              \
        return doc_del(&id##_spec, c, t, err);                                                     \
    }

DOC_ENTRY(cors, "cors", "CORSConfiguration", NULL)
DOC_DELETE(cors)
DOC_ENTRY(lifecycle, "lifecycle", "LifecycleConfiguration", NULL)
DOC_DELETE(lifecycle)
/* No DeleteBucketReferer: the unset state is a real configuration (empty referer lists),
 * which the file shows as the server returns it. */
DOC_ENTRY(referer, "referer", "RefererConfiguration", NULL)
DOC_ENTRY(logging, "logging", "BucketLoggingStatus", logging_unset)
DOC_DELETE(logging)
DOC_ENTRY(website, "website", "WebsiteConfiguration", NULL)
DOC_DELETE(website)
DOC_ENTRY(encryption, "encryption", "ServerSideEncryptionRule", NULL)
DOC_DELETE(encryption)
DOC_ENTRY(tagging, "tagging", "Tagging", tagging_unset)
DOC_DELETE(tagging)
