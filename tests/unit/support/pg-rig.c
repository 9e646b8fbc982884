/*
 * pg-rig.c — tests/rig/pg.sh from C (see pg-rig.h).
 */
#include "pg-rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char rig_dir[1024];

int
pg_rig_start(const char *opts)
{
    char line[4096], *p, *q;
    FILE *f;

    if (opts != NULL)
        setenv("PG_RIG_OPTS", opts, 1);
    /* Our pid: the rig's watchdog stops the server even if we crash. */
    snprintf(line, sizeof line, "tests/rig/pg.sh start %ld", (long)getpid());
    f = popen(line, "r");
    if (f == NULL)
        return -1;
    p = fgets(line, sizeof line, f);
    pclose(f);
    p = p != NULL ? strstr(line, "PG_RIG_DIR='") : NULL;
    q = p != NULL ? strchr(p + 12, '\'') : NULL;
    if (q == NULL)
        return -1;
    snprintf(rig_dir, sizeof rig_dir, "%.*s", (int)(q - p - 12), p + 12);
    snprintf(line, sizeof line, "%s/sock", rig_dir);
    setenv("PGHOST", line, 1);
    setenv("PGUSER", "postgres", 1);
    setenv("PGDATABASE", "postgres", 1);
    unsetenv("PGSERVICE");
    return 0;
}

int
pg_rig_stop(void)
{
    char cmd[1200];
    int rc;

    if (rig_dir[0] == '\0')
        return 0;
    snprintf(cmd, sizeof cmd, "tests/rig/pg.sh stop '%s'", rig_dir);
    rc = system(cmd);
    rig_dir[0] = '\0';
    return rc == 0 ? 0 : -1;
}

const char *
pg_rig_dir(void)
{
    return rig_dir;
}
