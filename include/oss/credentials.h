/* Credential providers of the client library: where keys come from (passwd file, environment,
 * an external process, the ECS metadata service, ~/.ossutilconfig) and a refresher thread that
 * replaces expiring keys in a live oss_client before they expire.
 *
 * Secrets: nothing here prints, and no error text ("why") ever contains a secret or a token,
 * only file names, line numbers, URLs without credentials, exit statuses and field names.
 * oss_credentials and the declarations of client.h stay valid; this header adds to them. */
#ifndef OSS_CREDENTIALS_H
#define OSS_CREDENTIALS_H

#include <stddef.h>
#include <time.h>

#include "oss/client.h"

/* Default base of the ECS instance metadata service (no trailing slash). */
#define OSS_ECS_METADATA_URL "http://100.100.100.200"

/* A refreshable source of credentials. Strings are borrowed for the life of the source. */
enum oss_cred_kind {
    OSS_CRED_PROCESS,  /* run `command`, read JSON from its stdout */
    OSS_CRED_ECS_ROLE, /* GET <metadata_url>/latest/meta-data/ram/security-credentials/<role> */
};

struct oss_cred_source {
    enum oss_cred_kind kind;
    const char *command;      /* OSS_CRED_PROCESS: see oss_cred_split_command() */
    const char *role;         /* OSS_CRED_ECS_ROLE: role name, or "" / "auto" to ask the service */
    const char *metadata_url; /* OSS_CRED_ECS_ROLE: NULL for OSS_ECS_METADATA_URL */
    long timeout_ms;          /* per fetch; 0: 30000 */
};

/* Parses the JSON credential document of credential_process and the ECS metadata service:
 * an object with string members AccessKeyId, AccessKeySecret, optional SecurityToken and
 * optional Expiration (ISO 8601). Other members are ignored; a "Code" member other than
 * "Success" (ECS) is refused. *expires is 0 when there is no Expiration (keys that do not
 * expire). Returns 0, -EINVAL (why names the problem, never a value) or -ENOMEM. */
int oss_cred_parse_json(const char *text, size_t len, struct oss_credentials *cr, time_t *expires,
                        char *why, size_t whylen);

/* Parses an ISO 8601 UTC time such as "2026-11-25T14:00:00Z", with optional fractional
 * seconds and a "Z", "+hh:mm" or "-hh:mm" zone. Returns 0 or -EINVAL. */
int oss_cred_parse_time(const char *s, time_t *out);

/* When to refresh credentials fetched at `now` that expire at `expires`: at 80% of their
 * remaining lifetime or 5 minutes before expiry, whichever is sooner, but never before half of
 * the lifetime has passed (short-lived keys would otherwise be fetched again at once) and never
 * less than 1 s after now. Returns 0 for expires == 0 (never). */
time_t oss_cred_refresh_at(time_t now, time_t expires);

/* Splits a credential_process command line into words without a shell: words are separated
 * by blanks; '...' quotes literally, "..." quotes with \" and \\ escapes, and a backslash
 * outside quotes escapes the next character. Unquoted shell syntax (| & ; < > ( ) $ ` and
 * newlines) is refused with -EINVAL: wrap such a pipeline in a script, or write
 * `sh -c '...'` explicitly. On success *argv is a NULL-terminated malloc'ed array (free with
 * oss_cred_free_argv). */
int oss_cred_split_command(const char *cmd, char ***argv, char *why, size_t whylen);
void oss_cred_free_argv(char **argv);

/* Runs the command (split as above; the program is an absolute path or a name looked up in
 * PATH, a relative path with a '/' is refused with -EINVAL) with stdin from
 * /dev/null, stderr inherited, and the environment of the caller minus OSS_ACCESS_KEY_SECRET
 * and OSS_SESSION_TOKEN; reads at most 64 KiB of stdout; kills it after timeout_ms.
 * Returns 0, -EINVAL (bad command or output), -EIO (non-zero exit, killed), -ETIMEDOUT. */
int oss_cred_from_process(const char *command, long timeout_ms, struct oss_credentials *cr,
                          time_t *expires, char *why, size_t whylen);

/* Fetches the role's credentials from the ECS metadata service at base_url (NULL: the
 * default). First asks for a session token (PUT /latest/api/token, the hardened mode) and
 * sends it when granted; works without one. role "" or "auto" takes the first role the
 * service lists. Returns 0, -EINVAL, -EIO (HTTP failure), -ENOENT (no role), -ETIMEDOUT. */
int oss_cred_from_ecs(const char *base_url, const char *role, long timeout_ms,
                      struct oss_credentials *cr, time_t *expires, char *why, size_t whylen);

/* Reads an ossutil configuration file (INI): [Credentials] with accessKeyID, accessKeySecret,
 * optional stsToken and endpoint (names compared without case; access_key_id, access_key_secret,
 * sts_token accepted too). Refuses a file readable or writable by group or others (-EPERM);
 * -ENOENT when the file or its keys are missing; -EINVAL for a malformed line (why names the
 * line number). endpoint, when not NULL, receives a malloc'ed endpoint (NULL if none). */
int oss_cred_from_ossutil(const char *path, struct oss_credentials *cr, char **endpoint, char *why,
                          size_t whylen);

/* The default ossutil configuration path, $HOME/.ossutilconfig, malloc'ed; NULL without HOME. */
char *oss_cred_ossutil_path(void);

/* One fetch from a source. */
int oss_cred_fetch(const struct oss_cred_source *src, struct oss_credentials *cr, time_t *expires,
                   char *why, size_t whylen);

/* ---- refresher ---- */
struct oss_cred_refresher;

/* Receives one log line from the refresher thread (no secrets in it); prio is a syslog(3)
 * priority. Called without any lock of the refresher held. */
typedef void (*oss_cred_log_fn)(void *arg, int prio, const char *msg);

/* Starts a thread that fetches from src at oss_cred_refresh_at(now, expires) and installs the
 * result with oss_client_set_credentials(). A failed fetch is logged and retried with
 * exponential backoff (1 s doubling, at most 60 s) while the old keys stay installed.
 * src (and its strings) must outlive the refresher. Returns NULL (errno set) on failure;
 * returns a refresher that does nothing when expires is 0. Start it after any fork. */
struct oss_cred_refresher *oss_cred_refresher_start(struct oss_client *client,
                                                    const struct oss_cred_source *src,
                                                    time_t expires, oss_cred_log_fn log,
                                                    void *log_arg);
/* Stops and joins the thread; NULL is accepted. */
void oss_cred_refresher_stop(struct oss_cred_refresher *r);
/* Number of successful refreshes so far (for tests). */
unsigned oss_cred_refresher_count(struct oss_cred_refresher *r);

#endif
