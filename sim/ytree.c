#include "sim/ytree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sim/call.h"
#include "sim/text.h"
#include "sim/xalloc.h"

const char *ytree_kind_name(enum ytree_kind k)
{
    switch (k) {
    case YTREE_MAP:
        return "a mapping";
    case YTREE_SEQ:
        return "a list";
    default:
        return "a value";
    }
}

static struct ytree *node_new(enum ytree_kind kind, const char *file, const yaml_mark_t *m)
{
    struct ytree *t = xcalloc(1, sizeof *t);
    t->kind = kind;
    t->loc.file = file;
    t->loc.line = (int)m->line + 1;
    t->loc.col = (int)m->column + 1;
    return t;
}

void ytree_free(struct ytree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        if (t->keys)
            free(t->keys[i]);
        ytree_free(t->items[i]);
    }
    free(t->keys);
    free(t->key_locs);
    free(t->items);
    free(t->text);
    free(t->file_owned);
    free(t);
}

static void append(struct ytree *t, char *key, const struct loc *kloc, struct ytree *v)
{
    t->items = xrealloc(t->items, (t->n + 1) * sizeof *t->items);
    if (t->kind == YTREE_MAP) {
        t->keys = xrealloc(t->keys, (t->n + 1) * sizeof *t->keys);
        t->key_locs = xrealloc(t->key_locs, (t->n + 1) * sizeof *t->key_locs);
        t->keys[t->n] = key;
        t->key_locs[t->n] = *kloc;
    }
    t->items[t->n++] = v;
}

struct reader {
    yaml_parser_t parser;
    const char *file;
    int depth; /* mappings and sequences open around the node being parsed */
};

static int next_event(struct reader *r, yaml_event_t *ev)
{
    if (yaml_parser_parse(&r->parser, ev))
        return 0;
    struct loc at = {r->file, (int)r->parser.problem_mark.line + 1,
                     (int)r->parser.problem_mark.column + 1};
    if (r->parser.context)
        diag_error(&at, "YAML syntax: %s %s", r->parser.problem ? r->parser.problem : "error",
                   r->parser.context);
    else
        diag_error(&at, "YAML syntax: %s", r->parser.problem ? r->parser.problem : "error");
    return -1;
}

static int parse_node(struct reader *r, yaml_event_t *ev, struct ytree **out);

/* Parse the entries of a mapping or sequence until its end event. */
static int parse_children(struct reader *r, struct ytree *t)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(r, &ev))
            return -1;
        if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        if (t->kind == YTREE_SEQ) {
            struct ytree *v;
            int rc = parse_node(r, &ev, &v);
            yaml_event_delete(&ev);
            if (rc)
                return -1;
            append(t, NULL, NULL, v);
            continue;
        }
        /* A mapping: key event then value. */
        struct loc kloc = {r->file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1};
        if (ev.type != YAML_SCALAR_EVENT) {
            yaml_event_delete(&ev);
            return diag_error(&kloc, "mapping keys must be plain words");
        }
        char *key = xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
        yaml_event_delete(&ev);
        for (size_t i = 0; i < t->n; i++) {
            if (!strcmp(t->keys[i], key)) {
                diag_error(&kloc, "duplicate key '%s' (first at line %d)", key,
                           t->key_locs[i].line);
                free(key);
                return -1;
            }
        }
        yaml_event_t vev;
        if (next_event(r, &vev)) {
            free(key);
            return -1;
        }
        struct ytree *v;
        int rc = parse_node(r, &vev, &v);
        yaml_event_delete(&vev);
        if (rc) {
            free(key);
            return -1;
        }
        append(t, key, &kloc, v);
    }
}

static int parse_node(struct reader *r, yaml_event_t *ev, struct ytree **out)
{
    struct ytree *t;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        t = node_new(YTREE_SCALAR, r->file, &ev->start_mark);
        t->text = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        t->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        *out = t;
        return 0;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        if (r->depth >= YTREE_MAX_DEPTH) {
            struct loc at = {r->file, (int)ev->start_mark.line + 1,
                             (int)ev->start_mark.column + 1};
            return diag_error(&at, "nesting deeper than %d levels of mappings and lists; "
                              "a scenario needs about 8", YTREE_MAX_DEPTH);
        }
        r->depth++;
        t = node_new(ev->type == YAML_MAPPING_START_EVENT ? YTREE_MAP : YTREE_SEQ, r->file,
                     &ev->start_mark);
        int rc = parse_children(r, t);
        r->depth--;
        if (rc) {
            ytree_free(t);
            return -1;
        }
        *out = t;
        return 0;
    case YAML_ALIAS_EVENT: {
        struct loc at = {r->file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1};
        return diag_error(&at, "YAML aliases (*name) are not supported in scenarios");
    }
    default: {
        struct loc at = {r->file, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1};
        return diag_error(&at, "unexpected YAML content");
    }
    }
}

