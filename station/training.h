/*
 * training.h — training mode (DESIGN.md §8) without a terminal: lessons
 * read from data files, exercise checkers, the explainer that takes any
 * GS1 data apart in the user's language, the sandbox (its own database,
 * key and folders, never the station's), scores and their export. The
 * screens in station/ui/training-ui.c only draw struct training_view and
 * pass keys to training_app_key() (STYLE.md §6).
 *
 * Lesson files (data/training/ *.lesson, UTF-8, format described in
 * data/training/README): "key: value" lines; '#' comments; a `lesson:`
 * block with title/text, then `exercise:` blocks with kind, data and the
 * question. Keys ending in .vi / .en are the two languages; a missing
 * translation falls back to the other one. A broken file is an error
 * "FILE:LINE: problem" (TT_EPARSE) and no lesson is loaded from it.
 *
 * Ownership: *_new / *_open / *_load return owned objects freed by the
 * matching *_free / *_close; NULL is accepted by every free. Words in
 * views, verdicts and explanations are already translated (gettext), in
 * the language chosen by i18n_init().
 */
#ifndef TT_STATION_TRAINING_H
#define TT_STATION_TRAINING_H

#include <stddef.h>
#include <stdint.h>

#include "../common/tt.h"

struct db;

/* ---- lessons ---------------------------------------------------------------- */

enum training_kind {
    TRAINING_CHECK_DIGIT,   /* data: digits without their check digit; answer the digit */
    TRAINING_READ,          /* data: GS1 data; ask: an AI; answer its value (dates, kg) */
    TRAINING_IDENTIFY,      /* data: one GS1 element; answer gtin | lot | serial | sscc */
    TRAINING_VALID,         /* data: any GS1 data; answer yes / no: is it valid? */
    TRAINING_ENCODE_WEIGHT, /* data: a weight in kg; answer the six digits of AI 3103 */
    TRAINING_MAKE_LABEL,    /* data: the elements wanted; answer GS1 data holding them */
    TRAINING_TRACE_BACK,    /* data: a serial (AI 21) in the sandbox; answer its lot */
    TRAINING_TRACE_FORWARD, /* data: a lot code in the sandbox; answer how many labels */
    TRAINING_BUNDLE,        /* data: intact | tampered; answer yes / no: does it verify? */
    TRAINING_KIND_COUNT,
};

#define TRAINING_ID_MAX   48
#define TRAINING_DATA_MAX 256
#define TRAINING_Q_MAX    640
#define TRAINING_TEXT_MAX 4096
#define TRAINING_EX_MAX   16

struct training_exercise {
    char id[TRAINING_ID_MAX];
    enum training_kind kind;
    char data[TRAINING_DATA_MAX];
    char ask[8];                      /* TRAINING_READ: the AI asked about */
    char question[2][TRAINING_Q_MAX]; /* [0] Vietnamese, [1] English */
    char hint[2][TRAINING_Q_MAX];
    int line; /* where it starts in its file */
};

struct training_lesson {
    char id[TRAINING_ID_MAX];
    char title[2][160];
    char text[2][TRAINING_TEXT_MAX];
    char file[256];
    size_t n_ex;
    struct training_exercise ex[TRAINING_EX_MAX];
};

struct training_lessons;

/* Parses one lesson file's text; `file` names it in errors ("FILE:LINE: ..."). */
int training_lesson_parse(const char *file, const char *text, size_t len,
                          struct training_lesson *out, struct tt_err *err);

/* Loads every DIR/ *.lesson in name order. Any broken file fails the load. */
int training_lessons_load(const char *dir, struct training_lessons **out, struct tt_err *err);
void training_lessons_free(struct training_lessons *ls);
size_t training_lessons_count(const struct training_lessons *ls);
/* Borrowed until training_lessons_free. */
const struct training_lesson *training_lesson_at(const struct training_lessons *ls, size_t i);
const struct training_lesson *training_lesson_find(const struct training_lessons *ls,
                                                   const char *id);

/* `vi` or `en` for the current language, the other one when empty (borrowed). */
const char *training_pick(const char *vi, const char *en);
/* 1 when the user's language is English. */
int training_lang_en(void);
const char *training_lesson_title(const struct training_lesson *l);
const char *training_lesson_text(const struct training_lesson *l);

/*
 * Parses one GS1 element for an identify exercise: a lot or serial alone is
 * accepted although it breaks the "requires (01)" rule. 0 or TT_EINVAL.
 */
struct gs1_msg;
int training_parse_element(const char *data, struct gs1_msg *msg);

/* "1,25", "1.250 kg", "-3.5" -> the value × 10^6; 0, or -1 when it is no number. */
int training_parse_decimal(const char *s, long long *micro);

/* "check-digit" ... -> kind; -1 when unknown. */
int training_kind_parse(const char *name);

/* ---- text lines (explainer output, feedback, screens) ------------------------ */

#define TRAINING_LINES_MAX 128
#define TRAINING_LINE_LEN  256

