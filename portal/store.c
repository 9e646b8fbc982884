/*
 * store.c — PostgreSQL connection, parameterised execution and the
 * forward-only schema migrations of the portal.
 *
 * Migrations are append-only: a released step is never edited, a change
 * is a new step at the end of the array.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct portal_store {
    PGconn *conn;
};

/* Step 1: the whole first schema. Comments in doc/portal.md. */
static const char migration_1[] =
    "CREATE TABLE stations ("
    " station_id text PRIMARY KEY CHECK (station_id ~ '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$'),"
    " name text NOT NULL DEFAULT '',"
    " enrolled_at timestamptz NOT NULL DEFAULT now(),"
    " head_seq bigint NOT NULL DEFAULT 0,"
    " head_hash bytea,"
    " head_event_seq bigint NOT NULL DEFAULT 0,"
    " receipt_seq bigint NOT NULL DEFAULT 0);"
    "CREATE TABLE station_keys ("
    " key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9A-F]{16}$'),"
    " station_id text NOT NULL REFERENCES stations,"
    " public_key bytea NOT NULL CHECK (length(public_key) = 32),"
    " status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','rotated','revoked')),"
    " valid_from_bundle bigint NOT NULL DEFAULT 1,"
    " valid_until_bundle bigint,"
    " enrolled_at timestamptz NOT NULL DEFAULT now(),"
    " revoked_at timestamptz,"
    " reason text);"
    "CREATE TABLE bundles ("
    " station_id text NOT NULL REFERENCES stations,"
    " bundle_seq bigint NOT NULL CHECK (bundle_seq > 0),"
    " hash bytea NOT NULL UNIQUE,"
    " prev_hash bytea,"
    " key_id text NOT NULL,"
    " status text NOT NULL CHECK (status IN ('accepted','pending','fork')),"
    " first_event_seq bigint, last_event_seq bigint, event_count bigint,"
    " n_new bigint NOT NULL DEFAULT 0, n_conflicts bigint NOT NULL DEFAULT 0,"
    " created_claimed text,"
    " received_at timestamptz NOT NULL DEFAULT now(),"
    " quarantine text);"
    "CREATE UNIQUE INDEX bundles_chain ON bundles (station_id, bundle_seq)"
    " WHERE status IN ('accepted','pending');"
    "CREATE TABLE rejections ("
    " id bigserial PRIMARY KEY,"
    " station_id text, bundle_seq bigint, file text NOT NULL, hash bytea,"
    " reason text NOT NULL,"
    " at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE events ("
    " station_id text NOT NULL,"
    " event_id text NOT NULL,"
    " seq bigint NOT NULL,"
    " bundle_seq bigint NOT NULL,"
    " event_type text NOT NULL,"
    " action text, biz_step text, disposition text,"
    " event_time timestamptz, event_tz text, record_time timestamptz,"
    " read_point text, biz_location text,"
    " gtin text, lot text, serial text, sscc text,"
    " keys text[] NOT NULL DEFAULT '{}',"
    " content_hash bytea NOT NULL,"
    " doc jsonb NOT NULL,"
    " PRIMARY KEY (station_id, event_id)"
    ") PARTITION BY HASH (station_id);"
    "CREATE TABLE events_p0 PARTITION OF events FOR VALUES WITH (MODULUS 4, REMAINDER 0);"
    "CREATE TABLE events_p1 PARTITION OF events FOR VALUES WITH (MODULUS 4, REMAINDER 1);"
    "CREATE TABLE events_p2 PARTITION OF events FOR VALUES WITH (MODULUS 4, REMAINDER 2);"
    "CREATE TABLE events_p3 PARTITION OF events FOR VALUES WITH (MODULUS 4, REMAINDER 3);"
    "CREATE INDEX events_keys ON events USING gin (keys);"
    "CREATE INDEX events_time ON events (event_time);"
    "CREATE INDEX events_station_seq ON events (station_id, seq);"
    "CREATE TABLE event_conflicts ("
    " station_id text NOT NULL, event_id text NOT NULL, bundle_seq bigint NOT NULL,"
    " stored_hash bytea, incoming_hash bytea, reason text NOT NULL,"
    " at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (station_id, event_id, bundle_seq));"
    "CREATE TABLE gaps ("
    " station_id text NOT NULL REFERENCES stations, bundle_seq bigint NOT NULL,"
    " noticed_at timestamptz NOT NULL DEFAULT now(), filled_at timestamptz,"
    " PRIMARY KEY (station_id, bundle_seq));"
    "CREATE TABLE receipts ("
    " station_id text NOT NULL REFERENCES stations, receipt_seq bigint NOT NULL,"
    " acked_through_bundle bigint NOT NULL, acked_through_event bigint NOT NULL,"
    " issued_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL,"
    " PRIMARY KEY (station_id, receipt_seq));"
    "CREATE TABLE products ("
    " gtin text PRIMARY KEY CHECK (gtin ~ '^[0-9]{14}$'),"
    " name text NOT NULL, name_en text, unit text,"
    " station_id text, updated_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE masterdata ("
    " version bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(),"
    " payload text NOT NULL);";

