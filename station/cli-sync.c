/*
 * cli-sync.c — `tramtem key`, `export`, `verify` and `import`: the words
 * around sync/ (DESIGN.md §3, §6). Everything the user reads is here,
 * through _(); sync/ returns codes and English details.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../db/db.h"
#include "../sync/bundle.h"
#include "../sync/eject.h"
#include "../sync/export.h"
#include "../sync/receipt.h"
#include "../sync/seal.h"
#include "../sync/sig.h"
#include "../sync/stick.h"
#include "cli.h"
#include "intl.h"
#include "progress.h"

/*
 * Test hooks: TRAMTEM_FAULT=eio:N|enospc:N|pull:N makes the Nth stick
 * operation fail; TRAMTEM_FAULT_DELAY_MS=N makes every one take N ms (a
 * slow stick); TRAMTEM_MOUNTINFO and TRAMTEM_SYSFS replace
 * /proc/self/mountinfo and /sys when looking for sticks.
 */
static void
fault_from_env(void)
{
    const char *spec = getenv("TRAMTEM_FAULT"), *delay = getenv("TRAMTEM_FAULT_DELAY_MS");
    enum stick_fault kind;
    long nth;

    if (spec != NULL && stick_fault_parse(spec, &kind, &nth) == 0)
        stick_fault_set(kind, nth);
    if (delay != NULL)
        stick_fault_delay(strtol(delay, NULL, 10));
}

/* With TRAMTEM_FAULT=count, tells how many stick operations the export made. */
static void
fault_report(void)
{
    const char *spec = getenv("TRAMTEM_FAULT");

    if (spec != NULL && strcmp(spec, "count") == 0)
        fprintf(stderr, "fault-points: %ld\n", stick_fault_ops());
}

static int
fail_err(const struct tt_err *e)
{
    int rc = cli_fail(e->code, "%s", cli_code_text(e->code));

    if (e->msg[0] != '\0')
        fprintf(stderr, "  (%s)\n", e->msg);
    return rc;
}

static int
open_db(struct cli_ctx *ctx, unsigned flags, struct db **db, struct tt_err *e)
{
    int rc = db_open(ctx->db_path, flags, db, e);

    if (rc != 0)
        return rc;
    if (db_safe_mode(*db) && !(flags & DB_OPEN_READONLY)) {
        tt_err_set(e, TT_EROFS, "cli-sync", "database in safe mode: %s", db_safe_mode_reason(*db));
        db_close(*db);
        *db = NULL;
        return TT_EROFS;
    }
    return 0;
}

static void
print_pubkey(const struct sig_pubkey *pub)
{
    char text[256], fp[80], kid[17];

    sig_pubkey_format(pub, text, sizeof text);
    sig_keyid_hex(pub->key_id, kid);
    sig_fingerprint(pub, fp);
    fputs(text, stdout);
    fprintf(stderr, _("Key id: %s\nFingerprint: %s\nRegister this key with the portal.\n"), kid,
            fp);
}

int
cli_key(struct cli_ctx *ctx, int argc, char **argv)
{
    struct sync_paths p;
    struct sig_pubkey pub;
    struct tt_err e;

    tt_err_clear(&e);
    if (argc < 2)
        return cli_usage_error("key", "%s",
                               _("use: tramtem key init | show | portal FILE | seal [FILE | off]"));
    if (sync_paths_for_db(ctx->db_path, &p, &e) != 0)
        return fail_err(&e);
    if (strcmp(argv[1], "init") == 0 && argc == 2) {
        if (sync_key_init(&p, &pub, &e) != 0) {
            if (e.code == TT_EEXIST)
                return cli_fail(e.code, _("A station key already exists; it is never "
                                          "replaced. 'tramtem key show' prints it."));
            return fail_err(&e);
        }
        print_pubkey(&pub);
        return TT_EXIT_OK;
    }
    if (strcmp(argv[1], "show") == 0 && argc == 2) {
        if (sync_key_public(&p, &pub, &e) != 0) {
            if (e.code == TT_ENOTFOUND)
                return cli_fail(e.code, _("There is no station key yet. Run 'tramtem key "
                                          "init' first."));
            return fail_err(&e);
        }
        print_pubkey(&pub);
        return TT_EXIT_OK;
    }
    if (strcmp(argv[1], "seal") == 0) {
        struct db *db = NULL;
        int rc;

        if (open_db(ctx, 0, &db, &e) != 0)
            return fail_err(&e);
        rc = cli_key_seal(ctx, db, argc - 1, argv + 1);
        db_close(db);
        return rc;
    }
    if (strcmp(argv[1], "portal") == 0 && argc == 3) {
        if (sync_key_pin_portal(&p, argv[2], &e) != 0)
            return fail_err(&e);
        fprintf(stderr, "%s\n", _("The portal key is pinned. Receipts must be signed by it."));
        return TT_EXIT_OK;
    }
    return cli_usage_error("key", "%s",
                           _("use: tramtem key init | show | portal FILE | seal [FILE | off]"));
}

