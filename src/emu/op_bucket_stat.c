/* GetBucketStat (GET /?stat, oss-api.md 6.2): storage and object counts of a bucket from the
 * store, per storage class, in the flat BucketStat document. Sizes are exact, so the
 * "RealStorage" fields equal the "Storage" ones; there are no live channels. */
#include <errno.h>
#include <stdint.h>

#include "op_priv.h"

static void count(struct oss_xml_writer *w, const char *name, uint64_t v)
{
    oss_xmlw_elemf(w, name, "%llu", (unsigned long long)v);
}

/* Writes <P>Storage, <P>RealStorage (unless real is 0) and <P>ObjectCount of class i. */
static void class_counts(struct oss_xml_writer *w, const struct emu_bucket_stat *st, int i,
                         const char *storage, const char *real, const char *objects)
{
    count(w, storage, st->class_bytes[i]);
    if (real)
        count(w, real, st->class_bytes[i]);
    count(w, objects, st->class_objects[i]);
}

void emu_op_get_bucket_stat(struct emu_server *s, struct emu_req *req, struct emu_resp *resp)
{
    struct oss_buf xml = OSS_BUF_INIT;
    struct oss_xml_writer w;
    struct emu_bucket_stat st;
    struct emu_bucket b;
    uint64_t uploads = 0;
    int rc;

    if (emu_op_bucket_admin(s, req, resp, "oss:GetBucketStat", 0, &b) < 0)
        return;
    rc = emu_store_bucket_stat(s->store, b.name, &st);
    if (rc == 0)
        rc = emu_store_upload_count(s->store, b.name, &uploads);
    if (rc < 0) {
        emu_op_internal(resp, req, rc);
        return;
    }
    emu_op_xml_begin(&w, &xml, "BucketStat");
    count(&w, "Storage", st.bytes);
    count(&w, "ObjectCount", st.objects);
    count(&w, "MultipartUploadCount", uploads);
    count(&w, "LiveChannelCount", 0);
    oss_xmlw_elemf(&w, "LastModifiedTime", "%lld", (long long)st.last_modified);
    class_counts(&w, &st, 0, "StandardStorage", NULL, "StandardObjectCount");
    class_counts(&w, &st, 1, "InfrequentAccessStorage", "InfrequentAccessRealStorage",
                 "InfrequentAccessObjectCount");
    class_counts(&w, &st, 2, "ArchiveStorage", "ArchiveRealStorage", "ArchiveObjectCount");
    class_counts(&w, &st, 3, "ColdArchiveStorage", "ColdArchiveRealStorage",
                 "ColdArchiveObjectCount");
    class_counts(&w, &st, 4, "DeepColdArchiveStorage", "DeepColdArchiveRealStorage",
                 "DeepColdArchiveObjectCount");
    count(&w, "MultipartPartCount", 0);
    count(&w, "DeleteMarkerCount", 0);
    oss_xmlw_end(&w);
    emu_op_reply_doc(req, resp, &w, &xml);
}
