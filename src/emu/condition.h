/* The Condition block of a RAM or bucket policy statement (condition.c): which operators and
 * keys ossemu knows, checking a block when a policy is stored, and evaluating it against a
 * request. Used by policy.c and op_setting_policy.c. Thread-safe: no state. */
#ifndef EMU_CONDITION_H
#define EMU_CONDITION_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "emu/emu.h"

/* Whether v is a string, or a non-empty array of strings, as a statement's Action and Resource
 * are; with nonempty, a lone string must not be "". */
int emu_policy_strings(json_t *v, int nonempty);
/* 0 when cond (the value of "Condition"; NULL: none) is an object mapping known operators
 * (with an optional "IfExists" suffix) to objects of keys and a string, number, boolean or
 * array of them; -EINVAL with the reason in err otherwise. Keys are not checked: an unknown
 * key has no value when evaluated. */
int emu_condition_validate(json_t *cond, char *err, size_t errlen);

/* 1 when every operator and key of cond holds for req at time now (all must: AND), 0 when one
 * does not. cond NULL: 1. A key without a value in this request makes its positive operators
 * fail and its negated ones (StringNot*, NotIpAddress, DateNotEquals, NumericNotEquals) hold;
 * with "IfExists" it holds either way. */
int emu_condition_holds(json_t *cond, const struct emu_req *req, time_t now);

/* Glob match of s against pat with '*' (any run) and '?' (one character); fold selects
 * case-insensitivity. Used for Action, Resource and StringLike. */
int emu_policy_glob(const char *pat, const char *s, int fold);

#endif