/* What `tramtem export` was asked besides where to write. */
struct export_opts {
    int progress_fd;        /* --progress-fd: the machine-readable channel (progress.h), or -1 */
    int eject;              /* release a stick found by itself afterwards (not --no-eject) */
    const uint8_t *seal_pk; /* --encrypt-to: new bundles sealed to it, or NULL (the setting) */
};

static void
channel(struct export_opts *o, const struct progress_msg *m)
{
    char line[96];
    int n;

    if (o->progress_fd < 0 || (n = progress_format(m, line, sizeof line)) < 0)
        return;
    if (write(o->progress_fd, line, (size_t)n) != n)
        o->progress_fd = -1; /* the reader went away: the export goes on */
}

/* A progress bar on the terminal while bundles are copied, and the channel. */
static void
on_progress(void *ctx, uint64_t done, uint64_t total)
{
    int width = 30, fill = total > 0 ? (int)(done * (uint64_t)width / total) : width;
    struct progress_msg m = {.kind = PROGRESS_BYTES, .done = done, .total = total};

    channel(ctx, &m);
    if (!isatty(STDERR_FILENO))
        return;
    fprintf(stderr, "\r[%.*s%*s] %3d%%", fill, "##############################", width - fill, "",
            total > 0 ? (int)(done * 100 / total) : 100);
    if (done >= total)
        fputc('\n', stderr);
}

static enum progress_error
export_error(const struct tt_err *e)
{
    switch (e->code) {
    case TT_EROFS:
        return PROGRESS_E_ROFS;
    case TT_ENOSPC:
        return PROGRESS_E_NOSPC;
    case TT_EIO:
        return PROGRESS_E_IO;
    case TT_ENOTFOUND:
        return strstr(e->msg, "key init") != NULL ? PROGRESS_E_NOKEY : PROGRESS_E_OTHER;
    default:
        return PROGRESS_E_OTHER;
    }
}

static int
export_to(struct db *db, const struct sync_paths *p, const char *dir, const char *volume,
          struct export_opts *o)
{
    struct sync_export_result r;
    struct tt_err e;

    tt_err_clear(&e);
    if (sync_export_sealed(db, p, dir, volume, -1, o->seal_pk, on_progress, o, &r, &e) != 0) {
        struct progress_msg m = {.kind = PROGRESS_ERROR, .error = export_error(&e)};

        channel(o, &m);
        if (e.code == TT_EROFS)
            return cli_fail(e.code,
                            _("The USB stick %s is read-only. Slide its lock switch "
                              "off, or use another stick."),
                            dir);
        if (e.code == TT_ENOSPC)
            return cli_fail(e.code,
                            _("The USB stick %s is full. Free some space or use "
                              "another stick. Nothing was lost."),
                            dir);
        if (e.code == TT_ENOTFOUND && strstr(e.msg, "key init") != NULL)
            return cli_fail(e.code, "%s",
                            _("There is no station key yet. Run 'tramtem key init' first."));
        if (e.code == TT_EIO)
            cli_fail(e.code,
                     _("Writing to %s failed; the stick may have been pulled out. "
                       "Nothing was lost: plug it in and export again."),
                     dir);
        if (e.code == TT_ECORRUPT || (e.code == TT_ESTATE && strstr(e.msg, "sealed") != NULL))
            return cli_spool_fail(&e);
        return fail_err(&e);
    }
    if (r.last_new_bundle > 0)
        fprintf(stderr, _("New bundles %llu-%llu with %llu events.\n"),
                (unsigned long long)r.first_new_bundle, (unsigned long long)r.last_new_bundle,
                (unsigned long long)r.new_events);
    else
        fprintf(stderr, "%s\n", _("No new events since the last bundle."));
    if (!r.clock_trusted)
        fprintf(stderr, "%s\n",
                _("Warning: the station clock is behind the last recorded "
                  "time. Set the date; the bundle records this."));
    fprintf(stderr, _("%zu of %zu unacknowledged bundles copied and checked on %s.\n"), r.n_copied,
            r.n_unacked, dir);
    if (r.n_imported > 0 || r.n_refused > 0)
        fprintf(stderr, _("Portal files: %zu imported, %zu refused.\n"), r.n_imported, r.n_refused);
    return TT_EXIT_OK;
}

