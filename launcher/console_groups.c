/*
 * console_groups.c - the groups command: what PVM 3.4.6's pvm_gstat
 * shows (every group, its members by instance), from the groups' home
 * daemons (pvmx_groups), with each group's home and state.
 */
#include "console.h"

#include "errtext.h"

#include <pvmx.h>
#include <string.h>

enum console_action console_cmd_groups(int ac, char **av)
{
	static const char *const states[] = {"dynamic", "frozen", "frozen, left"};
	struct pvmxgroupinfo *gs = NULL;
	int n = 0, r, shown = 0;

	if (ac > 2) {
		printf("groups: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	r = pvmx_groups(&gs, &n);
	if (r < 0) {
		printf("groups: %s\n", errtext(r));
		return CONSOLE_CONTINUE;
	}
	for (int i = 0; i < n; i++) {
		const struct pvmxgroupinfo *g = &gs[i];

		if (ac == 2 && strcmp(av[1], g->gi_name) != 0)
			continue;
		shown++;
		printf("group %s: %d member%s, %s, home t%x\n", g->gi_name, g->gi_size,
		       g->gi_size == 1 ? "" : "s",
		       states[g->gi_state >= 0 && g->gi_state <= 2 ? g->gi_state : 0],
		       (unsigned)g->gi_home);
		printf("    INST        TID       HOST\n");
		for (int k = 0; k < g->gi_ninst; k++) {
			if (g->gi_tids[k] != -1)
				printf("%8d %10x %10x\n", k, (unsigned)g->gi_tids[k],
				       (unsigned)g->gi_hosts[k]);
		}
	}
	if (shown == 0)
		printf(ac == 2 ? "groups: no group %s\n" : "no groups\n",
		       ac == 2 ? av[1] : "");
	return CONSOLE_CONTINUE;
}
