/* credential_process: runs a user's command without a shell and reads the JSON credentials it
 * prints. The command line is split into words here (quotes and backslashes as in sh, but no
 * expansions), nothing secret is passed to the child, and the child cannot outlive its timeout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oss/buf.h"
#include "oss/credentials.h"
#include "cred_priv.h"

extern char **environ;

#define OUT_MAX (64 * 1024)

void oss_cred_free_argv(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

/* Appends the finished word to the array; the word buffer is reset. */
static int push_word(char ***argv, size_t *n, struct oss_buf *w)
{
    char **na = realloc(*argv, (*n + 2) * sizeof(char *));
    if (!na)
        return -ENOMEM;
    *argv = na;
    na[*n] = strdup(oss_buf_str(w));
    if (!na[*n])
        return -ENOMEM;
    na[++*n] = NULL;
    oss_buf_reset(w);
    return 0;
}

int oss_cred_split_command(const char *cmd, char ***argv_out, char *why, size_t whylen)
{
    struct oss_buf w = OSS_BUF_INIT;
    char **argv = NULL;
    size_t n = 0;
    int in_word = 0, rc = 0;
    const char *p = cmd ? cmd : "";

    *argv_out = NULL;
    while (rc == 0 && *p) {
        char c = *p++;
        if (c == ' ' || c == '\t') {
            if (in_word)
                rc = push_word(&argv, &n, &w);
            in_word = 0;
        } else if (c == '\'') {
            const char *q = strchr(p, '\'');
            if (!q) {
                oss_cred_free_argv(argv);
                oss_buf_cleanup(&w);
                return oss_cred_say(why, whylen, -EINVAL,
                                    "credential_process: unterminated ' quote");
            }
            rc = oss_buf_append(&w, p, (size_t)(q - p));
            p = q + 1;
            in_word = 1;
        } else if (c == '"') {
            in_word = 1;
            while (rc == 0 && *p && *p != '"') {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                rc = oss_buf_putc(&w, *p++);
            }
            if (*p != '"') {
                oss_cred_free_argv(argv);
                oss_buf_cleanup(&w);
                return oss_cred_say(why, whylen, -EINVAL,
                                    "credential_process: unterminated \" quote");
            }
            p++;
        } else if (c == '\\') {
            if (!*p) {
                oss_cred_free_argv(argv);
                oss_buf_cleanup(&w);
                return oss_cred_say(why, whylen, -EINVAL,
                                    "credential_process: ends with a backslash");
            }
            rc = oss_buf_putc(&w, *p++);
            in_word = 1;
        } else if (strchr("|&;<>()$`\n\r", c)) {
            oss_cred_free_argv(argv);
            oss_buf_cleanup(&w);
            return oss_cred_say(
                why, whylen, -EINVAL,
                "credential_process: '%c' needs a shell, which is not used: put the "
                "pipeline in a script or write sh -c '...'",
                c == '\n' || c == '\r' ? ' ' : c);
        } else {
            rc = oss_buf_putc(&w, c);
            in_word = 1;
        }
    }
    if (rc == 0 && in_word)
        rc = push_word(&argv, &n, &w);
    oss_buf_cleanup(&w);
    if (rc < 0) {
        oss_cred_free_argv(argv);
        return oss_cred_say(why, whylen, rc, "out of memory");
    }
    if (n == 0) {
        free(argv);
        return oss_cred_say(why, whylen, -EINVAL, "credential_process: empty command");
    }
    *argv_out = argv;
    return 0;
}

/* The caller's environment without the variables that hold secrets. The strings are shared
 * with environ; only the array is malloc'ed. */
static char **child_env(void)
{
    size_t n = 0, k = 0;
    while (environ && environ[n])
        n++;
    char **env = calloc(n + 1, sizeof(char *));
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "OSS_ACCESS_KEY_SECRET=", 22) == 0 ||
            strncmp(environ[i], "OSS_SESSION_TOKEN=", 18) == 0)
            continue;
        env[k++] = environ[i];
    }
    return env;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads the child's stdout until EOF, the size limit or the deadline. */
static int read_output(int fd, struct oss_buf *out, long deadline)
{
    char chunk[4096];
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0)
            return -ETIMEDOUT;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return -errno;
        if (pr == 0)
            continue;
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            break;
        if (out->len + (size_t)r > OUT_MAX)
            return -EFBIG;
        if (oss_buf_append(out, chunk, (size_t)r) < 0)
            return -ENOMEM;
    }
    explicit_bzero(chunk, sizeof(chunk));
    return 0;
}