/*
 * After a verified export: release the stick `s` (NULL for --to DIR, which
 * is never unmounted) when allowed, and say what the operator may do.
 */
static void
export_release(const struct stick *s, struct export_opts *o)
{
    struct eject_env env = {getenv("TRAMTEM_MOUNTINFO"), getenv("TRAMTEM_SYSFS"), NULL, -1};
    enum eject_outcome out = EJECT_KEPT;
    struct progress_msg m = {.kind = PROGRESS_RELEASE, .release = PROGRESS_KEPT};
    struct tt_err e;

    tt_err_clear(&e);
    if (s != NULL && o->eject && eject_release(s, &env, &out, &e) != 0) {
        fprintf(stderr,
                _("Warning: the USB stick %s could not be unmounted; the bundles on it are "
                  "complete and checked.\n"),
                s->mount);
        fprintf(stderr, "  (%s)\n", e.msg);
    }
    if (out == EJECT_POWERED_OFF) {
        m.release = PROGRESS_EJECTED;
        fprintf(stderr, "%s\n", _("The USB stick was ejected: you can pull it out now."));
    } else if (out == EJECT_UNMOUNTED) {
        m.release = PROGRESS_UNMOUNTED;
        fprintf(stderr, "%s\n", _("The USB stick was unmounted: you can pull it out now."));
    } else {
        fprintf(stderr, "%s\n", _("It is now safe to remove the USB stick."));
    }
    channel(o, &m);
}

#define EXPORT_USAGE                                                                               \
    N_("use: tramtem export [--to DIR] [--no-eject] [--progress-fd N] [--encrypt-to SEAL.pub]")

int
cli_export(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 't'},
                                         {"progress-fd", required_argument, NULL, 'p'},
                                         {"no-eject", no_argument, NULL, 'n'},
                                         {"encrypt-to", required_argument, NULL, 'e'},
                                         {NULL, 0, NULL, 0}};
    const char *to = NULL, *no_eject = getenv("TRAMTEM_NO_EJECT");
    struct export_opts o = {-1, no_eject == NULL || strcmp(no_eject, "1") != 0, NULL};
    uint8_t seal_pk[SEAL_PK_LEN];
    struct progress_msg nostick = {.kind = PROGRESS_ERROR, .error = PROGRESS_E_NOSTICK};
    struct sync_paths p;
    struct db *db = NULL;
    struct stick sticks[STICK_MAX];
    size_t n = 0;
    struct tt_err e;
    int c, rc = TT_EXIT_OK;

    tt_err_clear(&e);
    while ((c = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
        char *end = NULL;

        if (c == 't')
            to = optarg;
        else if (c == 'e' && (rc = cli_seal_pub_load(optarg, seal_pk)) != TT_EXIT_OK)
            return rc;
        else if (c == 'e')
            o.seal_pk = seal_pk;
        else if (c == 'n')
            o.eject = 0;
        else if (c == 'p' && (o.progress_fd = (int)strtol(optarg, &end, 10)) >= 0 && *end == '\0' &&
                 end != optarg && fcntl(o.progress_fd, F_GETFD) >= 0)
            continue;
        else
            return cli_usage_error("export", "%s", _(EXPORT_USAGE));
    }
    if (optind != argc)
        return cli_usage_error("export", "%s", _(EXPORT_USAGE));
    fault_from_env();
    if (sync_paths_for_db(ctx->db_path, &p, &e) != 0 || open_db(ctx, 0, &db, &e) != 0)
        return fail_err(&e);
    if (to != NULL) {
        if (mkdir(to, 0755) != 0 && errno != EEXIST)
            rc = cli_fail(TT_EIO, _("Cannot write %s."), to);
        else
            rc = export_to(db, &p, to, to, &o);
        if (rc == TT_EXIT_OK)
            export_release(NULL, &o);
    } else if (stick_find(getenv("TRAMTEM_MOUNTINFO"), getenv("TRAMTEM_SYSFS"), sticks, STICK_MAX,
                          &n, &e) != 0) {
        rc = fail_err(&e);
    } else if (n == 0) {
        channel(&o, &nostick);
        rc = cli_fail(TT_EDEVICE, "%s",
                      _("No USB stick found. Plug one in (FAT32 or exFAT) and try again, or "
                        "use --to DIR."));
    } else {
        for (size_t i = 0; i < n && rc == TT_EXIT_OK; i++) {
            struct progress_msg rofs = {.kind = PROGRESS_ERROR, .error = PROGRESS_E_ROFS};

            if (sticks[i].read_only) {
                channel(&o, &rofs);
                rc = cli_fail(TT_EROFS,
                              _("The USB stick %s is read-only. Slide its lock "
                                "switch off, or use another stick."),
                              sticks[i].mount);
            } else if ((rc = export_to(db, &p, sticks[i].mount, sticks[i].source, &o)) ==
                       TT_EXIT_OK) {
                export_release(&sticks[i], &o);
            }
        }
    }
    fault_report();
    db_close(db);
    return rc;
}

