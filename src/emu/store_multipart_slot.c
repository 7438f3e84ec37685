/* Parts written in place, so that CompleteMultipartUpload moves no bytes (docs/decisions.md,
 * "Multipart parts in place"). Each upload may have one sparse assembly file,
 * DIR/parts/<UPLOAD_ID>.asm. The first slot claim of an upload fixes its stride S (the size of
 * that part, stored in the uploads row); part N's slot is [(N-1)*S, N*S). A writer claims the
 * slot before it reads the part's body and writes the body straight into it; the part row then
 * names the assembly file and the slot's offset. When parts 1..n sit in their slots, S bytes
 * each but the last, the assembly file is the object: completion cuts it to length and renames
 * it into DIR/objects like any uploaded file. Anything else is copied as before.
 *
 * What keeps the bytes safe:
 *  - A slot holding a committed part is never claimed: a re-upload of that number goes to a
 *    file of its own, and the slot's old bytes are then read by nobody.
 *  - One writer per slot: claims live in st->claims (under st->lock), taken under the upload's
 *    lock; a second writer of the same number gets -EBUSY and a file of its own.
 *  - A claim commits nothing until its writer calls emu_store_slot_commit, so a failed or cut
 *    upload leaves the slot free; its partial bytes are overwritten by the next claim.
 *  - Completion, under the upload's lock, hands the file over only when no claim is held on
 *    the upload, and no claim can start while it holds that lock; after it the upload is gone.
 *  - Abort (store_upload_drop_locked) unlinks the assembly file; a writer still holding the
 *    file open writes into the unlinked inode and its commit answers -ENOENT. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_priv.h"

/* Slots end below 1 TiB: past that (ext4 files stop at 16 TiB) parts get files of their own. */
#define SLOT_SPAN_MAX (1ULL << 40)

static ssize_t find_claim(const struct emu_store *st, const char *upload_id, unsigned n)
{
    for (size_t i = 0; i < st->nclaims; i++)
        if (strcmp(st->claims[i].upload_id, upload_id) == 0 &&
            (n == 0 || st->claims[i].part_number == n))
            return (ssize_t)i;
    return -1;
}

/* The stride of upload_id, fixed to size when it has none yet. -ENOENT without the upload. */
static int stride_locked(struct emu_store *st, const char *upload_id, uint64_t size,
                         uint64_t *stride)
{
    sqlite3_stmt *s = NULL;
    int64_t v = 0;
    int rc = store_prepare(st, "SELECT stride FROM uploads WHERE upload_id=?1", &s);

    if (rc == 0) {
        sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
        if ((rc = store_step_one(s)) == 0)
            v = sqlite3_column_int64(s, 0);
    }
    store_finish(st, s);
    if (rc < 0)
        return rc;
    if (v <= 0 && size > 0) {
        s = NULL;
        rc = store_prepare(st, "UPDATE uploads SET stride=?2 WHERE upload_id=?1", &s);
        if (rc == 0) {
            sqlite3_bind_text(s, 1, upload_id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 2, (sqlite3_int64)size);
            rc = store_err(sqlite3_step(s));
        }
        store_finish(st, s);
        if (rc < 0)
            return rc;
        v = (int64_t)size;
    }
    *stride = (uint64_t)v;
    return 0;
}

/* The checks and bookkeeping of a claim; st->lock and the upload's lock held. */
static int claim_locked(struct emu_store *st, struct emu_part_slot *slot, uint64_t size)
{
    char asm_name[40], file[40], path[4096];
    uint64_t stride, off;
    int rc = stride_locked(st, slot->upload_id, size, &stride);

    if (rc < 0)
        return rc;
    if (size == 0 || size > stride || find_claim(st, slot->upload_id, slot->part_number) >= 0 ||
        (uint64_t)slot->part_number > SLOT_SPAN_MAX / stride)
        return -EBUSY;
    slot->offset = (uint64_t)(slot->part_number - 1) * stride;
    slot->room = stride;
    store_assembly_name(slot->upload_id, asm_name);
    if ((rc = store_part_where_locked(st, slot->upload_id, slot->part_number, file, &off)) < 0)
        return rc;
    if (strcmp(file, asm_name) == 0 && off == slot->offset)
        return -EBUSY; /* the slot holds the committed part of this number */
    if (oss_array_grow((void **)&st->claims, &st->claims_cap, st->nclaims + 1,
                       sizeof(*st->claims)) < 0)
        return -ENOMEM;
    store_part_path(st, asm_name, path, sizeof(path));
    slot->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (slot->fd < 0)
        return -errno;
    memcpy(st->claims[st->nclaims].upload_id, slot->upload_id, sizeof(slot->upload_id));
    st->claims[st->nclaims++].part_number = slot->part_number;
    return 0;
}

