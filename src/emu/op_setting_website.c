/* The website setting (WebsiteConfiguration, oss-api.md 6.10): IndexDocument, ErrorDocument and
 * RoutingRules, whose Condition and Redirect parts are kept as given after the RedirectType
 * check. Refusals follow op_setting_validate.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "op_priv.h"
#include "op_setting.h"

#define MAX_ROUTING_RULES 20

/* Copies the subtree of n (elements and leaf text) to w, up to a nesting depth. */
static int copy_tree(const struct oss_xml_node *n, struct oss_xml_writer *w, int depth,
                     struct emu_setting_err *err)
{
    const struct oss_xml_node *c = oss_xml_first(n, NULL);
    if (depth > 6)
        return emu_setting_malformed(err, "elements nested too deeply");
    if (!c) {
        struct oss_buf t = OSS_BUF_INIT;
        int rc = oss_xml_text(n, &t);
        oss_xmlw_elem(w, oss_xml_name(n), rc == 0 ? oss_buf_str(&t) : "");
        oss_buf_cleanup(&t);
        return 0;
    }
    oss_xmlw_start(w, oss_xml_name(n));
    for (; c; c = oss_xml_next(c, NULL))
        if (copy_tree(c, w, depth + 1, err) < 0)
            return -1;
    oss_xmlw_end(w);
    return 0;
}

static int website_routing(const struct oss_xml_node *rr, struct oss_xml_writer *w,
                           struct emu_setting_err *err)
{
    static const char *const types[] = {"Mirror", "External", "Internal", "AliCDN"};
    char type[32];
    uint64_t num;
    size_t n = 0;

    oss_xmlw_start(w, "RoutingRules");
    for (const struct oss_xml_node *r = oss_xml_first(rr, "RoutingRule"); r;
         r = oss_xml_next(r, "RoutingRule")) {
        const struct oss_xml_node *cond = oss_xml_find(r, "Condition");
        const struct oss_xml_node *redir = oss_xml_find(r, "Redirect");
        int ok = 0;
        if (++n > MAX_ROUTING_RULES)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "At most %d routing rules are allowed.", MAX_ROUTING_RULES);
        if (oss_xml_get_u64(r, "RuleNumber", &num) < 0 || num == 0)
            return emu_setting_malformed(err, "a RoutingRule needs a positive RuleNumber");
        if (!redir || emu_setting_child_text(redir, "RedirectType", type, sizeof(type), err) != 0)
            return emu_setting_malformed(err, "a RoutingRule needs Redirect/RedirectType");
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            ok |= !strcmp(type, types[i]);
        if (!ok)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "RedirectType %s is not one of Mirror, External, Internal, "
                                    "AliCDN.",
                                    type);
        oss_xmlw_start(w, "RoutingRule");
        oss_xmlw_elemf(w, "RuleNumber", "%llu", (unsigned long long)num);
        if ((cond && copy_tree(cond, w, 0, err) < 0) || copy_tree(redir, w, 0, err) < 0)
            return -1;
        oss_xmlw_end(w);
    }
    oss_xmlw_end(w);
    return 0;
}

int emu_setting_check_website(const struct emu_setting_ctx *ctx, const struct oss_xml_node *root,
                              struct oss_xml_writer *w, struct emu_setting_err *err)
{
    const struct oss_xml_node *idx = oss_xml_find(root, "IndexDocument");
    const struct oss_xml_node *edoc = oss_xml_find(root, "ErrorDocument");
    const struct oss_xml_node *rr = oss_xml_find(root, "RoutingRules");
    char suffix[256], key[1024], type[8];
    uint64_t status;
    int rc;

    (void)ctx;
    if (!idx && !edoc && !rr)
        return emu_setting_malformed(err,
                                     "WebsiteConfiguration needs IndexDocument, ErrorDocument or "
                                     "RoutingRules");
    oss_xmlw_start(w, "WebsiteConfiguration");
    if (idx) {
        rc = emu_setting_child_text(idx, "Suffix", suffix, sizeof(suffix), err);
        if (rc == -1)
            return -1;
        if (rc < 0 || !suffix[0])
            return emu_setting_malformed(err, "IndexDocument needs a Suffix");
        if (strchr(suffix, '/'))
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "The index document suffix may not contain '/'.");
        oss_xmlw_start(w, "IndexDocument");
        oss_xmlw_elem(w, "Suffix", suffix);
        if (emu_setting_copy_bool(idx, "SupportSubDir", -1, w, err, NULL) < 0)
            return -1;
        rc = emu_setting_child_text(idx, "Type", type, sizeof(type), err);
        if (rc == 0 && strcmp(type, "0") && strcmp(type, "1") && strcmp(type, "2"))
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "IndexDocument/Type must be 0, 1 or 2.");
        if (rc == -1)
            return -1;
        if (rc == 0)
            oss_xmlw_elem(w, "Type", type);
        oss_xmlw_end(w);
    }
    if (edoc) {
        rc = emu_setting_child_text(edoc, "Key", key, sizeof(key), err);
        if (rc == -1)
            return -1;
        if (rc < 0 || !key[0])
            return emu_setting_malformed(err, "ErrorDocument needs a Key");
        oss_xmlw_start(w, "ErrorDocument");
        oss_xmlw_elem(w, "Key", key);
        rc = oss_xml_get_u64(edoc, "HttpStatus", &status);
        if (rc == 0 && status != 200 && status != 404)
            return emu_setting_fail(err, "InvalidArgument", NULL,
                                    "ErrorDocument/HttpStatus must be 200 or 404.");
        if (rc == -EINVAL)
            return emu_setting_malformed(err, "HttpStatus must be a number");
        if (rc == 0)
            oss_xmlw_elemf(w, "HttpStatus", "%llu", (unsigned long long)status);
        oss_xmlw_end(w);
    }
    if (rr && website_routing(rr, w, err) < 0)
        return -1;
    oss_xmlw_end(w);
    return 0;
}