struct verify_ctx {
    struct bundle_epcis doc;
    int writing;
};

static int
on_event(void *vctx, uint64_t seq, const char *json, size_t len, struct tt_err *err)
{
    struct verify_ctx *v = vctx;

    (void)seq;
    return v->writing ? bundle_epcis_event(&v->doc, json, len, err) : 0;
}

static int
on_masterdata(void *vctx, const char *json, size_t len, struct tt_err *err)
{
    struct verify_ctx *v = vctx;

    return v->writing ? bundle_epcis_masterdata(&v->doc, json, len, err) : 0;
}

/* Words for each problem a bundle can have. */
static const char *
problem_text(int problem)
{
    switch (problem) {
    case BUNDLE_P_FILE:
        return _("The file is missing, not a regular file, or too large.");
    case BUNDLE_P_SIGNATURE:
        return _("The signature is missing or does not match: the file was changed, cut "
                 "short or swapped. Do not trust it.");
    case BUNDLE_P_KEY:
        return _("The bundle was signed by another key (another station).");
    case BUNDLE_P_COMMENT:
        return _("The signed comment does not match the bundle.");
    case BUNDLE_P_NAME:
        return _("The file name does not match the bundle number inside.");
    case BUNDLE_P_GZIP:
        return _("The compressed data is damaged or cut short.");
    case BUNDLE_P_HEADER:
        return _("The bundle header is damaged.");
    case BUNDLE_P_STATION:
        return _("The bundle belongs to another station.");
    case BUNDLE_P_REPLAY:
        return _("This is an old bundle sent again.");
    case BUNDLE_P_CHAIN:
        return _("The bundle does not follow the previous one (broken chain).");
    case BUNDLE_P_SEQUENCE:
        return _("The event numbers are out of order or outside the declared range.");
    case BUNDLE_P_EVENT:
        return _("An event is not a valid EPCIS 2.0 event.");
    case BUNDLE_P_TRAILER:
        return _("The end of the bundle is missing or does not match its events.");
    case BUNDLE_P_CHANGED:
        return _("The file changed while it was being checked.");
    case BUNDLE_P_SEALED:
    case BUNDLE_P_CIPHER:
        return cli_seal_problem_text(problem);
    default:
        return _("The bundle could not be checked.");
    }
}