static const char *const migrations[] = {migration_1};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* An arbitrary constant: the advisory lock that serialises migrations. */
#define MIGRATE_LOCK "7412650001"

int
portal_store_schema_version(void)
{
    return N_MIGRATIONS;
}

int
portal_store_open(const char *conninfo, struct portal_store **out, struct tt_err *err)
{
    struct portal_store *st;
    PGconn *conn;

    *out = NULL;
    conn = PQconnectdb(conninfo != NULL ? conninfo : "");
    if (conn == NULL)
        return tt_err_set(err, TT_ENOMEM, "portal_store_open", "out of memory");
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[200];

        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        msg[strcspn(msg, "\n")] = '\0';
        PQfinish(conn);
        return tt_err_set(err, TT_EDEVICE, "portal_store_open",
                          "cannot connect to PostgreSQL: %s; check --db or PGSERVICE/PGHOST", msg);
    }
    st = malloc(sizeof *st);
    if (st == NULL) {
        PQfinish(conn);
        return tt_err_set(err, TT_ENOMEM, "portal_store_open", "out of memory");
    }
    st->conn = conn;
    /* Quiet NOTICEs (IF NOT EXISTS ...): libpq would print them on stderr. */
    PQsetNoticeProcessor(conn, NULL, NULL);
    /*
     * No JIT: the planner's default guess for `keys @> ARRAY[k]` (0.5% of
     * a million rows per key) pushes a trace round over the JIT cost
     * threshold, and compiling took 1.6 s for a query that runs in 6 ms.
     */
    if (portal_pg_exec(conn, "SET client_min_messages = warning", 0, NULL, NULL, err) < 0 ||
        portal_pg_exec(conn, "SET jit = off", 0, NULL, NULL, err) < 0) {
        portal_store_close(st);
        return err != NULL ? err->code : TT_EIO;
    }
    *out = st;
    return 0;
}

void
portal_store_close(struct portal_store *st)
{
    if (st == NULL)
        return;
    PQfinish(st->conn);
    free(st);
}

PGconn *
portal_store_conn(struct portal_store *st)
{
    return st->conn;
}

/* Maps a failed result's SQLSTATE to a TT_E* code. */
static int
code_of_result(const PGresult *res)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (state == NULL)
        return TT_EIO;
    if (strcmp(state, "23505") == 0)
        return TT_EEXIST;
    if (strcmp(state, "23503") == 0)
        return TT_ENOTFOUND;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
        return TT_EINVAL;
    /* 57014: cancelled or over statement_timeout (serve answers 503, try again). */
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "57014") == 0)
        return TT_EBUSY;
    return TT_EIO;
}

int
portal_pg_exec(PGconn *conn, const char *sql, int n_params, const char *const *params,
               PGresult **out, struct tt_err *err)
{
    PGresult *res = PQexecParams(conn, sql, n_params, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);

    if (out != NULL)
        *out = NULL;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        char msg[200];
        int code = code_of_result(res);

        snprintf(msg, sizeof msg, "%s", res != NULL ? PQresultErrorMessage(res) : "no result");
        msg[strcspn(msg, "\n")] = '\0';
        PQclear(res);
        return tt_err_set(err, code, "portal_pg_exec", "database: %s", msg);
    }
    if (out != NULL)
        *out = res;
    else
        PQclear(res);
    return 0;
}

