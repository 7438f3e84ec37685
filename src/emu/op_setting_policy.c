/* The bucket policy setting (oss-api.md 6.10, 9): a JSON document checked for the shape OSS
 * requires and for what the evaluator (policy.c) understands; refusals are 400 MalformedPolicy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "condition.h"
#include "op_priv.h"
#include "op_setting.h"

static int bad_policy(struct emu_setting_err *err, const char *why)
{
    return emu_setting_fail(err, "MalformedPolicy", NULL, "Policy document is invalid: %s.", why);
}

int emu_setting_check_policy(const char *text, size_t len, struct emu_setting_err *err)
{
    json_error_t jerr;
    json_t *root, *stmts, *st, *p;
    const char *why = NULL;
    char reason[160];
    size_t i;

    if (!text || len == 0)
        return bad_policy(err, "empty document");
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(reason, sizeof(reason), "not JSON (%.100s)", jerr.text);
        return bad_policy(err, reason);
    }
    stmts = json_object_get(root, "Statement");
    if (!json_is_object(root))
        why = "the document is not a JSON object";
    else if (!json_is_string(json_object_get(root, "Version")) ||
             strcmp(json_string_value(json_object_get(root, "Version")), "1") != 0)
        why = "\"Version\" must be \"1\"";
    else if (!json_is_array(stmts) || json_array_size(stmts) == 0)
        why = "\"Statement\" must be a non-empty array";
    json_array_foreach(why ? NULL : stmts, i, st)
    {
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        p = json_object_get(st, "Principal");
        if (!json_is_object(st))
            why = "a statement is not an object";
        else if (!effect || (strcmp(effect, "Allow") && strcmp(effect, "Deny")))
            why = "\"Effect\" must be Allow or Deny";
        else if (!emu_policy_strings(json_object_get(st, "Action"), 1))
            why = "\"Action\" must be a string or an array of strings";
        else if (!emu_policy_strings(json_object_get(st, "Resource"), 1))
            why = "\"Resource\" must be a string or an array of strings";
        else if (p && !emu_policy_strings(p, 1))
            why = "\"Principal\" must be a string or an array of strings";
        if (why)
            break;
    }
    json_decref(root);
    if (why)
        return bad_policy(err, why);
    /* The evaluator (policy.c) must understand what is stored. */
    char *copy = strndup(text, len);
    if (!copy) {
        emu_setting_fail(err, "InternalError", NULL, "Out of memory.");
        err->status = 500;
        return -1;
    }
    int rc = emu_policy_validate(copy, reason, sizeof(reason));
    free(copy);
    return rc < 0 ? bad_policy(err, reason) : 0;
}