static void
json_str(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void
verify_json(const char *file, int rc, const struct tt_err *e, const struct bundle_info *bi)
{
    const struct bundle_header *h = &bi->header;
    char b2[65];

    printf("{\"file\":");
    json_str(file);
    printf(",\"ok\":%s", rc == 0 ? "true" : "false");
    if (rc != 0) {
        printf(",\"problem\":\"%s\",\"message\":", bundle_problem_name(e->detail));
        json_str(e->msg);
    }
    printf(",\"sealed\":%s", bi->sealed || e->detail == BUNDLE_P_SEALED ? "true" : "false");
    if (h->bundle_seq > 0) {
        /* A sealed bundle not opened has no known id: its plain payload was not seen. */
        if (rc != 0 && e->detail == BUNDLE_P_SEALED)
            b2[0] = '\0';
        else
            sig_hex(bi->b2_256, sizeof bi->b2_256, b2);
        printf(",\"station\":");
        json_str(h->station);
        printf(",\"key_id\":\"%s\",\"bundle_seq\":%" PRIu64 ",\"prev_b2\":\"%s\",\"b2\":\"%s\","
               "\"first_event_seq\":%" PRIu64 ",\"last_event_seq\":%" PRIu64
               ",\"event_count\":%" PRIu64 ",\"created\":\"%s\",\"clock_trusted\":%s",
               h->key_id, h->bundle_seq, h->prev_b2, b2, h->first_event_seq, h->last_event_seq,
               h->event_count, h->created, h->clock_trusted ? "true" : "false");
    }
    printf("}\n");
}

/* The key to check with: --key FILE, else this station's own public key. */
static int
verify_key(struct cli_ctx *ctx, const char *key_file, struct sig_pubkey *pub, struct tt_err *e)
{
    struct sync_paths p;
    int rc;

    if (key_file != NULL)
        return sig_pubkey_read(key_file, pub, e);
    if ((rc = sync_paths_for_db(ctx->db_path, &p, e)) != 0)
        return rc;
    return sync_key_public(&p, pub, e);
}

static int
verify_run(const char *file, const struct sig_pubkey *pub, const struct seal_key *open_key,
           const char *epcis_out, int json, const char *revoked_kid)
{
    struct verify_ctx v = {.writing = 0};
    struct bundle_expect ex = {0};
    struct bundle_info bi;
    struct tt_err e;
    const char *base = strrchr(file, '/');
    FILE *out;
    int rc;

    tt_err_clear(&e);
    memset(&bi, 0, sizeof bi);
    ex.file_name = base != NULL ? base + 1 : file;
    ex.open = open_key;
    if (revoked_kid != NULL)
        rc = tt_err_setd(&e, TT_ESIG, BUNDLE_P_KEY, "verify", "key %s was revoked by the portal",
                         revoked_kid);
    else
        rc = bundle_verify_file(file, NULL, pub, &ex, on_event, on_masterdata, &v, &bi, &e);
    /* The document is written only for a perfect bundle, in a second pass. */
    if (rc == 0 && epcis_out != NULL) {
        if ((out = fopen(epcis_out, "we")) == NULL)
            return cli_fail(TT_EIO, _("Cannot write %s."), epcis_out);
        v.writing = 1;
        rc = bundle_epcis_begin(&v.doc, out, bi.header.created, &e);
        if (rc == 0)
            rc = bundle_verify_file(file, NULL, pub, &ex, on_event, on_masterdata, &v, &bi, &e);
        if (rc == 0)
            rc = bundle_epcis_end(&v.doc, &e);
        fclose(out);
        if (rc != 0)
            unlink(epcis_out);
    }
    if (json)
        verify_json(file, rc, &e, &bi);
    if (rc != 0 && e.detail == BUNDLE_P_SEALED && open_key != NULL) {
        cli_fail(e.code, "%s: %s", file,
                 _("The signature is valid, but the contents are sealed to another portal's "
                   "key and were NOT checked."));
        fprintf(stderr, "  (%s)\n", e.msg);
        return tt_exit_code(e.code);
    }
    if (rc != 0) {
        cli_fail(e.code, "%s: %s", file, problem_text(e.detail));
        fprintf(stderr, "  (%s)\n", e.msg);
        return tt_exit_code(e.code);
    }
    if (!json)
        fprintf(stderr,
                bi.sealed ? _("%s: sealed bundle %llu of station %s, events %llu-%llu (%llu): "
                              "signature OK, opened with the seal key, every event OK.\n")
                          : _("%s: bundle %llu of station %s, events %llu-%llu (%llu), signature "
                              "and every event OK.\n"),
                file, (unsigned long long)bi.header.bundle_seq, bi.header.station,
                (unsigned long long)bi.header.first_event_seq,
                (unsigned long long)bi.header.last_event_seq,
                (unsigned long long)bi.header.event_count);
    return TT_EXIT_OK;
}

#define VERIFY_USAGE                                                                               \
    N_("use: tramtem verify [--json] [--key PUBKEY] [--open-key SEAL.secret] [--epcis OUT] FILE")

int
cli_verify(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"epcis", required_argument, NULL, 'e'},
                                         {"open-key", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    const char *key = NULL, *epcis = NULL, *open_file = NULL;
    struct seal_key *open_key = NULL;
    int json = 0, c, rc;
    struct sig_pubkey pub;
    struct sync_paths p;
    struct tt_err e;
    char kid[17];

    tt_err_clear(&e);
    while ((c = getopt_long(argc, argv, "jk:e:", opts, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 'k')
            key = optarg;
        else if (c == 'e')
            epcis = optarg;
        else if (c == 'o')
            open_file = optarg;
        else
            return cli_usage_error("verify", "%s", _(VERIFY_USAGE));
    }
    if (optind + 1 != argc)
        return cli_usage_error("verify", "%s", _(VERIFY_USAGE));
    if (verify_key(ctx, key, &pub, &e) != 0)
        return fail_err(&e);
    if (open_file != NULL && (rc = cli_seal_secret_load(open_file, &open_key)) != TT_EXIT_OK)
        return rc;
    sig_keyid_hex(pub.key_id, kid);
    if (sync_paths_for_db(ctx->db_path, &p, &e) == 0 && sync_key_revoked(&p, kid))
        rc = verify_run(argv[optind], &pub, open_key, epcis, json, kid);
    else
        rc = verify_run(argv[optind], &pub, open_key, epcis, json, NULL);
    seal_key_free(open_key); /* wiped */
    return rc;
}

static const char *
import_problem_text(int detail)
{
    switch (detail) {
    case RECEIPT_P_SIGNATURE:
        return _("The file is not signed by the portal key this station trusts.");
    case RECEIPT_P_FORMAT:
        return _("The file from the portal is damaged or of an unknown kind.");
    case RECEIPT_P_STATION:
        return _("The receipt is for another station.");
    case RECEIPT_P_REPLAY:
        return _("This receipt or master data is not newer than what was already imported. "
                 "Nothing was changed.");
    case RECEIPT_P_RANGE:
        return _("The receipt acknowledges bundles this station never sent. Nothing was "
                 "changed.");
    default:
        return NULL;
    }
}

int
cli_import(struct cli_ctx *ctx, int argc, char **argv)
{
    struct sync_paths p;
    struct sync_import_result r;
    struct db *db = NULL;
    struct tt_err e;
    int rc;

    tt_err_clear(&e);
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage_error("import", "%s", _("use: tramtem import FILE"));
    if (sync_paths_for_db(ctx->db_path, &p, &e) != 0 || open_db(ctx, 0, &db, &e) != 0)
        return fail_err(&e);
    rc = sync_import(db, &p, argv[1], &r, &e);
    db_close(db);
    if (rc != 0) {
        const char *why = e.code == TT_ENOTFOUND && strstr(e.msg, "portal key") != NULL
                              ? _("No portal key is pinned. Run 'tramtem key portal FILE' "
                                  "first.")
                              : import_problem_text(e.detail);

        if (why == NULL)
            return fail_err(&e);
        cli_fail(e.code, "%s: %s", argv[1], why);
        fprintf(stderr, "  (%s)\n", e.msg);
        return tt_exit_code(e.code);
    }
    if (r.kind == 'r')
        fprintf(stderr,
                _("Receipt %llu imported: bundles up to %llu are acknowledged; %zu notes kept.\n"),
                (unsigned long long)r.seq, (unsigned long long)r.acked_through, r.n_items);
    else
        fprintf(stderr, _("Master data version %llu imported: %zu new products.\n"),
                (unsigned long long)r.seq, r.n_products);
    return TT_EXIT_OK;
}