static int load(yaml_parser_t *p, const char *name, struct ytree **out)
{
    struct reader r = {.parser = *p};
    char *file = xstrdup(name);
    r.file = file;
    struct ytree *root = NULL;
    int rc = -1;
    yaml_event_t ev;
    /* stream start, document start */
    if (next_event(&r, &ev))
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&r, &ev))
        goto out;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        struct loc at = {file, 1, 1};
        diag_error(&at, "the file is empty; expected a scenario mapping");
        goto out;
    }
    yaml_event_delete(&ev);
    if (next_event(&r, &ev))
        goto out;
    if (ev.type == YAML_DOCUMENT_END_EVENT) {
        yaml_event_delete(&ev);
        struct loc at = {file, 1, 1};
        diag_error(&at, "the document is empty");
        goto out;
    }
    rc = parse_node(&r, &ev, &root);
    yaml_event_delete(&ev);
    if (rc)
        goto out;
    rc = -1;
    if (next_event(&r, &ev)) /* document end */
        goto out;
    yaml_event_delete(&ev);
    if (next_event(&r, &ev))
        goto out;
    if (ev.type != YAML_STREAM_END_EVENT) {
        struct loc at = {file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1};
        yaml_event_delete(&ev);
        diag_error(&at, "only one YAML document per scenario file");
        goto out;
    }
    yaml_event_delete(&ev);
    rc = 0;
out:
    *p = r.parser;
    if (rc) {
        ytree_free(root);
        free(file);
        return -1;
    }
    root->file_owned = file;
    *out = root;
    return 0;
}

int ytree_load_file(const char *path, struct ytree **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        struct loc at = {path, 0, 0};
        return diag_error(&at, "cannot open scenario: %s", strerror(errno));
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int rc = load(&p, path, out);
    yaml_parser_delete(&p);
    fclose(f);
    return rc;
}

int ytree_load_string(const char *text, const char *name, struct ytree **out)
{
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    int rc = load(&p, name, out);
    yaml_parser_delete(&p);
    return rc;
}

struct ytree *ytree_get(const struct ytree *t, const char *key)
{
    if (!t || t->kind != YTREE_MAP)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->keys[i], key))
            return t->items[i];
    return NULL;
}

const struct loc *ytree_key_loc(const struct ytree *t, const char *key)
{
    if (t && t->kind == YTREE_MAP)
        for (size_t i = 0; i < t->n; i++)
            if (!strcmp(t->keys[i], key))
                return &t->key_locs[i];
    return &t->loc;
}

const char *ytree_nearest(const char *s, const char *const cands[])
{
    return text_nearest(s, cands);
}

/* "a, b, c" into buf. */
static void join(const char *const list[], char *buf, size_t n)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; list[i] && used + 1 < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", list[i]);
}

int ytree_check_keys(const struct ytree *t, const char *what, const char *const valid[])
{
    if (t->kind != YTREE_MAP)
        return diag_error(&t->loc, "%s must be a mapping (key: value lines), not %s", what,
                          ytree_kind_name(t->kind));
    for (size_t i = 0; i < t->n; i++) {
        bool ok = false;
        for (size_t j = 0; valid[j]; j++)
            if (!strcmp(t->keys[i], valid[j]))
                ok = true;
        if (ok)
            continue;
        char list[1024];
        join(valid, list, sizeof list);
        const char *near = ytree_nearest(t->keys[i], valid);
        if (near)
            return diag_error(&t->key_locs[i], "unknown key '%s' in %s; did you mean '%s'? "
                              "valid keys: %s", t->keys[i], what, near, list);
        return diag_error(&t->key_locs[i], "unknown key '%s' in %s; valid keys: %s", t->keys[i],
                          what, list);
    }
    return 0;
}

/* Names of a sequence's items (their `name` values) for messages. */
static void item_names(const struct ytree *seq, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < seq->n && used + 1 < n; i++) {
        const struct ytree *nm = ytree_get(seq->items[i], "name");
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                                 nm && nm->kind == YTREE_SCALAR ? nm->text : "(unnamed)");
    }
    if (!seq->n)
        snprintf(buf, n, "(none)");
}

