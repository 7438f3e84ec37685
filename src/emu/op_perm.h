/* ossemu's permission settings beyond ACLs and policies (oss-api.md 6.10): Block Public Access
 * of the account and of buckets, the bucket policy status, requester pays, the HTTPS
 * configuration (op_perm.c) and bucket retention, WORM (op_worm.c); their routing hooks and
 * the checks the other handlers and the authorizer call. Used only by src/emu. */
#ifndef EMU_OP_PERM_H
#define EMU_OP_PERM_H

#include "emu/emu.h"

/* Routing hooks: the handler of a bucket request whose sub-resource sub is one of these
 * settings (req->op set), of a service request (account Block Public Access), or NULL. */
emu_handler_fn emu_perm_route_bucket(struct emu_req *req, const char *sub);
emu_handler_fn emu_perm_route_service(struct emu_req *req);

/* ---- access points (op_access_point.c) ---- */

/* Routing of ?accessPoint, ?accessPointPolicy and ?publicAccessBlock&x-oss-access-point-name:
 * the handler (req->op set) or NULL. */
emu_handler_fn emu_access_point_route(struct emu_req *req, const char *sub);
/* After authentication: a request whose bucket is an access point alias is turned into a
 * request on the real bucket through that access point (req->access_point set). 0, or -1 with
 * 500 in resp. */
int emu_access_point_resolve(struct emu_server *s, struct emu_req *req, struct emu_resp *resp);
/* The access point policy's verdict (-1 Deny, 1 Allow, 0 none) on action for the request's
 * principal, with the access point's resources; a public policy counts for nobody outside the
 * owner's account while the access point, bucket or account blocks public access. */
int emu_access_point_verdict(const struct emu_server *s, const struct emu_req *req,
                             const char *action, const char *owner);

/* ---- for the authorizer (policy.c) ---- */

/* Whether public access to bucket (owned by owner) is blocked, by the bucket's or the owner
 * account's Block Public Access. */
int emu_public_access_blocked(const struct emu_server *s, const char *bucket, const char *owner);
/* Whether the stored policy of bucket is public (GetBucketPolicyStatus's IsPublic). */
int emu_bucket_policy_public(const struct emu_server *s, const char *bucket);
/* Whether a policy document (JSON text) is public: an Allow statement whose Principal holds a
 * "*" and whose Condition does not pin acs:SourceIp, acs:SourceVpc, acs:SourceVpcId or
 * acs:AccessId to values without "*". A document that does not parse is not public. */
int emu_policy_text_public(const char *text, size_t len);
/* Requester pays: for a request to bucket from outside the owner account, -EACCES with resp
 * holding 403 AccessDenied when the bucket is requester-pays and the request is anonymous
 * (EC 0003-00000701) or lacks x-oss-request-payer: requester (header or, for presigned
 * URLs, query; EC 0003-00000703 / 0003-00000702). 0 otherwise. */
int emu_request_payer_check(const struct emu_server *s, const struct emu_req *req,
                            struct emu_resp *resp, const char *bucket);

/* ---- for handlers that set ACLs or policies ---- */

/* A public ACL (public-read, public-read-write) or public policy set while Block Public Access
 * applies: 403 AccessDenied in resp and -1. bucket NULL (PutBucket): only the account's
 * setting counts. 0 when allowed. */
int emu_public_acl_refused(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                           const char *bucket, const char *owner, const char *acl);
int emu_public_policy_refused(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                              const char *bucket, const char *owner, const char *text, size_t len);

/* ---- retention (op_worm.c) ---- */

/* The WORM operations the route table of op_perm.c points at. */
void emu_op_initiate_bucket_worm(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_abort_bucket_worm(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_complete_bucket_worm(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_extend_bucket_worm(struct emu_server *, struct emu_req *, struct emu_resp *);
void emu_op_get_bucket_worm(struct emu_server *, struct emu_req *, struct emu_resp *);

/* Refuses a write that would overwrite or delete version vid (NULL: the latest) of key while
 * the bucket's WORM retains it (its Last-Modified plus the retention days is in the future):
 * 409 FileImmutable in resp and -1. 0 when allowed (no WORM, no such object, expired). */
int emu_worm_guard(struct emu_server *s, struct emu_req *req, struct emu_resp *resp,
                   const char *bucket, const char *key, const char *vid);

#endif