int
portal_store_exec(struct portal_store *st, const char *sql, int n_params, const char *const *params,
                  PGresult **out, struct tt_err *err)
{
    return portal_pg_exec(st->conn, sql, n_params, params, out, err);
}

int
portal_store_begin(struct portal_store *st, struct tt_err *err)
{
    return portal_pg_exec(st->conn, "BEGIN", 0, NULL, NULL, err);
}

int
portal_store_commit(struct portal_store *st, struct tt_err *err)
{
    return portal_pg_exec(st->conn, "COMMIT", 0, NULL, NULL, err);
}

void
portal_store_rollback(struct portal_store *st)
{
    PQclear(PQexec(st->conn, "ROLLBACK"));
}

/* The recorded version, 0 when the schema table does not exist yet. */
static int
read_version(struct portal_store *st, int *version, struct tt_err *err)
{
    PGresult *res;
    int rc = portal_store_exec(st, "SELECT to_regclass('portal_schema') IS NOT NULL", 0, NULL, &res,
                               err);

    *version = 0;
    if (rc < 0)
        return rc;
    rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!rc)
        return 0;
    rc = portal_store_exec(st, "SELECT coalesce(max(version), 0) FROM portal_schema", 0, NULL, &res,
                           err);
    if (rc < 0)
        return rc;
    *version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

/* Runs a multi-statement script (no parameters: migrations are constant text). */
static int
exec_script(struct portal_store *st, const char *sql, struct tt_err *err)
{
    PGresult *res = PQexec(st->conn, sql);
    int rc = 0;

    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        char msg[200];

        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
        msg[strcspn(msg, "\n")] = '\0';
        rc = tt_err_set(err, TT_EIO, "portal_store_migrate", "migration failed: %s", msg);
    }
    PQclear(res);
    return rc;
}

int
portal_store_migrate(struct portal_store *st, int *from_out, int *to_out, struct tt_err *err)
{
    int version = 0, from, rc;

    rc = portal_store_begin(st, err);
    if (rc == 0)
        rc = portal_store_exec(st, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", 0, NULL, NULL,
                               err);
    if (rc == 0)
        rc = portal_store_exec(st,
                               "CREATE TABLE IF NOT EXISTS portal_schema (version integer"
                               " PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                               0, NULL, NULL, err);
    if (rc == 0)
        rc = read_version(st, &version, err);
    from = version;
    if (rc == 0 && version > N_MIGRATIONS)
        rc = tt_err_set(err, TT_ESTATE, "portal_store_migrate",
                        "the database has schema version %d, newer than this program's %d;"
                        " upgrade tramtem-portal",
                        version, N_MIGRATIONS);
    while (rc == 0 && version < N_MIGRATIONS) {
        char v[16];
        const char *params[1] = {v};

        rc = exec_script(st, migrations[version], err);
        snprintf(v, sizeof v, "%d", version + 1);
        if (rc == 0)
            rc = portal_store_exec(st, "INSERT INTO portal_schema (version) VALUES ($1)", 1, params,
                                   NULL, err);
        if (rc == 0)
            version++;
    }
    if (rc == 0)
        rc = portal_store_commit(st, err);
    if (rc < 0) {
        portal_store_rollback(st);
        return rc;
    }
    if (from_out != NULL)
        *from_out = from;
    if (to_out != NULL)
        *to_out = version;
    return 0;
}

int
portal_store_check(struct portal_store *st, struct tt_err *err)
{
    int version = 0;
    int rc = read_version(st, &version, err);

    if (rc < 0)
        return rc;
    if (version != N_MIGRATIONS)
        return tt_err_set(err, TT_ESTATE, "portal_store_check",
                          "the database schema is at version %d, this program needs %d;"
                          " run 'tramtem-portal init' first",
                          version, N_MIGRATIONS);
    return 0;
}