/* Every node of a --set value points at the argument: "--set", line 1, the node's column
 * within the value plus the value's offset in the argument. */
static void relocate(struct ytree *t, int col0)
{
    t->loc = (struct loc){"--set", 1, col0 + t->loc.col};
    for (size_t i = 0; i < t->n; i++) {
        if (t->key_locs)
            t->key_locs[i] = (struct loc){"--set", 1, col0 + t->key_locs[i].col};
        relocate(t->items[i], col0);
    }
}

/* "rate, burst" or "0 (5ms)": the parameters of call c for a message. */
static void call_params(const struct sim_call *c, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->nargs; i++) {
        if (c->args[i].key)
            text_appendf(buf, n, &used, "%s%s", i ? ", " : "", c->args[i].key);
        else
            text_appendf(buf, n, &used, "%s%zu (%s)", i ? ", " : "", i, c->args[i].value);
    }
    if (!c->nargs)
        snprintf(buf, n, "none");
}

/* The part of a --set path below a scalar: the scalar is a call such as
 * poisson(rate=200/s), and the segments from off name one of its parameters, by key or by
 * position (0, 1, ...), inside nested calls if there are more.  That parameter's value text
 * becomes the --set value.  Returns 0, or -1 after reporting at the argument. */
static int set_in_call(struct ytree *node, const char *arg, size_t off, size_t path_len,
                       const struct ytree *value, size_t value_off)
{
    struct loc base = {"--set", 1, 1};
    size_t end = off;
    while (end < path_len && arg[end] != '.')
        end++;
    if (!strchr(node->text, '('))
        return diag_error_text(&base, arg, off, end - off, "'%.*s' is below the plain value "
                               "'%s'; nothing to address there", (int)(end - off), arg + off,
                               node->text);
    struct sim_call *call;
    if (sim_call_parse(node->text, &node->loc, &call))
        return -1;
    const struct sim_call *c = call;
    const struct sim_call_arg *a = NULL;
    int rc = -1;
    for (;;) {
        end = off;
        while (end < path_len && arg[end] != '.')
            end++;
        a = NULL;
        for (size_t i = 0; i < c->nargs && !a; i++)
            if (c->args[i].key && strlen(c->args[i].key) == end - off &&
                !strncmp(c->args[i].key, arg + off, end - off))
                a = &c->args[i];
        if (!a && end > off && strspn(arg + off, "0123456789") == end - off) {
            unsigned long k = strtoul(arg + off, NULL, 10);
            if (k < c->nargs)
                a = &c->args[k];
        }
        if (!a) {
            char params[512];
            call_params(c, params, sizeof params);
            diag_error_text(&base, arg, off, end - off ? end - off : 1,
                            "%s(...) has no parameter '%.*s'; its parameters: %s", c->name,
                            (int)(end - off), arg + off, params);
            goto out;
        }
        if (end >= path_len)
            break;
        if (!a->call || !a->call->name) {
            diag_error_text(&base, arg, end + 1, path_len - end - 1, "'%.*s' is below the plain "
                            "value '%s' of %s's parameter; nothing to address there",
                            (int)(path_len - end - 1), arg + end + 1, a->value, c->name);
            goto out;
        }
        c = a->call;
        off = end + 1;
    }
    /* The new value must stay one parameter: a plain value or a call, no comma outside
     * parentheses. */
    const char *v = value->kind == YTREE_SCALAR ? value->text : NULL;
    if (!v || !*v) {
        diag_error_text(&base, arg, value_off, strlen(arg + value_off),
                        "a parameter of %s(...) takes a value%s", c->name,
                        v ? "; the value is empty" : ", not a mapping or a list");
        goto out;
    }
    struct loc vloc = {"--set", 1, (int)value_off + 1};
    struct sim_call *check;
    if (sim_call_parse(v, &vloc, &check))
        goto out;
    sim_call_free(check);
    int depth = 0;
    for (const char *ch = v; *ch; ch++) {
        depth += *ch == '(' ? 1 : *ch == ')' ? -1 : 0;
        if (*ch == ',' && depth == 0) {
            diag_error_text(&vloc, v, (size_t)(ch - v), 1, "a parameter's value cannot hold "
                            "',' outside parentheses; it would split the parameter");
            goto out;
        }
    }
    size_t n = strlen(node->text) - a->value_len + strlen(v) + 1;
    char *text = xmalloc(n);
    snprintf(text, n, "%.*s%s%s", (int)a->value_off, node->text, v,
             node->text + a->value_off + a->value_len);
    free(node->text);
    node->text = text;
    /* Later messages about the call (a bad rate) point at the --set argument: column 1 of
     * the text is placed so that the new value falls on its column there.  When the text
     * before the value is longer than the argument's path, the file's place is kept. */
    if (value_off + 1 > a->value_off)
        node->loc = (struct loc){"--set", 1, (int)(value_off + 1 - a->value_off)};
    rc = 0;
out:
    sim_call_free(call);
    return rc;
}

