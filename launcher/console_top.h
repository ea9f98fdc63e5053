/*
 * console_top.h - the console's top (docs/top.md): snapshots of the
 * virtual machine and the screen drawn from them (console_topsnap.c),
 * shown and refreshed by the command (console_top.c).
 */
#ifndef PVMX_CONSOLE_TOP_H
#define PVMX_CONSOLE_TOP_H

#include <pvmx.h>

#include <time.h>

struct top_task {
	struct pvmxtaskstat s; /* s.ts_name points at name */
	char name[64];
};

struct top_host {
	int tid;
	char name[64];
	int code; /* 0, or why its daemon did not answer */
	unsigned long long now_us;
	int load[3];
	int ncpu;
	int ntask, nlink;
	struct top_task *tasks;
	struct pvmxlinkstat *links;
};

struct top_group {
	char name[64];
	int size, state, home;
};

struct top_snap {
	time_t when;
	int nhost;
	struct top_host *hosts;
	int groups_code;
	int ngroup;
	struct top_group *groups;
};

/* Asks every daemon (and the groups' homes); 0 or a PVM error code.  The
 * snapshot is freed with top_snap_free, whatever the answer. */
int top_snap_take(struct top_snap *s);
void top_snap_free(struct top_snap *s);

#define TOP_LINES_MAX 512
struct top_screen {
	int keys; /* the user can quit with q: say so */
	int n;
	char lines[TOP_LINES_MAX][256];
};

/* Draws s into scr, with the rates since prev (NULL: none yet). */
void top_draw(struct top_screen *scr, const struct top_snap *s,
              const struct top_snap *prev, double every);

#endif
