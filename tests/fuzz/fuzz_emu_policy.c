/* Fuzzes ossemu's RAM policy code (src/emu/policy.c) and the bucket policy validator
 * (op_setting_validate.c) on arbitrary JSON. Input lines: action, resource, then the policy
 * text. A policy the validator accepts is evaluated for the action and resource, and for a
 * few fixed ones. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../src/emu/op_setting.h"
#include "emu/emu.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *action = fuzz_field(&data, &size, '\n');
    char *resource = fuzz_field(&data, &size, '\n');
    char *text = fuzz_str(data, size);
    struct emu_setting_err err;
    char why[256];
    json_t *policy;

    memset(&err, 0, sizeof(err));
    if (emu_setting_check_policy(text, size, &err) < 0 &&
        (!err.code || !memchr(err.msg, 0, sizeof(err.msg))))
        abort();
    if (emu_policy_validate(text, why, sizeof(why)) == 0 &&
        (policy = json_loadb(text, size, 0, NULL))) {
        static const char *const actions[] = {"oss:GetObject", "oss:PutBucketAcl",
                                              "oss:ListObjects"};
        int v = emu_policy_eval(policy, NULL, action, resource);
        if (v < -1 || v > 1)
            abort();
        for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
            v = emu_policy_eval(policy, NULL, actions[i], "acs:oss:cn-hangzhou:1000000000000001:b/k");
            if (v < -1 || v > 1)
                abort();
        }
        json_decref(policy);
    }
    free(action);
    free(resource);
    free(text);
    return 0;
}