/* Waits for the child until the deadline, then kills it. Returns the wait status or -1. */
static int reap(pid_t pid, long deadline, int *timed_out)
{
    int st;
    *timed_out = 0;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            return st;
        if (w < 0 && errno != EINTR)
            return -1;
        if (now_ms() >= deadline) {
            *timed_out = 1;
            kill(-pid, SIGKILL); /* the whole process group */
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            return st;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int oss_cred_from_process(const char *command, long timeout_ms, struct oss_credentials *cr,
                          time_t *expires, char *why, size_t whylen)
{
    char **argv = NULL, **env = NULL;
    struct oss_buf out = OSS_BUF_INIT;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t sa;
    int sa_ok = 0;
    int pipefd[2] = {-1, -1}, rc, timed_out = 0, fa_ok = 0;
    pid_t pid = -1;

    memset(cr, 0, sizeof(*cr));
    *expires = 0;
    if (timeout_ms <= 0)
        timeout_ms = 30000;
    rc = oss_cred_split_command(command, &argv, why, whylen);
    if (rc < 0)
        return rc;
    /* the daemon changes to / after the first fetch: "./x" would name another file later */
    if (argv[0][0] != '/' && strchr(argv[0], '/')) {
        rc = oss_cred_say(why, whylen, -EINVAL,
                          "credential_process: %s is a relative path; give an absolute path or a "
                          "program name found in PATH",
                          argv[0]);
        oss_cred_free_argv(argv);
        return rc;
    }
    env = child_env();
    if (!env || pipe2(pipefd, O_CLOEXEC) < 0) {
        rc = oss_cred_say(why, whylen, env ? -errno : -ENOMEM, "credential_process: %s",
                          strerror(env ? errno : ENOMEM));
        goto out;
    }
    fa_ok = posix_spawn_file_actions_init(&fa) == 0;
    if (!fa_ok || posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1) ||
        posix_spawn_file_actions_addclosefrom_np(&fa, 3)) {
        rc = oss_cred_say(why, whylen, -ENOMEM, "credential_process: out of memory");
        goto out;
    }
    /* its own process group, so a timeout kills whatever it started too */
    if (posix_spawnattr_init(&sa) == 0) {
        sa_ok = 1;
        posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                          POSIX_SPAWN_SETSIGDEF);
        posix_spawnattr_setpgroup(&sa, 0);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&sa, &none);
        posix_spawnattr_setsigdefault(&sa, &all);
    }
    long deadline = now_ms() + timeout_ms;
    int err = posix_spawnp(&pid, argv[0], &fa, sa_ok ? &sa : NULL, argv, env);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (err) {
        pid = -1;
        rc = oss_cred_say(why, whylen, -EINVAL, "credential_process: cannot run %s: %s", argv[0],
                          strerror(err));
        goto out;
    }
    int rrc = read_output(pipefd[0], &out, deadline);
    close(pipefd[0]);
    pipefd[0] = -1;
    int st = reap(pid, rrc == -ETIMEDOUT ? 0 : deadline, &timed_out);
    if (rrc == -ETIMEDOUT || timed_out)
        kill(-pid, SIGKILL); /* leftovers of the group still holding the pipe */
    pid = -1;
    if (rrc == -ETIMEDOUT || timed_out) {
        rc = oss_cred_say(why, whylen, -ETIMEDOUT,
                          "credential_process: %s did not finish within %ld ms", argv[0],
                          timeout_ms);
    } else if (rrc < 0) {
        rc = oss_cred_say(why, whylen, rrc == -EFBIG ? -EINVAL : rrc,
                          "credential_process: reading the output of %s: %s", argv[0],
                          rrc == -EFBIG ? "more than 64 KiB" : strerror(-rrc));
    } else if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        if (st >= 0 && WIFSIGNALED(st))
            rc = oss_cred_say(why, whylen, -EIO, "credential_process: %s was killed by signal %d",
                              argv[0], WTERMSIG(st));
        else
            rc = oss_cred_say(why, whylen, -EIO, "credential_process: %s exited with status %d",
                              argv[0], st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    } else {
        char inner[200] = "";
        rc = oss_cred_parse_json(out.data ? out.data : "", out.len, cr, expires, inner,
                                 sizeof(inner));
        if (rc < 0)
            oss_cred_say(why, whylen, rc, "credential_process: output of %s: %s", argv[0], inner);
    }
out:
    if (sa_ok)
        posix_spawnattr_destroy(&sa);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (out.data)
        explicit_bzero(out.data, out.cap);
    oss_buf_cleanup(&out);
    free(env);
    oss_cred_free_argv(argv);
    return rc;
}
