/* Fault injection of ossemu: rules that make requests fail on purpose (error answers, connection
 * resets, lost answers, added latency, a bandwidth cap), drawn from a seeded PRNG so that the
 * same seed and the same request sequence give the same faults. Set from the command line
 * (--fault, --fault-seed) and at run time through the admin endpoint (admin.c).
 *
 * Rule syntax (one rule; several are separated by ';' or given with repeated --fault):
 *   KIND[,rate=P][,ops=Op1|Op2...][,code=OSSCode]
 *   KIND: status=CODE (an OSS error answer; 500 InternalError, 503 ServiceUnavailable and
 *         429 QpsLimitExceeded by default, any 4xx/5xx with code=), reset, lost,
 *         latency=MS, bandwidth=BYTES[k|m|g] (per second, binary multiples)
 *   rate: probability per request, 0..1, default 1; ops: operation names as the request log
 *   writes them, default every operation.
 *
 * Thread safety: every function may be called from any thread; decisions are drawn under a
 * mutex, in the order requests reach emu_fault_decide(). */
#ifndef EMU_FAULT_H
#define EMU_FAULT_H

#include <stddef.h>
#include <stdint.h>

struct emu_fault;

/* What the injector decided for one request. */
struct emu_fault_plan {
    int status;          /* 0, or the error status to answer instead of running the operation */
    char code[64];       /* its OSS error code */
    int reset;           /* 1: reset the connection (see http.c for what runs first) */
    double reset_frac;   /* GET: fraction of the body sent before the reset, in [0, 1) */
    int lost;            /* 1: run the operation, then reset without answering */
    unsigned latency_ms; /* added before the answer */
    uint64_t bandwidth;  /* cap of the answer body in bytes per second; 0: none */
    char label[128];     /* for the request log: "" or e.g. "latency:20,status:503" */
};

/* A fault state without rules, its PRNG seeded with seed. 0 or -ENOMEM. */
int emu_fault_new(uint64_t seed, struct emu_fault **out);
void emu_fault_free(struct emu_fault *f);

/* Parses rules in the syntax above and appends them. On a syntax error returns -EINVAL with a
 * reason in err and adds nothing. */
int emu_fault_add_spec(struct emu_fault *f, const char *spec, char *err, size_t errlen);

/* Replaces the configuration with a JSON document {"faults":[RULE, ...] or "RULE;RULE",
 * "seed":N (optional: reseeds the PRNG and restarts the counters)}. -EINVAL with a reason in
 * err changes nothing. */
int emu_fault_set_json(struct emu_fault *f, const char *json, size_t len, char *err, size_t errlen);

/* Removes every rule; the PRNG continues where it was. */
void emu_fault_clear(struct emu_fault *f);

/* The configuration and counters as a JSON text (malloc'ed; NULL when out of memory):
 * {"seed":N,"faults":[canonical rules],"requests":N,"injected":{"status":N,...}}. */
char *emu_fault_to_json(struct emu_fault *f);

/* Decides the faults of one request of operation op (each rule whose ops match draws once,
 * in rule order; the first firing status/reset/lost rule wins, latencies add up, the lowest
 * bandwidth applies). f may be NULL: no faults. */
void emu_fault_decide(struct emu_fault *f, const char *op, struct emu_fault_plan *plan);

/* Admin endpoint (admin.c): a second HTTP daemon on a loopback address serving GET, PUT and
 * DELETE /faults over f. listen must be 127.x.x.x:PORT or localhost:PORT (port 0 picks one);
 * the bound address goes to bound. Returns 0, -EINVAL (not loopback, malformed) or -errno. */
struct emu_admin;
int emu_admin_start(struct emu_fault *f, const char *listen, struct emu_admin **out, char *bound,
                    size_t boundlen);
void emu_admin_stop(struct emu_admin *a);

#endif