int emu_store_slot_claim(struct emu_store *st, const char *upload_id, unsigned part_number,
                         uint64_t size, struct emu_part_slot **out)
{
    struct emu_part_slot *slot = calloc(1, sizeof(*slot));
    int rc;

    *out = NULL;
    if (!slot)
        return -ENOMEM;
    if (part_number == 0 || strlen(upload_id) >= sizeof(slot->upload_id)) {
        free(slot);
        return -EBUSY;
    }
    snprintf(slot->upload_id, sizeof(slot->upload_id), "%s", upload_id);
    slot->part_number = part_number;
    slot->fd = -1;
    emu_store_upload_lock(st, upload_id);
    pthread_mutex_lock(&st->lock);
    rc = claim_locked(st, slot, size);
    pthread_mutex_unlock(&st->lock);
    emu_store_upload_unlock(st, upload_id);
    if (rc < 0) {
        free(slot);
        return rc;
    }
    *out = slot;
    return 0;
}

int emu_store_slot_commit(struct emu_store *st, const struct emu_part_slot *slot,
                          struct emu_part *p)
{
    char old[40];
    struct emu_upload u;
    uint64_t old_off;
    int rc;

    if (p->part_number != slot->part_number || p->size == 0 || p->size > slot->room)
        return -EINVAL;
    store_assembly_name(slot->upload_id, p->file);
    p->offset = slot->offset;
    emu_store_upload_lock(st, slot->upload_id);
    pthread_mutex_lock(&st->lock);
    rc = store_upload_get_locked(st, NULL, slot->upload_id, &u);
    emu_upload_cleanup(&u);
    if (rc == 0)
        rc = store_part_where_locked(st, slot->upload_id, p->part_number, old, &old_off);
    if (rc == 0)
        rc = store_part_insert_locked(st, slot->upload_id, p);
    if (rc == 0)
        store_part_forget(st, slot->upload_id, old);
    pthread_mutex_unlock(&st->lock);
    emu_store_upload_unlock(st, slot->upload_id);
    return rc;
}

void emu_store_slot_release(struct emu_store *st, struct emu_part_slot *slot)
{
    if (!slot)
        return;
    pthread_mutex_lock(&st->lock);
    ssize_t i = find_claim(st, slot->upload_id, slot->part_number);
    if (i >= 0)
        st->claims[i] = st->claims[--st->nclaims];
    pthread_mutex_unlock(&st->lock);
    if (slot->fd >= 0)
        close(slot->fd);
    free(slot);
}

int emu_store_upload_assembled(struct emu_store *st, const char *upload_id,
                               const struct emu_part *p, size_t n, char *path, size_t pathlen)
{
    char asm_name[40];
    uint64_t stride = 0;
    int rc;

    store_assembly_name(upload_id, asm_name);
    pthread_mutex_lock(&st->lock);
    rc = stride_locked(st, upload_id, 0, &stride);
    if (rc == 0 && (stride == 0 || find_claim(st, upload_id, 0) >= 0))
        rc = 1; /* no slots, or a writer may still write into the file */
    pthread_mutex_unlock(&st->lock);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].part_number != i + 1 || strcmp(p[i].file, asm_name) != 0 ||
            p[i].offset != (uint64_t)i * stride || p[i].size > stride ||
            (i + 1 < n && p[i].size != stride))
            return 0;
    }
    store_part_path(st, asm_name, path, pathlen);
    return n > 0;
}