struct training_lines {
    size_t n;
    char line[TRAINING_LINES_MAX][TRAINING_LINE_LEN];
};

void training_lines_clear(struct training_lines *l);
/* Appends one line (cut at TRAINING_LINE_LEN-1 bytes on a UTF-8 boundary). */
void training_lines_add(struct training_lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends text wrapped at `cols` display columns ('\n' starts a new line). */
void training_lines_wrap(struct training_lines *l, const char *text, int cols, int indent);

/* s cut or padded with blanks to exactly `cols` display columns (for tables). */
void training_pad(char *out, size_t len, const char *s, int cols);

/* ---- the explainer ------------------------------------------------------------ */

/*
 * Takes GS1 data apart: element strings, raw scans (AIM prefix, GS), Digital
 * Link URIs, plain GTIN-8/12/13/14 and 18-digit SSCCs. For each element its
 * AI, name, meaning and interpreted value; keys with their check digit
 * worked out; and for invalid data what is wrong and where. Returns 1 when
 * the data is valid, 0 when not (the lines say why).
 */
int training_explain(const char *data, size_t len, struct training_lines *out);

/* The mod-10 check digit of `digits` worked out step by step; returns the digit or -1. */
int training_check_digit_steps(const char *digits, size_t len, struct training_lines *out);

/* ---- the sandbox ---------------------------------------------------------------- */

struct training_sandbox;

/*
 * The default sandbox folder: $TRAMTEM_TRAINING_DIR, else
 * $XDG_DATA_HOME/tramtem/training, else ~/.local/share/tramtem/training.
 */
void training_default_dir(char *out, size_t len);

/*
 * Opens (creating when missing) the sandbox in `dir`: dir/training.db in
 * training mode with the demo cooperative (from demo_dir/coop.json) and a
 * small traced scenario of lots and labels; dir/keys holds the sandbox's
 * own signing key. `station_db` is the station's database path: the
 * sandbox refuses (TT_EUSAGE) a folder that is the station's folder, so it
 * can never use the station's database or key.
 */
int training_sandbox_open(const char *dir, const char *station_db, const char *demo_dir,
                          struct training_sandbox **out, struct tt_err *err);
void training_sandbox_close(struct training_sandbox *sb);
struct db *training_sandbox_db(struct training_sandbox *sb);
const char *training_sandbox_dir(const struct training_sandbox *sb);

/*
 * Wipes the sandbox in `dir` (database, keys, bundles, labels, exports):
 * only names the sandbox itself creates are removed. Same refusal as open.
 */
int training_sandbox_reset(const char *dir, const char *station_db, struct tt_err *err);

/* The seeded scenario (for lesson writers and tests). */
#define TRAINING_SEED_GTIN  "99528930000012"
#define TRAINING_SEED_LOT_A "BUOI-2611A"
#define TRAINING_SEED_LOT_B "BUOI-2611B"

/*
 * The bundle demonstration: makes (once) a signed bundle of the sandbox's
 * events, verifies it, then verifies a copy with one byte changed.
 * intact_rc / tampered_rc are the verify results (0 = verifies); `why`
 * words the tampered copy's failure.
 */
struct training_bundle_demo {
    int intact_rc;
    int tampered_rc;
    char payload[4400];
    char tampered[4400];
    char why[256];
};
int training_bundle_demo(struct training_sandbox *sb, struct training_bundle_demo *out,
                         struct tt_err *err);

/* ---- checking answers ------------------------------------------------------------ */

struct training_verdict {
    int correct;
    struct training_lines feedback; /* what was right or wrong, the worked answer */
};

/*
 * Checks `answer` against exercise `ex`, computing the right answer from
 * the exercise data (and, for trace and bundle kinds, from the sandbox
 * `sb`, which may be NULL for the other kinds). Returns 0 with *out
 * filled, or a TT_E* code when the exercise cannot be checked (bad data,
 * no sandbox).
 */
int training_check(const struct training_exercise *ex, struct training_sandbox *sb,
                   const char *answer, struct training_verdict *out, struct tt_err *err);

/* The sandbox's events, one line each: seq, business step, item, lot and quantity. */
int training_events_lines(struct training_sandbox *sb, struct training_lines *out,
                          struct tt_err *err);

/*
 * Renders GS1 `data` (a make-label answer) with TPL_DIR/label-58x40.label
 * and prints it to `dest` (CUPS queue, "file:DIR", NULL: the default
 * queue); ref gets the job reference or the file written.
 */
int training_label_print(struct training_sandbox *sb, const char *data, const char *dest,
                         const char *tpl_dir, char *ref, size_t ref_len, struct tt_err *err);

/* ---- results ------------------------------------------------------------------- */

/* CSV of the class results (all classes for NULL/""): one row per trainee and exercise. */
int training_export_csv(struct db *db, const char *class_name, const char *path,
                        struct tt_err *err);

/* A printable A4 PDF summary per trainee (certificate style), with cairo/pango. */
int training_export_pdf(struct db *db, const struct training_lessons *ls, const char *class_name,
                        const char *path, struct tt_err *err);

#endif