int ytree_set(struct ytree *root, const char *arg)
{
    struct loc base = {"--set", 1, 1};
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return diag_error_text(&base, arg, 0, strlen(arg),
                               "expected --set PATH=VALUE, e.g. "
                               "target_groups.web.algorithm=least_outstanding_requests");
    size_t value_off = (size_t)(eq - arg) + 1;
    size_t segments = 1;
    for (const char *c = arg; c < eq; c++)
        segments += *c == '.';
    if (segments > YTREE_MAX_DEPTH)
        return diag_error_text(&base, arg, 0, (size_t)(eq - arg),
                               "a path of %zu segments; at most %d", segments,
                               YTREE_MAX_DEPTH);
    struct ytree *value;
    if (eq[1] == '\0') {
        value = xcalloc(1, sizeof *value);
        value->kind = YTREE_SCALAR;
        value->text = xstrdup("");
    } else if (ytree_load_string(eq + 1, "--set value", &value)) {
        return -1;
    }
    /* The value points back at the --set argument for later messages. */
    relocate(value, (int)value_off);
    value->loc = base;
    value->loc.col = (int)value_off + 1;

    struct ytree *cur = root;
    size_t off = 0;
    size_t path_len = (size_t)(eq - arg);
    while (off < path_len) {
        size_t end = off;
        while (end < path_len && arg[end] != '.')
            end++;
        char *seg = xstrndup(arg + off, end - off);
        bool last = end >= path_len;
        if (seg[0] == '\0') {
            free(seg);
            ytree_free(value);
            return diag_error_text(&base, arg, off, 1, "empty path segment");
        }
        if (cur->kind == YTREE_MAP) {
            struct ytree *next = ytree_get(cur, seg);
            if (last) {
                if (next) {
                    for (size_t i = 0; i < cur->n; i++)
                        if (cur->items[i] == next) {
                            ytree_free(next);
                            cur->items[i] = value;
                        }
                    free(seg);
                } else {
                    struct loc kl = base;
                    kl.col = (int)off + 1;
                    append(cur, seg, &kl, value);
                }
                return 0;
            }
            if (!next) {
                /* A section the file leaves out (`--set output.interval=60s` without
                 * `output:`): made here, empty; the reader checks its keys as if written. */
                next = xcalloc(1, sizeof *next);
                next->kind = YTREE_MAP;
                next->loc = base;
                next->loc.col = (int)off + 1;
                append(cur, seg, &next->loc, next);
            } else {
                free(seg);
            }
            cur = next;
            off = end + 1;
            continue;
        } else if (cur->kind == YTREE_SEQ) {
            struct ytree *next = NULL;
            size_t idx = 0;
            for (size_t i = 0; i < cur->n; i++) {
                const struct ytree *nm = ytree_get(cur->items[i], "name");
                if (nm && nm->kind == YTREE_SCALAR && !strcmp(nm->text, seg)) {
                    next = cur->items[i];
                    idx = i;
                }
            }
            if (!next) {
                char *endp;
                unsigned long k = strtoul(seg, &endp, 10);
                if (*endp == '\0' && k < cur->n) {
                    next = cur->items[k];
                    idx = k;
                }
            }
            if (!next) {
                char names[1024];
                item_names(cur, names, sizeof names);
                diag_error_text(&base, arg, off, end - off,
                                "no item named '%s' in this list; items: %s", seg, names);
                free(seg);
                ytree_free(value);
                return -1;
            }
            free(seg);
            if (last) {
                ytree_free(cur->items[idx]);
                cur->items[idx] = value;
                return 0;
            }
            cur = next;
            off = end + 1;
            continue;
        } else {
            /* A scalar: a parameter inside a call, e.g. workloads.w.arrivals.rate. */
            free(seg);
            int rc = set_in_call(cur, arg, off, path_len, value, value_off);
            ytree_free(value);
            return rc;
        }
        free(seg);
        off = end + 1;
    }
    ytree_free(value);
    return diag_error_text(&base, arg, 0, path_len, "empty path");
}
